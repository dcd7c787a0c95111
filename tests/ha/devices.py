"""Looks up registry devices the same way on every supported Home Assistant release."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.lwm2m.const import DOMAIN


def device_of(hass: HomeAssistant, endpoint: str) -> dr.DeviceEntry | None:
    """The one device, of any config entry, that the LwM2M endpoint became."""
    registry = dr.async_get(hass)
    found = {
        device.id: device
        for entry in hass.config_entries.async_entries()
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        if (DOMAIN, endpoint) in device.identifiers
    }
    assert len(found) <= 1, f"{len(found)} devices for endpoint {endpoint}"
    return next(iter(found.values()), None)
