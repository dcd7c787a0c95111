"""Device protocols end to end over loopback UDP: Home Assistant, the real server and a
simulated device. Measurements, alarms, events, raw payloads, auto-observe across
re-registration, validation rules that keep bad writes off the device, and a protocol
exported on one entry and imported on a fresh one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path as FsPath
from typing import Any

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import (
    CONF_COAP_PORT,
    DOMAIN,
)
from custom_components.lwm2m.device_protocols.alarms import AlarmSettings, AlarmStatus, Severity
from custom_components.lwm2m.device_protocols.settings import (
    EventSettings,
    MeasurementSettings,
    ObjectProtocol,
    ResourceSettings,
)
from custom_components.lwm2m.device_protocols.validation import (
    Operator,
    RuleSet,
    RuleType,
    ValidationRule,
)
from custom_components.lwm2m.engine import ObjectRegistry, Path, parse_ddf
from simulator import DeviceObject, RequestRecord, SimulatedDevice, default_objects
from tests.engine.model.ddf_builder import ddf, item, obj

from .devices import device_of
from .live_network import add_live_entry, expected_lingering_timers, loopback, state_change

__all__ = ["expected_lingering_timers", "loopback"]

TEMPERATURE = "sensor.sim_1_temperature"
HOT_ALARM = "binary_sensor.sim_1_temperature_sensor_value_alarm"
HOT_ALARMS = "event.sim_1_temperature_sensor_value_alarms"
SWITCH_EVENTS = "event.sim_1_light_control_on_off_events"
COLOUR = "sensor.sim_1_light_control_colour"
COLOUR_ALARM = "binary_sensor.sim_1_light_control_colour_alarm"
FRAMES = "event.sim_1_meter_frame_payload"
APPLICATION = "text.sim_1_temperature_application_type"
SENSOR_VALUE = Path.of(3303, 0, 5700)
METER_DDF = ddf(
    obj(
        "30010",
        name="Meter",
        version="1.0",
        items=[item("1", name="Frame", type_="Opaque"), item("2", name="Count")],
    )
)
ATTRIBUTES = {"pmin": 0, "pmax": 60, "gt": 30.0, "lt": 5.0, "st": 0.5}
SEED_RULES = RuleSet(
    (
        (ValidationRule(RuleType.STRING, Operator.NOT_EQUALS, "test"),),
        (
            ValidationRule(RuleType.REGEX, Operator.EQUALS, ".*asd"),
            ValidationRule(RuleType.OBJECT_LINK, Operator.EQUALS, "/3/0/15"),
        ),
    )
)


async def _add_entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = await add_live_entry(hass)
    entry.runtime_data.object_registry.add_ddf(METER_DDF)
    return entry


@pytest.fixture
async def entry(hass: HomeAssistant, loopback: None) -> AsyncIterator[MockConfigEntry]:
    added = await _add_entry(hass)
    yield added
    if added.entry_id in {e.entry_id for e in hass.config_entries.async_entries(DOMAIN)}:
        await hass.config_entries.async_unload(added.entry_id)
        await hass.async_block_till_done()


def _meter_device() -> SimulatedDevice:
    """The simulator's default objects and a meter whose Frame is opaque."""
    registry = ObjectRegistry.default()
    for definition in parse_ddf(METER_DDF):
        registry.add(definition)
    objects = [
        *default_objects(serial_number="SN-sim-1", model=registry),
        DeviceObject(30010, {0: {1: bytes.fromhex("a1b2"), 2: 7}}, "1.0"),
    ]
    return SimulatedDevice("sim-1", objects=objects, registry=registry, auto_update=False)


@pytest.fixture
async def simulated() -> AsyncIterator[SimulatedDevice]:
    device = _meter_device()
    await device.start()
    yield device
    await device.stop()


async def _register(hass: HomeAssistant, device: SimulatedDevice, entry: MockConfigEntry) -> None:
    await device.register(("127.0.0.1", entry.data[CONF_COAP_PORT]))
    await hass.async_block_till_done(wait_background_tasks=True)


def _protocols() -> dict[int, ObjectProtocol]:
    return {
        3303: ObjectProtocol(
            {
                5700: ResourceSettings(
                    measurement=MeasurementSettings("c8y_Temperature", "c8y_Temperature.T", "°F"),
                    alarm=AlarmSettings(
                        Severity.CRITICAL, "overheat", AlarmStatus.ACTIVE, "Too hot", above=30.0
                    ),
                    observe=True,
                    pmin=0,
                    pmax=60,
                    gt=30.0,
                    lt=5.0,
                    st=0.5,
                ),
                5750: ResourceSettings(rules=SEED_RULES),
            }
        ),
        3311: ObjectProtocol(
            {
                5850: ResourceSettings(
                    event=EventSettings("switch_event", "The light was switched"), observe=True
                ),
                5706: ResourceSettings(
                    show=False, measurement=MeasurementSettings("c8y_Colour", "c8y_Colour.v")
                ),
            }
        ),
        30010: ObjectProtocol({1: ResourceSettings(show=False, custom_action=True)}),
    }


async def _use_protocols(entry: MockConfigEntry) -> None:
    data = entry.runtime_data
    data.storage.protocols.objects.update(_protocols())
    await data.storage.async_save_protocols()
    await data.hub.async_settings_changed()


async def _set(device: SimulatedDevice, path: Path, value: Any) -> None:
    device.set_value(path, value)


def _query(record: RequestRecord) -> dict[str, float]:
    return {name: float(value) for name, _, value in (part.partition("=") for part in record.query)}


def _writes_attributes(path: str) -> Callable[[RequestRecord], bool]:
    return lambda r: r.method == "PUT" and r.path == path and not r.payload and bool(r.query)


def _observes(path: str) -> Callable[[RequestRecord], bool]:
    return lambda r: r.method == "GET" and r.path == path and r.observe == 0


async def test_measurement_alarm_events_payload_and_auto_observe(
    hass: HomeAssistant, entry: MockConfigEntry, simulated: SimulatedDevice
) -> None:
    await _use_protocols(entry)
    await _register(hass, simulated, entry)

    # Measurement: the protocol's unit (21.5 °F, which this metric Home Assistant shows in
    # °C: -5.83, rounded to -5.8 in the state up to 2025 and in the frontend since), statistics,
    # its type and series.
    temperature = hass.states.get(TEMPERATURE)
    assert float(temperature.state) == pytest.approx((21.5 - 32) * 5 / 9, abs=0.05)
    assert temperature.attributes["unit_of_measurement"] == "°C"
    assert temperature.attributes["device_class"] == "temperature"
    assert temperature.attributes["state_class"] == "measurement"
    assert temperature.attributes["measurement_type"] == "c8y_Temperature"
    assert temperature.attributes["series"] == "c8y_Temperature.T"

    # Auto-observe after registration: attributes first, then the observation.
    record = await simulated.wait_for_request(_writes_attributes("/3303/0/5700"))
    assert _query(record) == ATTRIBUTES
    await simulated.wait_for_request(_observes("/3303/0/5700"))
    await simulated.wait_for_request(_observes("/3311/0/5850"))

    # Alarm: raised above 30 with its attributes, cleared below.
    assert hass.states.get(HOT_ALARM).state == STATE_OFF
    raised = await state_change(
        hass, HOT_ALARMS, lambda s: s.state != STATE_UNKNOWN, _set(simulated, SENSOR_VALUE, 35.5)
    )
    assert raised.attributes["event_type"] == "alarm_raised"
    alarm = hass.states.get(HOT_ALARM)
    assert alarm.state == STATE_ON
    assert {key: alarm.attributes[key] for key in ("severity", "type", "status", "text")} == {
        "severity": "CRITICAL",
        "type": "overheat",
        "status": "ACTIVE",
        "text": "Too hot",
    }
    assert alarm.attributes["value"] == 35.5
    assert float(hass.states.get(TEMPERATURE).state) == pytest.approx((35.5 - 32) * 5 / 9, abs=0.05)
    cleared = await state_change(
        hass,
        HOT_ALARMS,
        lambda s: s.attributes["event_type"] == "alarm_cleared",
        _set(simulated, SENSOR_VALUE, 20.0),
    )
    assert (cleared.attributes["status"], cleared.attributes["value"]) == ("CLEARED", 20.0)
    assert hass.states.get(HOT_ALARM).state == STATE_OFF

    # Event: one per reported value, by notification and by LwM2M Send, changed or not.
    switch = Path.of(3311, 0, 5850)
    first = await state_change(
        hass,
        SWITCH_EVENTS,
        lambda s: s.attributes["value"] is False,
        _set(simulated, switch, False),
    )
    assert first.attributes["event_type"] == "value_received"
    assert first.attributes["type"] == "switch_event"
    assert first.attributes["text"] == "The light was switched"
    sent = await state_change(
        hass, SWITCH_EVENTS, lambda s: s.state != first.state, simulated.send([switch])
    )
    assert sent.attributes["value"] is False

    # An unreadable measurement raises parse_error; a readable one clears it.
    assert hass.states.get(COLOUR).state == STATE_UNKNOWN  # "#FFE4B5"
    colour_alarm = hass.states.get(COLOUR_ALARM)
    assert (colour_alarm.state, colour_alarm.attributes["type"]) == (STATE_ON, "parse_error")
    colour = Path.of(3311, 0, 5706)
    simulated.set_value(colour, "0x1F")  # not observed: it arrives with the Send
    await state_change(hass, COLOUR, lambda s: s.state == "31", simulated.send([colour]))
    assert hass.states.get(COLOUR_ALARM).state == STATE_OFF

    # Custom action: an opaque frame reaches automations as hex and base64.
    frame = Path.of(30010, 0, 1)
    simulated.set_value(frame, bytes.fromhex("cafe00ff"))
    payload = await state_change(
        hass, FRAMES, lambda s: s.attributes.get("hex") == "cafe00ff", simulated.send([frame])
    )
    assert (payload.attributes["base64"], payload.attributes["length"]) == ("yv4A/w==", 4)

    # Re-registration: the observation and its attributes are set up again.
    since = len(simulated.requests)
    await simulated.deregister()
    await _register(hass, simulated, entry)
    record = await simulated.wait_for_request(_writes_attributes("/3303/0/5700"), since=since)
    assert _query(record) == ATTRIBUTES
    await simulated.wait_for_request(_observes("/3303/0/5700"), since=since)
    await state_change(
        hass,
        HOT_ALARMS,
        lambda s: s.attributes["event_type"] == "alarm_raised",
        _set(simulated, SENSOR_VALUE, 40.0),
    )


async def test_a_write_that_breaks_the_rules_never_reaches_the_device(
    hass: HomeAssistant, entry: MockConfigEntry, simulated: SimulatedDevice
) -> None:
    await _use_protocols(entry)
    await _register(hass, simulated, entry)
    application = Path.of(3303, 0, 5750)

    def writes() -> list[RequestRecord]:
        return [r for r in simulated.requests if r.method in ("PUT", "POST") and r.payload]

    before = len(writes())
    refused = [
        ("text", "set_value", {"entity_id": APPLICATION, "value": "test"}),
        (DOMAIN, "write", {"endpoint": "sim-1", "path": "/3303/0/5750", "value": "test"}),
        (DOMAIN, "command", {"endpoint": "sim-1", "command": "write /3303/0/5750 test"}),
    ]
    for domain, service, data in refused:
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                domain, service, data, blocking=True, return_response=service == "command"
            )
        assert err.value.translation_key == "validation_failed"
        assert err.value.translation_placeholders["path"] == "/3303/0/5750"
    assert len(writes()) == before
    assert simulated.value(application) == "Living room"

    await hass.services.async_call(
        "text", "set_value", {"entity_id": APPLICATION, "value": "zone-asd"}, blocking=True
    )
    assert simulated.value(application) == "zone-asd"
    assert len(writes()) == before + 1


def _snapshot(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """The device's entity registry entries and states, without ids and times."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, entry.entry_id)
    result: dict[str, Any] = {}
    for entity in sorted(entries, key=lambda e: e.unique_id):
        state = hass.states.get(entity.entity_id)
        shown_state = None
        if state is not None:
            # An event entity's state is the time of its last event.
            value = (
                "fired"
                if entity.domain == "event" and state.state != STATE_UNKNOWN
                else state.state
            )
            shown_state = (value, dict(state.attributes))
        result[entity.unique_id] = {
            "entity_id": entity.entity_id,
            "platform": entity.domain,
            "original_name": entity.original_name,
            "translation_key": entity.translation_key,
            "original_device_class": entity.original_device_class,
            "unit_of_measurement": entity.unit_of_measurement,
            "capabilities": entity.capabilities,
            "entity_category": entity.entity_category,
            "disabled_by": entity.disabled_by,
            "state": shown_state,
        }
    return result


async def _options(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def test_exported_protocols_give_identical_entities_on_a_fresh_entry(
    hass: HomeAssistant,
    loopback: None,
    simulated: SimulatedDevice,
    uploaded_file: Callable[[str, bytes], Any],
    tmp_path: FsPath,
) -> None:
    hass.config.config_dir = str(tmp_path)
    first = await _add_entry(hass)
    await _use_protocols(first)
    await _register(hass, simulated, first)
    before = _snapshot(hass, first)
    exported = await _options(hass, first, "export_protocols")
    assert exported["reason"] == "protocols_exported"
    content = FsPath(exported["description_placeholders"]["path"]).read_bytes()

    assert await hass.config_entries.async_remove(first.entry_id)
    await hass.async_block_till_done()
    assert device_of(hass, "sim-1") is None

    second = await _add_entry(hass)
    try:
        assert second.runtime_data.storage.protocols.objects == {}
        result = await _options(hass, second, "import_protocols")
        with uploaded_file("device_protocols.json", content) as file_id:
            result = await hass.config_entries.options.async_configure(
                result["flow_id"], {"file": file_id}
            )
        assert result["step_id"] == "protocols_preview"
        assert result["description_placeholders"]["changes"] == (
            "- Added: 3303 Temperature, 3311 Light Control, 30010 Meter"
        )
        result = await hass.config_entries.options.async_configure(result["flow_id"], {})
        assert result["reason"] == "protocols_imported"
        await _register(hass, simulated, second)
        after = _snapshot(hass, second)
    finally:
        await hass.config_entries.async_unload(second.entry_id)
        await hass.async_block_till_done()

    assert len(before) >= 30  # resources given entities only on request have no entry
    assert any(entity["disabled_by"] is not None for entity in before.values())
    assert sum(1 for entity in before.values() if entity["state"] is not None) >= 20
    assert after == before
    assert {"sim-1-3303-0-5700-alarm", "sim-1-30010-0-1-payload"} <= set(after)
