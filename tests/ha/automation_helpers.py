"""Automations for the device-automation tests: each one reports its run as a bus event
with what its trigger said, so a test sees every run and its variables."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Mapping
from functools import partial
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.components import automation
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.lwm2m.const import CONF_COAP_PORT, DOMAIN
from custom_components.lwm2m.device_protocols.alarms import AlarmSettings, AlarmStatus, Severity
from custom_components.lwm2m.device_protocols.settings import (
    EventSettings,
    ObjectProtocol,
    ResourceSettings,
)
from custom_components.lwm2m.engine import Path, lwm2m_engine
from simulator import SimulatedDevice

from .devices import device_of
from .live_network import add_live_entry

RAN = "lwm2m_test_automation_ran"
SENSOR_VALUE = "/3303/0/5700"
ON_OFF = "/3311/0/5850"
APPLICATION_TYPE = "/3303/0/5750"


def report_run(name: str) -> dict[str, Any]:
    """An action that fires RAN with the automation's name and its trigger's variables."""
    return {
        "event": RAN,
        "event_data": {
            "name": name,
            "type": "{{ trigger.type }}",
            "path": "{{ trigger.path }}",
            "value": "{{ trigger.value }}",
            "attributes": "{{ trigger.attributes }}",
            "device_id": "{{ trigger.device_id }}",
            "description": "{{ trigger.description }}",
        },
    }


async def set_up_automations(hass: HomeAssistant, automations: list[dict[str, Any]]) -> None:
    """Each automation as ``{"name": ..., "triggers": [...], ...}``; its actions report
    its runs unless it names its own."""
    configs = []
    for item in automations:
        config = {"alias": item["name"], "mode": "queued", **item}
        config.pop("name")
        config.setdefault("actions", [report_run(item["name"])])
        configs.append(config)
    assert await async_setup_component(hass, automation.DOMAIN, {automation.DOMAIN: configs})
    await hass.async_block_till_done()


def device_trigger(device_id: str, trigger_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "trigger": "device",
        "domain": DOMAIN,
        "device_id": device_id,
        "type": trigger_type,
        **extra,
    }


def runs(events: list[Event[Mapping[str, Any]]], name: str | None = None) -> list[dict[str, Any]]:
    return [dict(event.data) for event in events if name is None or event.data["name"] == name]


async def runs_after(
    hass: HomeAssistant, name: str, count: int, trigger: Awaitable[Any]
) -> list[dict[str, Any]]:
    """Run ``trigger`` and return the next ``count`` runs of automation ``name``."""
    seen: list[dict[str, Any]] = []
    done: asyncio.Future[None] = hass.loop.create_future()

    @callback
    def _ran(event: Event[Mapping[str, Any]]) -> None:
        if event.data["name"] == name:
            seen.append(dict(event.data))
            if len(seen) == count and not done.done():
                done.set_result(None)

    remove = hass.bus.async_listen(RAN, _ran)
    try:
        await trigger
        async with asyncio.timeout(15):
            await done
    finally:
        remove()
    await hass.async_block_till_done()
    return seen


@pytest.fixture
def ran(hass: HomeAssistant) -> list[Event[Mapping[str, Any]]]:
    return async_capture_events(hass, RAN)


def protocols() -> dict[int, ObjectProtocol]:
    """An alarm above 30 on the temperature, a Send event and a custom action on the
    light's switch, a custom action on the application type."""
    return {
        3303: ObjectProtocol(
            {
                5700: ResourceSettings(
                    alarm=AlarmSettings(
                        Severity.MAJOR, "overheat", AlarmStatus.ACTIVE, "Too hot", above=30.0
                    ),
                    observe=True,
                ),
                5750: ResourceSettings(custom_action=True),
            }
        ),
        3311: ObjectProtocol(
            {
                5850: ResourceSettings(
                    event=EventSettings("switched", "The light was switched"),
                    custom_action=True,
                    observe=True,
                ),
            }
        ),
    }


async def use_protocols(entry: MockConfigEntry) -> None:
    data = entry.runtime_data
    data.storage.protocols.objects.update(protocols())
    await data.storage.async_save_protocols()
    await data.hub.async_settings_changed()


async def register(hass: HomeAssistant, device: SimulatedDevice, entry: MockConfigEntry) -> None:
    await device.register(("127.0.0.1", entry.data[CONF_COAP_PORT]))
    await hass.async_block_till_done(wait_background_tasks=True)


async def registered_device(
    hass: HomeAssistant, device: SimulatedDevice, entry: MockConfigEntry
) -> dr.DeviceEntry:
    """Register ``device``; the Home Assistant device it became."""
    await register(hass, device, entry)
    found = device_of(hass, device.endpoint)
    assert found is not None
    return found


@pytest.fixture
async def protocol_device(
    hass: HomeAssistant, live_entry: MockConfigEntry, simulated: SimulatedDevice
) -> dr.DeviceEntry:
    """The simulated device registered, with the device protocols of :func:`protocols`."""
    await use_protocols(live_entry)
    return await registered_device(hass, simulated, live_entry)


async def set_value(device: SimulatedDevice, path: Path, value: Any) -> None:
    """Change a value on the device (an observed one is notified)."""
    device.set_value(path, value)


@pytest.fixture
async def simulated() -> AsyncIterator[SimulatedDevice]:
    device = SimulatedDevice("sim-1", auto_update=False)
    await device.start()
    yield device
    await device.stop()


@pytest.fixture
async def graceless_entry(hass: HomeAssistant, loopback: None) -> AsyncIterator[MockConfigEntry]:
    """A live entry whose server lets a registration go the moment its lifetime runs out
    (without the half minute of grace it otherwise gives)."""
    server = partial(lwm2m_engine.LwM2MServer, grace_period=0.0)
    with patch.object(lwm2m_engine, "LwM2MServer", server):
        entry = await add_live_entry(hass)
    yield entry
    if entry.state.recoverable:
        await hass.config_entries.async_unload(entry.entry_id)
