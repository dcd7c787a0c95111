"""Looks up registry devices the same way on every supported Home Assistant release."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.lwm2m.const import DOMAIN


def device_of(hass: HomeAssistant, endpoint: str) -> dr.DeviceEntry | None:
    """The one device, of any config entry, that the LwM2M endpoint became."""
    found = [
        device
        for device in dr.async_get(hass).devices.values()
        if (DOMAIN, endpoint) in device.identifiers
    ]
    assert len(found) <= 1, f"{len(found)} devices for endpoint {endpoint}"
    return found[0] if found else None
