"""Entity commands reach the device; device removal. The real servers, simulated devices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiocoap.numbers.codes import Code
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import CONF_COAP_PORT
from custom_components.lwm2m.engine import Path
from simulator import DeviceObject, SimulatedDevice

from .devices import device_of
from .live_network import (
    device,
    expected_lingering_timers,
    live_entry,
    loopback,
    registered_device,
)

__all__ = ["device", "expected_lingering_timers", "live_entry", "loopback"]

LIGHT_ON = Path.parse("/3311/0/5850")


async def test_switch_writes_the_device(hass: HomeAssistant, device: SimulatedDevice) -> None:
    entity_id = "switch.sim_1_light_control"
    await hass.services.async_call("switch", "turn_off", {"entity_id": entity_id}, blocking=True)
    assert device.value(LIGHT_ON) is False
    assert hass.states.get(entity_id).state == "off"
    await hass.services.async_call("switch", "turn_on", {"entity_id": entity_id}, blocking=True)
    assert device.value(LIGHT_ON) is True
    assert hass.states.get(entity_id).state == "on"


async def test_failed_write_raises_and_keeps_state(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    device.faults.add("PUT", str(LIGHT_ON), Code.METHOD_NOT_ALLOWED)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_off", {"entity_id": "switch.sim_1_light_control"}, blocking=True
        )
    assert err.value.translation_key == "request_failed"
    assert device.value(LIGHT_ON) is True
    assert hass.states.get("switch.sim_1_light_control").state == "on"


async def test_number_writes_integers_for_integer_resources(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    entity_id = "number.sim_1_light_control_dimmer"
    state = hass.states.get(entity_id)
    assert (state.attributes["min"], state.attributes["max"], state.attributes["step"]) == (
        0,
        100,
        1,
    )
    await hass.services.async_call(
        "number", "set_value", {"entity_id": entity_id, "value": 42}, blocking=True
    )
    written = device.value(Path.parse("/3311/0/5851"))
    assert (written, type(written)) == (42, int)


async def test_text_and_button(
    hass: HomeAssistant, live_entry: MockConfigEntry, device: SimulatedDevice
) -> None:
    registry = er.async_get(hass)
    registry.async_update_entity("text.sim_1_light_control_application_type", disabled_by=None)
    await hass.config_entries.async_reload(live_entry.entry_id)
    await device.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
    await hass.async_block_till_done(wait_background_tasks=True)
    text = "text.sim_1_light_control_application_type"
    assert hass.states.get(text).state == "Ceiling light"
    await hass.services.async_call(
        "text", "set_value", {"entity_id": text, "value": "Desk lamp"}, blocking=True
    )
    assert device.value(Path.parse("/3311/0/5750")) == "Desk lamp"

    await hass.services.async_call(
        "button", "press", {"entity_id": "button.sim_1_reboot"}, blocking=True
    )
    assert device.executed[-1] == (Path.parse("/3/0/4"), "")


async def test_binary_sensor_and_timestamp(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    door = SimulatedDevice(
        "door-1",
        auto_update=False,
        objects=[
            DeviceObject(3200, {0: {5500: True, 5518: moment}}),
            DeviceObject(3302, {0: {5500: False}}),
        ],
    )
    async with registered_device(hass, live_entry, door):
        assert hass.states.get("binary_sensor.door_1_digital_input").state == "on"
        presence = hass.states.get("binary_sensor.door_1_occupancy")
        assert presence.state == "off"
        assert presence.attributes["device_class"] == "occupancy"


async def test_registered_device_cannot_be_removed(
    hass: HomeAssistant, live_entry: MockConfigEntry, device: SimulatedDevice
) -> None:
    assert await async_setup_component(hass, "config", {})
    registered = device_of(hass, "sim-1")
    assert registered is not None
    from custom_components.lwm2m import async_remove_config_entry_device

    assert not await async_remove_config_entry_device(hass, live_entry, registered)
    await device.deregister()
    await hass.async_block_till_done()
    assert await async_remove_config_entry_device(hass, live_entry, registered)
    assert "sim-1" not in live_entry.runtime_data.storage.devices
    assert "sim-1" not in live_entry.runtime_data.hub.devices
    foreign = dr.async_get(hass).async_get_or_create(
        config_entry_id=live_entry.entry_id, identifiers={("other", "y")}
    )
    assert await async_remove_config_entry_device(hass, live_entry, foreign)
