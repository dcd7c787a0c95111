"""Device conditions through Home Assistant's automation component, against the real
server and simulated devices over loopback UDP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, State, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.engine import Asleep, LwM2MEvent, Path
from simulator import SimulatedDevice

from .automation_helpers import (
    SENSOR_VALUE,
    protocol_device,
    ran,
    register,
    set_up_automations,
    set_value,
    simulated,
)
from .devices import device_of
from .live_network import expected_lingering_timers, live_entry, loopback, state_change

__all__ = [
    "expected_lingering_timers",
    "live_entry",
    "loopback",
    "protocol_device",
    "ran",
    "simulated",
]

CHECK = "lwm2m_test_check"
STATES = ("is_registered", "is_offline", "is_asleep")


def _checks(
    device_id: str, prefix: str, types: tuple[str, ...], **extra: Any
) -> list[dict[str, Any]]:
    """One automation per condition type, started by the CHECK event."""
    return [
        {
            "name": f"{prefix} {condition_type}",
            "triggers": [{"trigger": "event", "event_type": CHECK}],
            "conditions": [
                {
                    "condition": "device",
                    "domain": DOMAIN,
                    "device_id": device_id,
                    "type": condition_type,
                    **extra,
                }
            ],
        }
        for condition_type in types
    ]


async def _holding(hass: HomeAssistant, ran: list[Event[Mapping[str, Any]]]) -> set[str]:
    """The conditions that hold now: the automations a CHECK event runs."""
    before = len(ran)
    hass.bus.async_fire(CHECK)
    await hass.async_block_till_done()
    return {event.data["name"] for event in ran[before:]}


async def test_registered_offline_and_asleep(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    sleepy = SimulatedDevice("sleepy-1", queue_mode=True, auto_update=False)
    await sleepy.start()
    try:
        await register(hass, simulated, live_entry)
        await register(hass, sleepy, live_entry)
        sim_1, sleepy_1 = device_of(hass, "sim-1"), device_of(hass, "sleepy-1")
        assert sim_1 is not None
        assert sleepy_1 is not None
        await set_up_automations(
            hass, [*_checks(sim_1.id, "sim", STATES), *_checks(sleepy_1.id, "sleepy", STATES)]
        )
        assert await _holding(hass, ran) == {"sim is_registered", "sleepy is_registered"}

        # A queue-mode device that does not answer is asleep: requests wait for it.
        await sleepy.stop()
        asleep = _next_event(live_entry, Asleep, "sleepy-1")
        # Not a task of Home Assistant's: waiting for its tasks would wait for the read.
        read = asyncio.ensure_future(
            hass.services.async_call(
                DOMAIN,
                "read",
                {"device_id": sleepy_1.id, "path": "/3/0/0"},
                blocking=True,
                return_response=True,
            )
        )
        async with asyncio.timeout(60):
            await asleep
        assert await _holding(hass, ran) == {
            "sim is_registered",
            "sleepy is_registered",
            "sleepy is_asleep",
        }
        read.cancel()
        with contextlib.suppress(asyncio.CancelledError, HomeAssistantError):
            await read

        await simulated.deregister()
        await hass.async_block_till_done()
        assert "sim is_offline" in await _holding(hass, ran)
        assert "sim is_registered" not in await _holding(hass, ran)
    finally:
        await sleepy.stop()


async def test_an_alarm_active(
    hass: HomeAssistant,
    protocol_device: dr.DeviceEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    device = protocol_device
    await set_up_automations(
        hass,
        [
            *_checks(device.id, "sim", ("any_alarm_active",)),
            *_checks(device.id, "sim", ("alarm_active",), path=SENSOR_VALUE),
        ],
    )
    temperature = Path.parse(SENSOR_VALUE)
    problem = "binary_sensor.sim_1_temperature_sensor_value_alarm"
    assert await _holding(hass, ran) == set()

    await state_change(hass, problem, _on, set_value(simulated, temperature, 31.0))
    assert await _holding(hass, ran) == {"sim any_alarm_active", "sim alarm_active"}

    await state_change(hass, problem, _off, set_value(simulated, temperature, 30.0))
    assert await _holding(hass, ran) == set()


def _on(state: State) -> bool:
    return state.state == STATE_ON


def _off(state: State) -> bool:
    return state.state == STATE_OFF


def _next_event(
    entry: MockConfigEntry, kind: type[LwM2MEvent], endpoint: str
) -> asyncio.Future[None]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    remove: list[Any] = []

    @callback
    def _event(event: LwM2MEvent) -> None:
        if isinstance(event, kind) and event.endpoint == endpoint and not future.done():
            future.set_result(None)
            remove[0]()

    remove.append(entry.runtime_data.hub.server.add_listener(_event))
    return future
