"""Which LwM2M endpoint a Home Assistant device stands for, and the hub that serves it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from ..const import DOMAIN
from ..device_lookup import endpoint_device

if TYPE_CHECKING:
    from ..hub import LwM2MHub


@dataclass(frozen=True, slots=True)
class LinkedDevice:
    """A registry device of this integration: its endpoint name and its config entry."""

    device_id: str
    entry_id: str
    endpoint: str

    def hub(self, hass: HomeAssistant) -> LwM2MHub | None:
        """The hub of the device's entry while it is loaded (a reload makes a new one)."""
        entry = hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        hub: LwM2MHub = entry.runtime_data.hub
        return hub


def linked_device(hass: HomeAssistant, device_id: str) -> LinkedDevice | None:
    """The endpoint behind ``device_id``; None for a device of another integration."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return None
    endpoint = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
    if endpoint is None:
        return None
    for entry in hass.config_entries.async_entries(DOMAIN):
        found = endpoint_device(hass, entry.entry_id, endpoint)
        if found is not None and found.id == device_id:
            return LinkedDevice(device_id, entry.entry_id, endpoint)
    return None


def served_device(hass: HomeAssistant, device_id: str) -> tuple[LinkedDevice, LwM2MHub] | None:
    """The endpoint behind ``device_id`` and the hub that serves it; None for a device of
    another integration, or while its entry is not loaded."""
    device = linked_device(hass, device_id)
    hub = None if device is None else device.hub(hass)
    return None if device is None or hub is None else (device, hub)
