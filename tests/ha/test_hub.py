"""Registration, entities, values and availability, against the fake engine."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    EVENT_HOMEASSISTANT_FINAL_WRITE,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.lwm2m.const import DOMAIN, EVENT_DEREGISTERED, EVENT_REGISTERED
from custom_components.lwm2m.device_protocols.settings import ObjectProtocol, ResourceSettings
from custom_components.lwm2m.device_state import DeviceState
from custom_components.lwm2m.engine import (
    Asleep,
    Awake,
    Deregistered,
    Path,
    QueueChanged,
    Registration,
    RequestTimeoutError,
    SendReceived,
    Updated,
)
from custom_components.lwm2m.engine.requests.request import DeviceRequest, Operation

from .conftest import SENSOR_DEVICE_OBJECTS, SENSOR_DEVICE_VALUES
from .devices import device_of
from .fake_server import TableServer

TEMPERATURE = "sensor.dev_1_temperature"


async def test_registration_creates_device_with_identity(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    events = async_capture_events(hass, EVENT_REGISTERED)
    await register_sensor_device()

    device = device_of(hass, "dev-1")
    assert device is not None
    assert (device.manufacturer, device.model, device.serial_number) == (
        "Acme",
        "Thermo 3000",
        "SN-42",
    )
    assert device.sw_version == "1.2.3"
    assert device.hw_version == "7"
    assert device.via_device_id is None
    assert events[0].data == {"device_id": device.id, "endpoint": "dev-1"}
    assert fake_server.requests("read")[0][2] == Path.of(3, 0)


async def test_sensors_have_units_classes_and_values(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, register_sensor_device: Callable[..., Any]
) -> None:
    await register_sensor_device()

    temperature = hass.states.get(TEMPERATURE)
    assert temperature is not None
    assert temperature.state == "21.5"
    assert temperature.attributes["unit_of_measurement"] == UnitOfTemperature.CELSIUS
    assert temperature.attributes["device_class"] == "temperature"
    assert temperature.attributes["state_class"] == "measurement"
    humidity = hass.states.get("sensor.dev_1_humidity")
    assert humidity is not None
    assert humidity.attributes["unit_of_measurement"] == "%"
    battery = hass.states.get("sensor.dev_1_battery_level")
    assert battery is not None
    assert battery.state == "87"
    entity = er.async_get(hass).async_get(TEMPERATURE)
    assert entity is not None
    assert entity.unique_id == "dev-1-3303-0-5700"


async def test_platforms_follow_the_mapping(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, register_sensor_device: Callable[..., Any]
) -> None:
    await register_sensor_device()

    assert hass.states.get("switch.dev_1_light_control").state == "off"
    assert hass.states.get("number.dev_1_light_control_dimmer").state == "20.0"
    assert hass.states.get("button.dev_1_reboot") is not None
    registry = er.async_get(hass)
    factory_reset = registry.async_get("button.dev_1_factory_reset")
    assert factory_reset is not None
    assert factory_reset.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    # The manufacturer is the device registry's; its entity comes only on request.
    assert registry.async_get_entity_id("sensor", DOMAIN, "dev-1-3-0-0") is None
    device = dr.async_get(hass).async_get(factory_reset.device_id)
    assert device is not None
    assert device.manufacturer is not None


async def test_a_device_protocol_brings_back_an_entity_given_only_on_request(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, register_sensor_device: Callable[..., Any]
) -> None:
    await register_sensor_device()
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("sensor", DOMAIN, "dev-1-3-0-0") is None

    hub = loaded_entry.runtime_data.hub
    hub.storage.protocols.objects[3] = ObjectProtocol(
        {0: ResourceSettings(show=True), 4: ResourceSettings(show=True)}
    )
    await hub.async_settings_changed()
    await hass.async_block_till_done()

    entity_id = registry.async_get_entity_id("sensor", DOMAIN, "dev-1-3-0-0")
    assert entity_id is not None
    entry = registry.async_get(entity_id)
    assert entry is not None
    assert (entry.disabled_by, entry.entity_category) == (None, "diagnostic")
    device = dr.async_get(hass).async_get(entry.device_id)
    assert device is not None
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == device.manufacturer
    assert registry.async_get_entity_id("sensor", DOMAIN, "dev-1-3-0-3") is None  # not listed


async def test_multiple_binary_resource_is_on_while_any_instance_is(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()

    error_code = hass.states.get("binary_sensor.dev_1_device_error")
    assert error_code is not None
    assert error_code.state == "off"
    assert error_code.attributes["values"] == {0: 0}
    assert (error_code.attributes["codes"], error_code.attributes["errors"]) == ([], [])

    fake_server.notify("dev-1", "/3/0/11", {"/3/0/11/0": 0, "/3/0/11/1": 5, "/3/0/11/2": 20})
    await hass.async_block_till_done()
    error_code = hass.states.get("binary_sensor.dev_1_device_error")
    assert error_code.state == "on"
    assert error_code.attributes["codes"] == [5, 20]
    assert error_code.attributes["errors"] == ["out_of_memory", "device_specific_error"]


async def test_notification_changes_state(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()

    fake_server.notify("dev-1", "/3303/0/5700", {"/3303/0/5700": 23.25})
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "23.25"

    fake_server.emit(SendReceived("dev-1", {Path.parse("/3303/0/5700"): 19.0}))
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "19.0"


async def test_notifications_are_stored_at_the_delayed_save_only(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
    hass_storage: dict[str, Any],
) -> None:
    """A notification marks the device for the next save; it is converted only then."""
    await register_sensor_device()

    with patch.object(
        DeviceState, "to_known", autospec=True, side_effect=DeviceState.to_known
    ) as converted:
        for value in (22.0, 22.5, 23.0):
            fake_server.notify("dev-1", "/3303/0/5700", {"/3303/0/5700": value})
            await hass.async_block_till_done()
        assert converted.call_count == 0
        # the delayed save is due (Home Assistant writes pending saves when it stops)
        hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
        await hass.async_block_till_done()
        assert converted.call_count == 1
    stored = hass_storage[f"{DOMAIN}.devices"]["data"]["devices"]["dev-1"]
    assert stored["values"]["/3303/0/5700"] == 23.0


async def test_queue_changes_are_saved_soon(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    hass_storage: dict[str, Any],
) -> None:
    """A request queued for a sleeping device is on disk without waiting for a stop."""
    queued = {"dev-1": [{"operation": "read", "path": "/3/0/0"}]}
    fake_server.table.queue = queued
    fake_server.emit(QueueChanged("dev-1"))
    await hass.async_block_till_done()
    assert f"{DOMAIN}.queue" not in hass_storage  # a delayed save, not one per change
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    assert hass_storage[f"{DOMAIN}.queue"]["data"] == {"requests": queued}


async def test_default_observations_are_set_up(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()

    observed = {call[2] for call in fake_server.requests("observe")}
    assert Path.parse("/3303/0/5700") in observed
    assert Path.parse("/3304/0/5700") in observed
    assert Path.parse("/3311/0/5850") in observed
    assert Path.parse("/3/0/0") not in observed


async def test_reads_and_then_observations_go_out_together_after_the_device_object(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    """Every request of a step is handed to the engine before any of them is answered
    (the message layer then sends them one at a time)."""
    reads_wanted = 4  # the instances other than /3/0
    observes_wanted = 3
    held: dict[str, list[Path]] = {"read": [], "observe": []}
    all_held = {operation: asyncio.Event() for operation in held}
    release = {operation: asyncio.Event() for operation in held}

    async def answering(endpoint: str, request: DeviceRequest) -> None:
        operation = request.operation.value
        if operation not in held or request.path == Path.of(3, 0):
            return
        held[operation].append(request.path)
        if len(held[operation]) == (reads_wanted if operation == "read" else observes_wanted):
            all_held[operation].set()
        await release[operation].wait()

    fake_server.table.answering = answering
    await register_sensor_device()
    async with asyncio.timeout(10):
        await all_held["read"].wait()
    assert sorted(held["read"]) == [
        Path.of(1, 0),
        Path.of(3303, 0),
        Path.of(3304, 0),
        Path.of(3311, 0),
    ]
    assert held["observe"] == []
    assert fake_server.requests("read")[0][2] == Path.of(3, 0)

    release["read"].set()
    async with asyncio.timeout(10):
        await all_held["observe"].wait()
    assert set(held["observe"]) >= {
        Path.parse("/3303/0/5700"),
        Path.parse("/3304/0/5700"),
        Path.parse("/3311/0/5850"),
    }
    release["observe"].set()
    await hass.async_block_till_done()


async def test_a_read_timeout_cancels_the_reads_sent_with_it_and_observes_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    cancelled: list[Path] = []
    never = asyncio.Event()

    async def answering(endpoint: str, request: DeviceRequest) -> None:
        if request.path == Path.of(1, 0):  # the first one sent after the Device object
            raise RequestTimeoutError(endpoint, request.path)
        if request.operation is Operation.READ and request.path != Path.of(3, 0):
            try:
                await never.wait()
            except asyncio.CancelledError:
                cancelled.append(request.path)
                raise

    fake_server.table.answering = answering
    await register_sensor_device()
    await hass.async_block_till_done()
    assert sorted(cancelled) == [Path.of(3303, 0), Path.of(3304, 0), Path.of(3311, 0)]
    assert fake_server.requests("observe") == []


async def test_entities_added_as_their_device_registers_are_not_written_again_for_it(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    """Their first state already shows the device available; only values change it."""
    reported: list[str] = []
    hass.bus.async_listen(
        EVENT_STATE_REPORTED,
        callback(lambda event: reported.append(event.data["entity_id"])),
        event_filter=callback(lambda data: True),
    )
    await register_sensor_device()
    assert hass.states.get(TEMPERATURE).state == "21.5"
    assert reported == []

    fake_server.deregister("dev-1")
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await register_sensor_device()
    assert hass.states.get(TEMPERATURE).state == "21.5"


@pytest.mark.parametrize("expired", [False, True])
async def test_deregistration_makes_entities_unavailable(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
    expired: bool,
) -> None:
    events = async_capture_events(hass, EVENT_DEREGISTERED)
    await register_sensor_device()

    fake_server.deregister("dev-1", expired=expired)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert events[0].data["reason"] == ("expired" if expired else "deregistered")
    assert events[0].data["device_id"] is not None

    fake_server.emit(Asleep("dev-1"))
    fake_server.emit(Awake("dev-1"))
    await register_sensor_device()
    assert hass.states.get(TEMPERATURE).state == "21.5"
    assert caplog.text.count("dev-1 is unavailable") == 1
    assert caplog.text.count("dev-1 is back") == 1


async def test_events_of_unknown_devices_are_ignored(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    events = async_capture_events(hass, EVENT_DEREGISTERED)
    fake_server.notify("stranger", "/3303/0/5700", {"/3303/0/5700": 1.0})
    fake_server.emit(Deregistered("stranger", Registration("stranger", "rd-stranger")))
    await hass.async_block_till_done()
    assert device_of(hass, "stranger") is None
    assert events == []


async def test_instances_added_and_removed_at_runtime(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    objects = {"/3/0": {}, "/3303/0": {}, "/3303/1": {}}
    fake_server.table.values["dev-1"][Path.parse("/3303/1/5700")] = 5.0

    fake_server.update("dev-1", objects)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.dev_1_temperature_1").state == "5.0"
    assert hass.states.get("sensor.dev_1_humidity") is None
    assert er.async_get(hass).async_get("sensor.dev_1_humidity") is None

    fake_server.update("dev-1", {"/3/0": {}, "/3303/0": {}})
    await hass.async_block_till_done()
    assert hass.states.get("sensor.dev_1_temperature_1") is None


async def test_pending_registration_creates_no_device(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    fake_server.register("unknown-1", {"/3/0": {}}, pending=True)
    await hass.async_block_till_done()
    assert device_of(hass, "unknown-1") is None
    assert loaded_entry.runtime_data.hub.pending_endpoints() == ["unknown-1"]


async def test_unload_stops_the_server(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    assert fake_server.running
    fake_server.table.queue = {"dev-1": [{"op": "write"}]}
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert not fake_server.running
    assert fake_server.listener_count == 0


async def test_registering_again_leaves_observations_to_the_engine(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    first = len(fake_server.requests("observe"))
    await register_sensor_device()
    # The engine restores its observations after a new registration itself.
    assert len(fake_server.requests("observe")) == first


async def test_failed_reads_and_observations_do_not_stop_the_device(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    fake_server.table.fail["read"] = RequestTimeoutError("dev-1", Path.of(3, 0))
    fake_server.table.fail["observe"] = RequestTimeoutError("dev-1", Path.of(3303, 0, 5700))
    await register_sensor_device()
    assert hass.states.get(TEMPERATURE).state == "unknown"
    assert loaded_entry.runtime_data.hub.observed["dev-1"] == {}

    fake_server.table.fail.clear()
    fake_server.table.fail["cancel_observation"] = RequestTimeoutError("dev-1", Path.of(3303))
    hub = loaded_entry.runtime_data.hub
    await hub.async_update_observations("dev-1")
    assert Path.parse("/3303/0/5700") in hub.observed["dev-1"]
    hub.storage.protocols.objects[3303] = ObjectProtocol({5700: ResourceSettings(observe=False)})
    await hub.async_settings_changed()
    assert Path.parse("/3303/0/5700") not in hub.observed["dev-1"]


async def test_a_read_that_times_out_ends_the_sync(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    fake_server.table.fail["read"] = RequestTimeoutError("dev-1", Path.of(3, 0))
    await register_sensor_device()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(fake_server.requests("read")) == 1
    assert fake_server.requests("observe") == []


async def test_syncs_after_registration_are_bounded(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
) -> None:
    """Many devices registering at once are read a few at a time, not all at once."""
    hub = loaded_entry.runtime_data.hub
    hub._sync_slots = asyncio.Semaphore(2)
    release = asyncio.Event()
    reading: set[str] = set()
    most = 0

    async def slow_reads(endpoint: str, request: DeviceRequest) -> None:
        nonlocal most
        if request.operation is not Operation.READ:
            return
        reading.add(endpoint)
        most = max(most, len(reading))
        await release.wait()
        reading.discard(endpoint)

    fake_server.table.answering = slow_reads
    for number in range(5):
        fake_server.register(f"dev-{number}", SENSOR_DEVICE_OBJECTS, SENSOR_DEVICE_VALUES)
    await hass.async_block_till_done()
    assert reading == {"dev-0", "dev-1"}
    release.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert most == 2
    assert {call[1] for call in fake_server.requests("observe")} == {
        f"dev-{number}" for number in range(5)
    }


async def test_updates_of_unknown_or_pending_devices_are_ignored(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    registration = fake_server.register("held", {"/3/0": {}}, pending=True)
    fake_server.emit(Updated("held", registration, frozenset({"objects"})))
    fake_server.emit(Updated("nobody", registration, frozenset()))
    await hass.async_block_till_done()
    assert "held" not in loaded_entry.runtime_data.hub.devices
