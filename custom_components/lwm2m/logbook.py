"""Logbook lines for the integration's bus events: "demo-1 registered", "boiler-7 finished
bootstrap over DTLS", "meter-3 firmware update failed: integrity check failure"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import (
    ATTR_CODE,
    ATTR_DEVICE_ID,
    ATTR_ENDPOINT,
    ATTR_ERROR,
    ATTR_REASON,
    ATTR_SECURE,
    ATTR_STEP,
    ATTR_VERSION,
    ATTR_WARNING,
    DOMAIN,
    EVENT_BOOTSTRAP_FAILED,
    EVENT_BOOTSTRAP_FINISHED,
    EVENT_DEREGISTERED,
    EVENT_FIRMWARE_UPDATE_FAILED,
    EVENT_FIRMWARE_UPDATE_FINISHED,
    EVENT_REGISTERED,
)

GONE = {
    "deregistered": "deregistered",
    "expired": "went offline (its registration lifetime ran out)",
    "credentials revoked": "was disconnected (its credentials changed)",
}


def _registered(data: Mapping[str, Any]) -> str:
    return "registered"


def _deregistered(data: Mapping[str, Any]) -> str:
    reason = str(data.get(ATTR_REASON) or "deregistered")
    return GONE.get(reason, f"deregistered ({reason})")


def _bootstrap_finished(data: Mapping[str, Any]) -> str:
    secure = data.get(ATTR_SECURE)
    if secure is None:
        return "finished bootstrap"
    return f"finished bootstrap over {'DTLS' if secure else 'plain CoAP'}"


def _bootstrap_failed(data: Mapping[str, Any]) -> str:
    code = data.get(ATTR_CODE)
    answer = f"answered {code}" if code else "no answer"
    return f"failed bootstrap at {data.get(ATTR_STEP) or 'an unknown step'} ({answer})"


def _firmware_finished(data: Mapping[str, Any]) -> str:
    version = data.get(ATTR_VERSION)
    line = f"finished a firmware update to {version}" if version else "finished a firmware update"
    warning = data.get(ATTR_WARNING)
    return f"{line} ({str(warning).replace('_', ' ')})" if warning else line


def _firmware_failed(data: Mapping[str, Any]) -> str:
    error = data.get(ATTR_ERROR)
    if not error:
        return "firmware update failed"
    return f"firmware update failed: {str(error).replace('_', ' ')}"


MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    EVENT_REGISTERED: _registered,
    EVENT_DEREGISTERED: _deregistered,
    EVENT_BOOTSTRAP_FINISHED: _bootstrap_finished,
    EVENT_BOOTSTRAP_FAILED: _bootstrap_failed,
    EVENT_FIRMWARE_UPDATE_FINISHED: _firmware_finished,
    EVENT_FIRMWARE_UPDATE_FAILED: _firmware_failed,
}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """The device's name (as its device page shows it) and what happened to it."""
    device_registry = dr.async_get(hass)

    @callback
    def _describe(event: Event) -> dict[str, str]:
        data = event.data
        device_id = data.get(ATTR_DEVICE_ID)
        device = device_registry.async_get(device_id) if device_id else None
        name = (device.name_by_user or device.name) if device is not None else None
        return {
            LOGBOOK_ENTRY_NAME: name or str(data.get(ATTR_ENDPOINT) or "LwM2M device"),
            LOGBOOK_ENTRY_MESSAGE: MESSAGES[str(event.event_type)](data),
        }

    for event_type in MESSAGES:
        async_describe_event(DOMAIN, event_type, _describe)
