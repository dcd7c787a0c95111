"""The blueprints in blueprints/automation/lwm2m, imported the way Home Assistant finds them
(its configuration's blueprints folder) and run against the real server and a simulated
device over loopback UDP."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any

import pytest
from homeassistant.components import automation
from homeassistant.const import STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.lwm2m.engine import Path
from simulator import SimulatedDevice

from .automation_helpers import (
    ON_OFF,
    RAN,
    SENSOR_VALUE,
    graceless_entry,
    protocol_device,
    ran,
    registered_device,
    runs,
    runs_after,
    set_value,
    simulated,
)
from .live_network import expected_lingering_timers, live_entry, loopback

__all__ = [
    "expected_lingering_timers",
    "graceless_entry",
    "live_entry",
    "loopback",
    "protocol_device",
    "ran",
    "simulated",
]

BLUEPRINTS = FsPath(__file__).resolve().parents[2] / "blueprints" / "automation" / "lwm2m"


@pytest.fixture(autouse=True)
def blueprint_folder(hass: HomeAssistant, tmp_path: FsPath) -> None:
    """The repository's blueprints where Home Assistant looks for them."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / "lwm2m")


def _report(name: str, **data: str) -> list[dict[str, Any]]:
    return [{"event": RAN, "event_data": {"name": name, **data}}]


async def _use(hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]) -> None:
    config = {
        "alias": blueprint,
        "use_blueprint": {"path": f"lwm2m/{blueprint}.yaml", "input": inputs},
    }
    assert await async_setup_component(hass, automation.DOMAIN, {automation.DOMAIN: [config]})
    await hass.async_block_till_done()
    assert hass.states.get(f"automation.{blueprint}") is not None, "the blueprint was refused"


def test_every_blueprint_is_tested_here() -> None:
    assert {file.stem for file in BLUEPRINTS.glob("*.yaml")} == {
        "notify_on_alarm",
        "record_reported_values",
        "restart_offline_device",
    }


async def test_notify_on_alarm(
    hass: HomeAssistant,
    protocol_device: dr.DeviceEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    device = protocol_device
    notify = _report("alarm", title="{{ title }}", message="{{ message }}")
    await _use(
        hass,
        "notify_on_alarm",
        {"device": device.id, "severities": ["major"], "cleared_too": True, "notify": notify},
    )
    temperature = Path.parse(SENSOR_VALUE)

    (raised,) = await runs_after(hass, "alarm", 1, set_value(simulated, temperature, 40.0))
    assert raised["title"] == f"{device.name}: major alarm overheat raised"
    assert raised["message"] == f"Too hot ({SENSOR_VALUE} = 40.0)"
    (cleared,) = await runs_after(hass, "alarm", 1, set_value(simulated, temperature, 20.0))
    assert cleared["title"] == f"{device.name}: major alarm overheat cleared"
    assert cleared["message"] == f"Too hot ({SENSOR_VALUE} = 20.0)"


async def test_record_reported_values(
    hass: HomeAssistant,
    protocol_device: dr.DeviceEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    device = protocol_device
    record = _report("value", resource="{{ resource }}", value="{{ value }}")
    await _use(
        hass,
        "record_reported_values",
        {"device": device.id, "resource": ON_OFF, "record": record},
    )
    switch = Path.parse(ON_OFF)
    (first,) = await runs_after(hass, "value", 1, simulated.send([switch]))
    (second,) = await runs_after(hass, "value", 1, simulated.send([switch]))  # unchanged
    expected = {"name": "value", "resource": ON_OFF, "value": simulated.value(switch)}
    assert first == second == expected
    # Other resources with a custom action are not recorded.
    await simulated.send([Path.parse("/3303/0/5750")])
    await hass.async_block_till_done()
    assert len(runs(ran, "value")) == 2


async def test_restart_offline_device(
    hass: HomeAssistant,
    graceless_entry: MockConfigEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    # The plug that feeds the device: its actions only recorded.
    hass.states.async_set("switch.plug", STATE_ON)
    turned_off = async_mock_service(hass, "switch", "turn_off")
    turned_on = async_mock_service(hass, "switch", "turn_on")
    device = await registered_device(hass, simulated, graceless_entry)
    await _use(
        hass,
        "restart_offline_device",
        {
            "device": device.id,
            "power": "switch.plug",
            "wait": {"seconds": 0},
            "off_for": {"seconds": 0},
            "after": _report("restarted"),
        },
    )
    await runs_after(hass, "restarted", 1, simulated.update(lifetime=1))
    assert [call.data["entity_id"] for call in (*turned_off, *turned_on)] == [
        ["switch.plug"],
        ["switch.plug"],
    ]
