"""After unload and setup again (a restart), devices, entities and imported data are back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.device_protocols.settings import ObjectProtocol, ResourceSettings
from custom_components.lwm2m.engine import DeviceCredentials, SecurityMode

from .devices import device_of
from .fake_server import TableServer

TEMPERATURE = "sensor.dev_1_temperature"


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_devices_entities_and_values_survive_a_restart(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    fake_server.notify("dev-1", "/3303/0/5700", {"/3303/0/5700": 24.0})
    await hass.async_block_till_done()

    await _reload(hass, loaded_entry)

    assert "dev-1" not in fake_server.registrations  # the restarted server forgot it
    assert device_of(hass, "dev-1") is not None
    state = hass.states.get(TEMPERATURE)
    assert state is not None
    assert state.state == "24.0"
    assert hass.states.get("switch.dev_1_light_control").state == "off"


async def test_restored_device_goes_unavailable_when_its_lifetime_ends(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    await register_sensor_device(lifetime=60)
    await _reload(hass, loaded_entry)
    assert "dev-1" not in fake_server.registrations
    assert hass.states.get(TEMPERATURE).state == "21.5"

    freezer.tick(61)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE


async def test_imported_data_survives_a_restart(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    credentials_seen: list[dict[str, Any]],
) -> None:
    data = loaded_entry.runtime_data
    data.storage.credentials = {"dev-9": DeviceCredentials("dev-9", SecurityMode.NO_SEC)}
    await data.storage.async_save_credentials()
    data.storage.protocols.objects[3303] = ObjectProtocol({5700: ResourceSettings(observe=True)})
    await data.storage.async_save_protocols()
    fake_server.table.queue = {"dev-1": [{"operation": "write"}]}

    await _reload(hass, loaded_entry)

    data = loaded_entry.runtime_data
    assert list(data.storage.credentials) == ["dev-9"]
    assert credentials_seen[-1].keys() == {"dev-9"}
    assert data.storage.protocols.get(3303) is not None
    assert fake_server.table.imported_queue == {"dev-1": [{"operation": "write"}]}


async def test_expired_device_is_unavailable_after_restart(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    fake_server.deregister("dev-1")
    await hass.async_block_till_done()

    await _reload(hass, loaded_entry)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert time.time() > 0


async def test_sensor_restores_its_state_when_the_hub_has_no_value(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    storage = loaded_entry.runtime_data.storage
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert "dev-1" not in fake_server.registrations
    storage.devices["dev-1"].values.pop("/3303/0/5700")
    await storage.async_save_devices()
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(TEMPERATURE, "19.5"),
                {"native_value": 19.5, "native_unit_of_measurement": "°C"},
            )
        ],
    )

    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "19.5"


async def test_entries_the_table_no_longer_gives_go_unless_the_user_enabled_them(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    register_sensor_device: Callable[..., Any],
) -> None:
    """An earlier release gave the manufacturer and the device clock disabled entities;
    now they come only on request. After a restart the untouched entry is gone, the one
    the user enabled stays."""
    await register_sensor_device()
    device = device_of(hass, "dev-1")
    assert device is not None
    registry = er.async_get(hass)
    untouched = registry.async_get_or_create(
        "sensor",
        DOMAIN,
        "dev-1-3-0-0",
        config_entry=loaded_entry,
        device_id=device.id,
        disabled_by=er.RegistryEntryDisabler.INTEGRATION,
    )
    enabled = registry.async_get_or_create(
        "sensor", DOMAIN, "dev-1-3-0-13", config_entry=loaded_entry, device_id=device.id
    )
    kept = registry.async_get_entity_id("button", DOMAIN, "dev-1-3-0-5")  # factory reset
    assert kept is not None

    await _reload(hass, loaded_entry)

    assert registry.async_get(untouched.entity_id) is None
    assert registry.async_get(enabled.entity_id) is not None
    assert registry.async_get(kept) is not None
    assert hass.states.get(TEMPERATURE) is not None
