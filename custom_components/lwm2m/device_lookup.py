"""The registry device an LwM2M endpoint became, on every supported release."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN


def endpoint_device(hass: HomeAssistant, entry_id: str, endpoint: str) -> dr.DeviceEntry | None:
    """The config entry's device for ``endpoint``, or None.

    Identifiers are unique per config entry only, so newer releases deprecate the global
    ``async_get_device`` for ``async_get_device_by_identifier``; 2025.4 lacks the latter.
    """
    device_registry = dr.async_get(hass)
    identifier = (DOMAIN, endpoint)
    by_identifier = getattr(device_registry, "async_get_device_by_identifier", None)
    if by_identifier is not None:
        device: dr.DeviceEntry | None = by_identifier(identifier, entry_id)
        return device
    device = device_registry.async_get_device(identifiers={identifier})
    if device is None or entry_id not in device.config_entries:
        return None
    return device
