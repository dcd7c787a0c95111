"""Entity commands reach the device; restored sensors; device removal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.engine import Path, RequestFailedError

from .devices import device_of
from .fake_server import TableServer


@pytest.fixture(autouse=True)
async def _device(
    loaded_entry: MockConfigEntry, register_sensor_device: Callable[..., Any]
) -> None:
    await register_sensor_device()


async def test_switch_writes_the_device(hass: HomeAssistant, fake_server: TableServer) -> None:
    entity_id = "switch.dev_1_light_control"
    await hass.services.async_call("switch", "turn_on", {"entity_id": entity_id}, blocking=True)
    assert fake_server.requests("write")[-1][3] == {Path.parse("/3311/0/5850"): True}
    assert hass.states.get(entity_id).state == "on"
    await hass.services.async_call("switch", "turn_off", {"entity_id": entity_id}, blocking=True)
    assert hass.states.get(entity_id).state == "off"


async def test_failed_write_raises_and_keeps_state(
    hass: HomeAssistant, fake_server: TableServer
) -> None:
    fake_server.fail["write"] = RequestFailedError("dev-1", Path.parse("/3311/0/5850"), "4.05")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": "switch.dev_1_light_control"}, blocking=True
        )
    assert err.value.translation_key == "request_failed"
    assert hass.states.get("switch.dev_1_light_control").state == "off"


async def test_number_writes_integers_for_integer_resources(
    hass: HomeAssistant, fake_server: TableServer
) -> None:
    entity_id = "number.dev_1_light_control_dimmer"
    state = hass.states.get(entity_id)
    assert (state.attributes["min"], state.attributes["max"], state.attributes["step"]) == (
        0,
        100,
        1,
    )
    await hass.services.async_call(
        "number", "set_value", {"entity_id": entity_id, "value": 42}, blocking=True
    )
    assert fake_server.requests("write")[-1][3] == {Path.parse("/3311/0/5851"): 42}


async def test_text_and_button(hass: HomeAssistant, fake_server: TableServer) -> None:
    registry = er.async_get(hass)
    registry.async_update_entity("text.dev_1_light_control_application_type", disabled_by=None)
    await hass.config_entries.async_reload(
        next(iter(hass.config_entries.async_entries(DOMAIN))).entry_id
    )
    await hass.async_block_till_done()
    fake_server.register("dev-1", {"/3/0": {}, "/3311/0": {}}, {"/3311/0/5750": "Lamp"})
    await hass.async_block_till_done()
    text = "text.dev_1_light_control_application_type"
    assert hass.states.get(text).state == "Lamp"
    await hass.services.async_call(
        "text", "set_value", {"entity_id": text, "value": "Desk lamp"}, blocking=True
    )
    assert fake_server.requests("write")[-1][3] == {Path.parse("/3311/0/5750"): "Desk lamp"}

    await hass.services.async_call(
        "button", "press", {"entity_id": "button.dev_1_reboot"}, blocking=True
    )
    assert fake_server.requests("execute")[-1] == ("execute", "dev-1", Path.parse("/3/0/4"), None)


async def test_binary_sensor_and_timestamp(hass: HomeAssistant, fake_server: TableServer) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    fake_server.register(
        "door-1",
        {"/3200/0": {}, "/3302/0": {}},
        {"/3200/0/5500": True, "/3302/0/5500": False, "/3200/0/5518": moment},
    )
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.door_1_digital_input").state == "on"
    presence = hass.states.get("binary_sensor.door_1_occupancy")
    assert presence.state == "off"
    assert presence.attributes["device_class"] == "occupancy"


async def test_registered_device_cannot_be_removed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    assert await async_setup_component(hass, "config", {})
    device = device_of(hass, "dev-1")
    assert device is not None
    from custom_components.lwm2m import async_remove_config_entry_device

    assert not await async_remove_config_entry_device(hass, loaded_entry, device)
    fake_server.deregister("dev-1")
    await hass.async_block_till_done()
    assert await async_remove_config_entry_device(hass, loaded_entry, device)
    assert "dev-1" not in loaded_entry.runtime_data.storage.devices
    assert "dev-1" not in loaded_entry.runtime_data.hub.devices
    foreign = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={("other", "y")}
    )
    assert await async_remove_config_entry_device(hass, loaded_entry, foreign)
