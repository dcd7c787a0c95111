"""The logbook's lines for the integration's bus events: the device's name and what
happened to it, from the events the real server fires for a simulated device."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from homeassistant.components.logbook.const import (
    DOMAIN as LOGBOOK,
)
from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.loader import async_get_integration
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.lwm2m.const import (
    DOMAIN,
    EVENT_BOOTSTRAP_FAILED,
    EVENT_BOOTSTRAP_FINISHED,
    EVENT_DEREGISTERED,
    EVENT_FIRMWARE_UPDATE_FAILED,
    EVENT_FIRMWARE_UPDATE_FINISHED,
    EVENT_REGISTERED,
)
from simulator import SimulatedDevice

from .automation_helpers import register, simulated
from .live_network import expected_lingering_timers, live_entry, loopback

__all__ = ["expected_lingering_timers", "live_entry", "loopback", "simulated"]

Describe = Callable[[Event], dict[str, str]]


async def _line(hass: HomeAssistant, event_type: str, data: Mapping[str, Any]) -> tuple[str, str]:
    """The line the integration's logbook platform (found as the logbook finds it) gives."""
    integration = await async_get_integration(hass, DOMAIN)
    platform = await integration.async_get_platform(LOGBOOK)
    described: dict[str, Describe] = {}

    def _describe_event(domain: str, kind: str, describe: Describe) -> None:
        assert domain == DOMAIN
        described[kind] = describe

    platform.async_describe_events(hass, _describe_event)
    line = described[event_type](Event(event_type, dict(data)))
    return line[LOGBOOK_ENTRY_NAME], line[LOGBOOK_ENTRY_MESSAGE]


async def test_registered_and_deregistered_read_as_sentences(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    simulated: SimulatedDevice,
) -> None:
    fired = async_capture_events(hass, EVENT_REGISTERED)
    left = async_capture_events(hass, EVENT_DEREGISTERED)
    await register(hass, simulated, live_entry)
    await simulated.deregister()
    await hass.async_block_till_done()

    assert await _line(hass, EVENT_REGISTERED, fired[0].data) == ("sim-1", "registered")
    assert await _line(hass, EVENT_DEREGISTERED, left[0].data) == ("sim-1", "deregistered")


@pytest.mark.parametrize(
    ("event_type", "data", "message"),
    [
        (
            EVENT_DEREGISTERED,
            {"reason": "expired"},
            "went offline (its registration lifetime ran out)",
        ),
        (
            EVENT_DEREGISTERED,
            {"reason": "credentials revoked"},
            "was disconnected (its credentials changed)",
        ),
        (EVENT_BOOTSTRAP_FINISHED, {"secure": True}, "finished bootstrap over DTLS"),
        (EVENT_BOOTSTRAP_FINISHED, {"secure": False}, "finished bootstrap over plain CoAP"),
        (
            EVENT_BOOTSTRAP_FAILED,
            {"step": "delete /0", "code": "5.00"},
            "failed bootstrap at delete /0 (answered 5.00)",
        ),
        (
            EVENT_BOOTSTRAP_FAILED,
            {"step": "write /1/0"},
            "failed bootstrap at write /1/0 (no answer)",
        ),
        (
            EVENT_FIRMWARE_UPDATE_FINISHED,
            {"version": "1.0.1"},
            "finished a firmware update to 1.0.1",
        ),
        (
            EVENT_FIRMWARE_UPDATE_FINISHED,
            {"version": "1.0.0", "warning": "version_unchanged"},
            "finished a firmware update to 1.0.0 (version unchanged)",
        ),
        (
            EVENT_FIRMWARE_UPDATE_FAILED,
            {"error": "integrity_check_failure"},
            "firmware update failed: integrity check failure",
        ),
    ],
)
async def test_each_event_reads_as_a_sentence_about_the_endpoint(
    hass: HomeAssistant,
    event_type: str,
    data: dict[str, Any],
    message: str,
) -> None:
    line = await _line(hass, event_type, {"device_id": None, "endpoint": "boiler-7", **data})
    assert line == ("boiler-7", message)
