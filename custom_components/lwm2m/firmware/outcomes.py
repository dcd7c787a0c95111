"""A finished firmware update as a bus event: ``lwm2m_firmware_update_finished`` with the
version the device runs now (and a warning where the success looks odd), or
``lwm2m_firmware_update_failed`` with the reason."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback

from ..const import (
    ATTR_DEVICE_ID,
    ATTR_ENDPOINT,
    ATTR_ERROR,
    ATTR_IMAGE,
    ATTR_PREVIOUS_VERSION,
    ATTR_RESULT,
    ATTR_VERSION,
    ATTR_WARNING,
    EVENT_FIRMWARE_UPDATE_FAILED,
    EVENT_FIRMWARE_UPDATE_FINISHED,
)
from ..device_lookup import endpoint_device
from ..engine import FirmwareStatus, Phase


@callback
def async_fire_outcome(
    hass: HomeAssistant, entry_id: str, endpoint: str, status: FirmwareStatus
) -> None:
    """Fire the event for a finished update (the status of a FirmwareUpdateFinished).

    The image is named by its registered name, never by the URL of an image the device
    fetches from elsewhere (such a URL may carry a token).
    """
    device = endpoint_device(hass, entry_id, endpoint)
    data: dict[str, Any] = {
        ATTR_DEVICE_ID: None if device is None else device.id,
        ATTR_ENDPOINT: endpoint,
        ATTR_IMAGE: status.image_name,
        ATTR_PREVIOUS_VERSION: status.previous_version,
    }
    if status.phase is Phase.SUCCEEDED:
        data[ATTR_VERSION] = status.installed_version or status.image_version
        if status.warning is not None:
            data[ATTR_WARNING] = status.warning.value
        hass.bus.async_fire(EVENT_FIRMWARE_UPDATE_FINISHED, data)
        return
    data[ATTR_VERSION] = status.image_version
    data[ATTR_ERROR] = status.error.value if status.error else None
    data[ATTR_RESULT] = status.result
    hass.bus.async_fire(EVENT_FIRMWARE_UPDATE_FAILED, data)
