"""What the automation editor lists for an LwM2M device (Home Assistant's device automation
API, as the editor calls it), with a translated name for each entry, and the fields each
asks for; against the real server and simulated devices over loopback UDP."""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.components.device_automation import (
    DeviceAutomationType,
    _async_get_device_automation_capabilities,
    async_get_device_automations,
)
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m import device_trigger
from custom_components.lwm2m.const import DOMAIN
from simulator import SimulatedDevice

from .automation_helpers import (
    APPLICATION_TYPE,
    ON_OFF,
    SENSOR_VALUE,
    protocol_device,
    registered_device,
    simulated,
)
from .live_network import expected_lingering_timers, live_entry, loopback

__all__ = ["expected_lingering_timers", "live_entry", "loopback", "protocol_device", "simulated"]

COMPONENT = FsPath(__file__).resolve().parents[2] / "custom_components" / DOMAIN
# What a demo device of script/develop (the simulator's default device, no device
# protocol, no credentials) offers.
DEMO_TRIGGERS = [
    "registered",
    "deregistered",
    "went_offline",
    "firmware_update_finished",
    "firmware_update_failed",
]
DEMO_CONDITIONS = ["is_registered", "is_offline"]
DEMO_ACTIONS = ["reboot", "factory_reset", "execute", "write", "read", "registration_update"]
KINDS = {
    DeviceAutomationType.TRIGGER: "trigger_type",
    DeviceAutomationType.CONDITION: "condition_type",
    DeviceAutomationType.ACTION: "action_type",
}


async def _listed(hass: HomeAssistant, device_id: str) -> dict[DeviceAutomationType, list[Any]]:
    assert await async_setup_component(hass, "device_automation", {})
    listed = {}
    for kind in KINDS:
        found = await async_get_device_automations(hass, kind, [device_id])
        listed[kind] = [entry for entry in found[device_id] if entry["domain"] == DOMAIN]
    return listed


def _types(entries: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [(entry["type"], *([entry["path"]] if "path" in entry else [])) for entry in entries]


async def test_a_demo_device_lists_five_triggers_two_conditions_six_actions(
    hass: HomeAssistant, live_entry: MockConfigEntry, simulated: SimulatedDevice
) -> None:
    device = await registered_device(hass, simulated, live_entry)
    listed = await _listed(hass, device.id)
    assert _types(listed[DeviceAutomationType.TRIGGER]) == [(kind,) for kind in DEMO_TRIGGERS]
    assert _types(listed[DeviceAutomationType.CONDITION]) == [(kind,) for kind in DEMO_CONDITIONS]
    assert _types(listed[DeviceAutomationType.ACTION]) == [(kind,) for kind in DEMO_ACTIONS]
    for entries in listed.values():
        assert all(entry["device_id"] == device.id for entry in entries)


async def test_a_device_protocol_adds_alarm_and_value_triggers_and_alarm_conditions(
    hass: HomeAssistant, protocol_device: dr.DeviceEntry, simulated: SimulatedDevice
) -> None:
    device = protocol_device
    listed = await _listed(hass, device.id)
    triggers = listed[DeviceAutomationType.TRIGGER]
    assert _types(triggers) == [
        *((kind,) for kind in DEMO_TRIGGERS),
        ("any_alarm_raised",),
        ("any_alarm_cleared",),
        ("any_value_received",),
        ("alarm_raised", SENSOR_VALUE),
        ("alarm_cleared", SENSOR_VALUE),
        ("value_received", APPLICATION_TYPE),
        ("value_received", ON_OFF),
    ]
    assert _types(listed[DeviceAutomationType.CONDITION]) == [
        *((kind,) for kind in DEMO_CONDITIONS),
        ("any_alarm_active",),
        ("alarm_active", SENSOR_VALUE),
    ]
    # The editor names a resource's entry after the entity that shows its functionality.
    registry = er.async_get(hass)
    named = {
        (entry["type"], registry.async_get(entry["entity_id"]).entity_id)  # type: ignore[union-attr]
        for entry in [*triggers, *listed[DeviceAutomationType.CONDITION]]
        if "entity_id" in entry
    }
    assert named == {
        ("alarm_raised", "binary_sensor.sim_1_temperature_sensor_value_alarm"),
        ("alarm_cleared", "binary_sensor.sim_1_temperature_sensor_value_alarm"),
        ("alarm_active", "binary_sensor.sim_1_temperature_sensor_value_alarm"),
        ("value_received", "event.sim_1_temperature_application_type_payload"),
        ("value_received", "event.sim_1_light_control_on_off_events"),
    }


async def test_a_queue_mode_device_can_be_asleep(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> None:
    sleepy = SimulatedDevice("sleepy-1", queue_mode=True, auto_update=False)
    await sleepy.start()
    try:
        device = await registered_device(hass, sleepy, live_entry)
        listed = await _listed(hass, device.id)
    finally:
        await sleepy.stop()
    assert _types(listed[DeviceAutomationType.CONDITION]) == [
        ("is_registered",),
        ("is_offline",),
        ("is_asleep",),
    ]


def test_every_type_has_its_name_in_every_language() -> None:
    types = {
        "trigger_type": device_trigger.TRIGGER_TYPES,
        "condition_type": {*DEMO_CONDITIONS, "is_asleep", "any_alarm_active", "alarm_active"},
        "action_type": set(DEMO_ACTIONS),
    }
    files = [COMPONENT / "strings.json", *sorted((COMPONENT / "translations").glob("*.json"))]
    for file in files:
        names = json.loads(file.read_text(encoding="utf-8"))["device_automation"]
        for kind, expected in types.items():
            assert set(names[kind]) == set(expected), (file.name, kind)
            assert all(name.strip() for name in names[kind].values())


async def test_alarm_triggers_narrow_to_severities_and_actions_ask_for_their_fields(
    hass: HomeAssistant, protocol_device: dr.DeviceEntry, simulated: SimulatedDevice
) -> None:
    device = protocol_device
    base = {"domain": DOMAIN, "device_id": device.id}

    async def _fields(kind: DeviceAutomationType, **config: Any) -> dict[str, Any]:
        found = await _async_get_device_automation_capabilities(hass, kind, {**base, **config})
        return {field["name"]: field for field in found.get("extra_fields", [])}

    severity = await _fields(DeviceAutomationType.TRIGGER, platform="device", type="alarm_raised")
    assert severity["severity"]["selector"]["select"]["options"] == [
        "critical",
        "major",
        "minor",
        "warning",
    ]
    assert await _fields(DeviceAutomationType.TRIGGER, platform="device", type="registered") == {}

    write = await _fields(DeviceAutomationType.ACTION, type="write")
    options = [option["value"] for option in write["path"]["selector"]["select"]["options"]]
    assert APPLICATION_TYPE in options
    assert "/3/0/4" not in options  # executable, not writable
    assert not [option for option in options if option.startswith("/0/")]  # secrets stay out
    assert set(write) == {"path", "value"}
    execute = await _fields(DeviceAutomationType.ACTION, type="execute")
    assert "/3/0/4" in [item["value"] for item in execute["path"]["selector"]["select"]["options"]]
    assert set(execute) == {"path", "arguments"}
    assert await _fields(DeviceAutomationType.ACTION, type="registration_update") == {}


@pytest.mark.parametrize(
    ("config", "refusal"),
    [
        ({"type": "value_received", "path": SENSOR_VALUE}, "has no Send event or custom action"),
        ({"type": "alarm_raised", "path": ON_OFF}, "has no alarm"),
        ({"type": "value_received"}, "needs path"),
        ({"type": "registered", "path": ON_OFF}, "takes no path"),
        ({"type": "registered", "severity": ["major"]}, "takes no severity"),
    ],
)
async def test_a_trigger_for_what_the_device_lacks_is_refused(
    hass: HomeAssistant,
    protocol_device: dr.DeviceEntry,
    simulated: SimulatedDevice,
    config: dict[str, Any],
    refusal: str,
) -> None:
    device = protocol_device
    full = {"platform": "device", "domain": DOMAIN, "device_id": device.id, **config}
    with pytest.raises((InvalidDeviceAutomationConfig, vol.Invalid), match=refusal):
        await device_trigger.async_validate_trigger_config(hass, full)


def test_the_readme_gives_a_demo_device_s_counts() -> None:
    readme = " ".join((COMPONENT.parents[1] / "README.md").read_text(encoding="utf-8").split())
    counts = f"{len(DEMO_TRIGGERS)} triggers, {len(DEMO_CONDITIONS)} conditions and "
    assert f"**{counts}{len(DEMO_ACTIONS)} actions**" in readme
