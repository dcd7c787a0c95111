"""The Device (/3), Connectivity (/4) and Location (/6) entities of a simulated device, over
loopback UDP: device classes, categories, and values that follow the device."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import CONF_COAP_PORT
from custom_components.lwm2m.engine import Path
from simulator import SimulatedDevice

from .test_end_to_end import expected_lingering_timers, live_entry, loopback

__all__ = ["expected_lingering_timers", "live_entry", "loopback"]

TRACKER = "device_tracker.sim_1_location"
ERROR = "binary_sensor.sim_1_device_error"


@pytest.fixture
async def device(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> AsyncIterator[SimulatedDevice]:
    simulated = SimulatedDevice("sim-1", auto_update=False)
    await simulated.start()
    await simulated.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
    await hass.async_block_till_done(wait_background_tasks=True)
    yield simulated
    await simulated.stop()


async def _until_state(
    hass: HomeAssistant, entity_id: str, accept: Callable[[State], bool]
) -> State:
    async with asyncio.timeout(10):
        while True:
            state = hass.states.get(entity_id)
            if state is not None and accept(state):
                return state
            await asyncio.sleep(0.02)


async def test_the_tracker_puts_the_device_on_the_map_and_follows_it(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    state = hass.states.get(TRACKER)
    assert state is not None
    attributes = state.attributes
    assert (attributes["latitude"], attributes["longitude"]) == (52.520008, 13.404954)
    assert attributes["gps_accuracy"] == 10
    assert attributes["source_type"] == "gps"
    assert (attributes["altitude"], attributes["speed"]) == (34.0, 0.0)
    assert attributes["timestamp"] is not None
    assert state.state == "not_home"

    device.set_value(Path.of(6, 0, 0), 48.137154)
    device.set_value(Path.of(6, 0, 1), 11.576124)
    moved = await _until_state(hass, TRACKER, lambda s: s.attributes["longitude"] == 11.576124)
    assert moved.attributes["latitude"] == 48.137154
    assert hass.states.get("sensor.sim_1_latitude") is None  # the tracker replaced it
    altitude = hass.states.get("sensor.sim_1_altitude")
    assert (altitude.state, altitude.attributes["unit_of_measurement"]) == ("34.0", "m")


async def test_device_object_entities(hass: HomeAssistant, device: SimulatedDevice) -> None:
    registry = er.async_get(hass)
    battery = hass.states.get("sensor.sim_1_battery_level")
    assert (battery.state, battery.attributes["device_class"]) == ("87", "battery")
    assert battery.attributes["unit_of_measurement"] == "%"

    error = hass.states.get(ERROR)
    assert (error.state, error.attributes["device_class"]) == (STATE_OFF, "problem")
    assert (error.attributes["codes"], error.attributes["errors"]) == ([], [])
    assert registry.async_get(ERROR).entity_category == "diagnostic"
    device.set_value(Path.of(3, 0, 11, 0), 1)
    raised = await _until_state(hass, ERROR, lambda s: s.state == STATE_ON)
    assert raised.attributes["codes"] == [1]
    assert raised.attributes["errors"] == ["low_battery_power"]

    reboot = registry.async_get("button.sim_1_reboot")
    assert (reboot.entity_category, reboot.disabled_by) == ("config", None)
    factory_reset = registry.async_get("button.sim_1_factory_reset")
    assert factory_reset.entity_category == "config"
    assert factory_reset.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_connectivity_entities_are_diagnostic_with_classes(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    registry = er.async_get(hass)
    expected = {
        "sensor.sim_1_network_bearer": "lte_fdd",
        "sensor.sim_1_signal_strength": "-87",
        "sensor.sim_1_link_quality": "80",
        "sensor.sim_1_ip_addresses": "10.64.12.23",
        "sensor.sim_1_apn": "internet",
        "sensor.sim_1_cell_id": "22317",
    }
    for entity_id, value in expected.items():
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.state == value, entity_id
        assert registry.async_get(entity_id).entity_category == "diagnostic", entity_id
    bearer = hass.states.get("sensor.sim_1_network_bearer").attributes
    assert bearer["device_class"] == "enum"
    assert {"lte_fdd", "nb_iot", "wlan", "other"} <= set(bearer["options"])
    signal = hass.states.get("sensor.sim_1_signal_strength").attributes
    assert (signal["device_class"], signal["unit_of_measurement"]) == ("signal_strength", "dBm")
    assert signal["state_class"] == "measurement"
    assert hass.states.get("sensor.sim_1_ip_addresses").attributes["values"] == {0: "10.64.12.23"}
