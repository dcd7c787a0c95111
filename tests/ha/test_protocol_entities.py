"""Device protocol functionalities as entities (fake engine): measurements, alarms, events,
raw payloads, auto-observe attributes and validation rules on writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.device_protocols.alarms import AlarmSettings, AlarmStatus, Severity
from custom_components.lwm2m.device_protocols.raw_payload import MAX_PAYLOAD_BYTES
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
from custom_components.lwm2m.engine import Path, RequestFailedError, parse_ddf
from tests.engine.model.ddf_builder import ddf, item, obj

from .fake_server import TableServer

TEMPERATURE = "sensor.dev_1_temperature"
APPLICATION = "sensor.dev_1_light_control_application_type"
APPLICATION_ALARM = "binary_sensor.dev_1_light_control_application_type_alarm"
APPLICATION_ALARMS = "event.dev_1_light_control_application_type_alarms"
HOT_ALARM = "binary_sensor.dev_1_temperature_sensor_value_alarm"
HOT_ALARMS = "event.dev_1_temperature_sensor_value_alarms"
SWITCH_EVENTS = "event.dev_1_light_control_on_off_events"
MEASURED = MeasurementSettings("c8y_Reading", "c8y_Reading.value")
MEASURED_CELSIUS = MeasurementSettings("c8y_T", "c8y_T.T", "°C")
HOT = AlarmSettings(Severity.CRITICAL, "overheat", AlarmStatus.ACTIVE, "Too hot", above=30.0)
BLOB_DDF = ddf(
    obj(
        "30010",
        name="Meter",
        version="1.0",
        items=[item("1", name="Frame", type_="Opaque"), item("2", name="Count")],
    )
)


@pytest.fixture(autouse=True)
async def _device(
    loaded_entry: MockConfigEntry, register_sensor_device: Callable[..., Any]
) -> None:
    await register_sensor_device()


async def _use(
    hass: HomeAssistant, entry: MockConfigEntry, object_id: int, **resources: ResourceSettings
) -> None:
    data = entry.runtime_data
    data.storage.protocols.objects[object_id] = ObjectProtocol(
        {int(rid.removeprefix("r")): settings for rid, settings in resources.items()}
    )
    await data.hub.async_settings_changed()
    await hass.async_block_till_done()


def _changes(hass: HomeAssistant, entity_id: str) -> list[Any]:
    """Every new state of ``entity_id`` from now on."""
    seen: list[Any] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        seen.append(event.data["new_state"])

    async_track_state_change_event(hass, [entity_id], _changed)
    return seen


async def test_measurement_sensor_with_the_protocols_unit(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    """A device that reports in °F: its Sensor Value and Min Measured Value (21.5 and 18.0
    °F) are temperatures in °F, which a metric Home Assistant shows in °C, both alike."""
    settings = ResourceSettings(measurement=MeasurementSettings("c8y_T", "c8y_T.T", "°F"))
    await _use(hass, loaded_entry, 3303, r5700=settings, r5601=ResourceSettings(show=True))
    state = hass.states.get(TEMPERATURE)
    assert float(state.state) == pytest.approx(-5.83, abs=0.05)
    assert state.attributes["unit_of_measurement"] == "°C"
    assert state.attributes["device_class"] == "temperature"
    assert state.attributes["state_class"] == "measurement"
    assert state.attributes["measurement_type"] == "c8y_T"
    assert state.attributes["series"] == "c8y_T.T"
    minimum = hass.states.get("sensor.dev_1_temperature_min_measured_value")
    assert float(minimum.state) == pytest.approx(-7.78, abs=0.05)
    assert minimum.attributes["unit_of_measurement"] == "°C"
    # A measurement without a unit keeps the row's unit and device class; the parse alarm
    # of a measurement without an alarm of its own is a diagnostic.
    await _use(hass, loaded_entry, 3304, r5700=ResourceSettings(measurement=MEASURED))
    state = hass.states.get("sensor.dev_1_humidity")
    assert (state.attributes["unit_of_measurement"], state.attributes["device_class"]) == (
        "%",
        "humidity",
    )
    registry = er.async_get(hass)
    humidity_alarm = "binary_sensor.dev_1_humidity_sensor_value_alarm"
    assert registry.async_get(humidity_alarm).entity_category == "diagnostic"
    assert hass.states.get(humidity_alarm).state == STATE_OFF


@pytest.mark.parametrize(
    ("unit", "device_class"),
    [
        ("Cel", "temperature"),
        ("°C", "temperature"),
        ("°F", "temperature"),
        ("kWh", None),
        ("parsec", None),
    ],
)
async def test_a_measurement_unit_picks_a_fitting_device_class(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, unit: str, device_class: str | None
) -> None:
    """kWh is an energy unit, and energy sensors cannot be measurements."""
    settings = ResourceSettings(measurement=MeasurementSettings("m", "s", unit))
    await _use(hass, loaded_entry, 3304, r5700=settings)
    state = hass.states.get("sensor.dev_1_humidity")
    assert state.attributes.get("device_class") == device_class
    assert state.attributes["state_class"] == "measurement"


async def test_a_us_installation_shows_every_temperature_in_fahrenheit(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    """The Sensor Value and its extremes convert alike, with or without a measurement whose
    unit is the device's °C."""
    await hass.config.async_update(unit_system="us_customary")
    values = ((22.0, 18.5, "71.6", "65.3"), (20.0, 17.0, "68.0", "62.6"))
    settings = (ResourceSettings(show=True), ResourceSettings(measurement=MEASURED_CELSIUS))
    for value, (celsius, lowest, fahrenheit, lowest_fahrenheit) in zip(
        settings, values, strict=True
    ):
        await _use(hass, loaded_entry, 3303, r5601=ResourceSettings(show=True), r5700=value)
        fake_server.notify("dev-1", "/3303/0", {"/3303/0/5700": celsius, "/3303/0/5601": lowest})
        await hass.async_block_till_done()
        temperature = hass.states.get(TEMPERATURE)
        minimum = hass.states.get("sensor.dev_1_temperature_min_measured_value")
        assert (temperature.state, temperature.attributes["unit_of_measurement"]) == (
            fahrenheit,
            "°F",
        )
        assert (minimum.state, minimum.attributes["unit_of_measurement"]) == (
            lowest_fahrenheit,
            "°F",
        )


# Seed 000, as a text resource mapped to a measurement receives them. "-029" and "029" have
# a leading zero, so they are octal, and 9 is no octal digit: they raise parse_error.
SEED_000 = [
    ("true", "1", False),
    ("false", "0", False),
    ("42", "42", False),
    ("-7.25", "-7.25", False),
    ("1.23E10", "12300000000.0", False),
    ("3.57e+5", "357000.0", False),
    ("9.8e-4", "0.00098", False),
    ("010", "8", False),
    ("-010", "-8", False),
    ("-029", STATE_UNKNOWN, True),
    ("029", STATE_UNKNOWN, True),
    ("0x23F3D5C1", "603182529", False),
    ("-0x42a3b3d1", "-1118024657", False),
    ("0X1f", "31", False),
    ("seven", STATE_UNKNOWN, True),
    ("", STATE_UNKNOWN, True),
    ("0", "0", False),
]


async def test_seed_000_parsing_as_a_table(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _use(hass, loaded_entry, 3311, r5750=ResourceSettings(measurement=MEASURED))
    assert hass.states.get(APPLICATION_ALARM).state == STATE_ON  # "Lamp" is no number
    events = _changes(hass, APPLICATION_ALARMS)
    expected_events = []
    raised_by = "Lamp"
    for text, state, alarm in SEED_000:
        freezer.tick(1)
        fake_server.notify("dev-1", "/3311/0/5750", {"/3311/0/5750": text})
        await hass.async_block_till_done()
        assert hass.states.get(APPLICATION).state == state, text
        alarm_state = hass.states.get(APPLICATION_ALARM)
        assert alarm_state.state == (STATE_ON if alarm else STATE_OFF), text
        if alarm and raised_by is None:
            raised_by = text
            expected_events.append(("alarm_raised", text))
        elif not alarm and raised_by is not None:
            raised_by = None
            expected_events.append(("alarm_cleared", text))
        if alarm:  # a run of unreadable values is one alarm, raised by the first
            assert alarm_state.attributes["type"] == "parse_error"
            assert alarm_state.attributes["value"] == raised_by
    assert [(s.attributes["event_type"], s.attributes["value"]) for s in events] == (
        expected_events
    )
    assert len(expected_events) == 5


async def test_booleans_are_measured_as_0_and_1(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    assert er.async_get(hass).async_get("switch.dev_1_light_control") is not None
    await _use(hass, loaded_entry, 3311, r5850=ResourceSettings(measurement=MEASURED))
    assert hass.states.get("sensor.dev_1_light_control").state == "0"
    # The switch became a sensor: the switch's registry entry goes.
    assert er.async_get(hass).async_get("switch.dev_1_light_control") is None
    fake_server.notify("dev-1", "/3311/0/5850", {"/3311/0/5850": True})
    await hass.async_block_till_done()
    assert hass.states.get("sensor.dev_1_light_control").state == "1"


async def test_alarm_raised_and_cleared_with_its_attributes(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _use(hass, loaded_entry, 3303, r5700=ResourceSettings(alarm=HOT))
    assert hass.states.get(HOT_ALARM).state == STATE_OFF
    assert hass.states.get(HOT_ALARM).attributes["device_class"] == "problem"
    assert hass.states.get(HOT_ALARMS).state == STATE_UNKNOWN
    events = _changes(hass, HOT_ALARMS)

    fake_server.notify("dev-1", "/3303/0/5700", {"/3303/0/5700": 35.5})
    await hass.async_block_till_done()
    alarm = hass.states.get(HOT_ALARM)
    assert alarm.state == STATE_ON
    expected = {
        "severity": "CRITICAL",
        "type": "overheat",
        "status": "ACTIVE",
        "text": "Too hot",
        "value": 35.5,
    }
    assert {key: alarm.attributes[key] for key in expected} == expected
    assert events[-1].attributes["event_type"] == "alarm_raised"
    assert events[-1].attributes["value"] == 35.5

    freezer.tick(1)
    fake_server.notify("dev-1", "/3303/0/5700", {"/3303/0/5700": 36.0})
    await hass.async_block_till_done()
    assert len(events) == 1
    assert hass.states.get(HOT_ALARM).attributes["value"] == 35.5

    fake_server.notify("dev-1", "/3303/0/5700", {"/3303/0/5700": 22.0})
    await hass.async_block_till_done()
    alarm = hass.states.get(HOT_ALARM)
    assert (alarm.state, alarm.attributes["status"]) == (STATE_OFF, "CLEARED")
    assert events[-1].attributes["event_type"] == "alarm_cleared"
    assert events[-1].attributes["value"] == 22.0
    assert events[-1].attributes["status"] == "CLEARED"
    registry = er.async_get(hass)
    assert registry.async_get(HOT_ALARM).unique_id == "dev-1-3303-0-5700-alarm"
    assert registry.async_get(HOT_ALARMS).unique_id == "dev-1-3303-0-5700-alarm_events"
    assert registry.async_get(HOT_ALARM).entity_category is None


async def test_event_entity_fires_on_every_reported_value(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    door = EventSettings("com_cumulocity_model_DoorSensorEvent", "Door sensor was triggered")
    await _use(hass, loaded_entry, 3311, r5850=ResourceSettings(show=False, event=door))
    assert hass.states.get("switch.dev_1_light_control") is None
    events = _changes(hass, SWITCH_EVENTS)
    for value in (True, True, False):
        freezer.tick(1)
        fake_server.notify("dev-1", "/3311/0", {"/3311/0/5850": value, "/3311/0/5851": 3})
        await hass.async_block_till_done()
    assert [state.attributes["value"] for state in events] == [True, True, False]
    assert events[0].attributes["event_type"] == "value_received"
    assert events[0].attributes["type"] == "com_cumulocity_model_DoorSensorEvent"
    assert events[0].attributes["text"] == "Door sensor was triggered"
    # A write from Home Assistant is no value the device reported.
    await hass.services.async_call(
        DOMAIN, "write", {"endpoint": "dev-1", "path": "/3311/0/5850", "value": True}, True
    )
    await hass.async_block_till_done()
    assert len(events) == 3


async def test_custom_action_hands_raw_bytes_to_automations(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    registry = loaded_entry.runtime_data.object_registry
    for definition in parse_ddf(BLOB_DDF):
        registry.add(definition)
    fake_server.register("meter-1", {"/30010/0": {}}, {"/30010/0/1": b"\x01\x02", "/30010/0/2": 5})
    await hass.async_block_till_done()
    await _use(hass, loaded_entry, 30010, r1=ResourceSettings(show=False, custom_action=True))
    entity_id = "event.meter_1_meter_frame_payload"
    events = _changes(hass, entity_id)
    fake_server.notify("meter-1", "/30010/0/1", {"/30010/0/1": bytes.fromhex("cafe00ff")})
    await hass.async_block_till_done()
    attributes = events[-1].attributes
    assert attributes["event_type"] == "payload_received"
    assert (attributes["hex"], attributes["base64"], attributes["length"]) == (
        "cafe00ff",
        "yv4A/w==",
        4,
    )
    assert attributes["truncated"] is False
    freezer.tick(1)
    big = bytes(range(256)) * 20
    fake_server.notify("meter-1", "/30010/0/1", {"/30010/0/1": big})
    await hass.async_block_till_done()
    attributes = events[-1].attributes
    assert len(attributes["hex"]) == 2 * MAX_PAYLOAD_BYTES
    assert (attributes["length"], attributes["truncated"]) == (len(big), True)
    # Text is handed over as its UTF-8 bytes.
    await _use(hass, loaded_entry, 3311, r5750=ResourceSettings(custom_action=True))
    state = hass.states.get("event.dev_1_light_control_application_type_payload")
    assert state is not None
    texts = _changes(hass, "event.dev_1_light_control_application_type_payload")
    fake_server.notify("dev-1", "/3311/0/5750", {"/3311/0/5750": "Lamp"})
    await hass.async_block_till_done()
    assert texts[-1].attributes["hex"] == b"Lamp".hex()


async def test_secret_objects_take_no_functionality(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    fake_server.register("sec-1", {"/0/0": {}}, {"/0/0/5": b"secret-key"})
    await hass.async_block_till_done()
    await _use(
        hass,
        loaded_entry,
        0,
        r5=ResourceSettings(custom_action=True, measurement=MEASURED, observe=True),
    )
    assert [
        entry.entity_id
        for entry in er.async_entries_for_config_entry(er.async_get(hass), loaded_entry.entry_id)
        if entry.unique_id.startswith("sec-1")
    ] == []
    # Rules stored for them (by an older version, say) are not applied either.
    loaded_entry.runtime_data.storage.protocols.objects[0] = ObjectProtocol(
        {0: ResourceSettings(rules=SEED_RULES)}
    )
    await hass.services.async_call(
        DOMAIN, "write", {"endpoint": "sec-1", "path": "/0/0/0", "value": "test"}, blocking=True
    )
    assert fake_server.requests("write")[-1][1:3] == ("sec-1", Path.parse("/0/0/0"))
    assert not [
        call for call in fake_server.table.calls if call[0] == "observe" and call[1] == "sec-1"
    ]


async def test_auto_observe_writes_every_attribute(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    settings = ResourceSettings(
        measurement=MEASURED, observe=True, pmin=5, pmax=300, gt=30.0, lt=5.0, st=0.5
    )
    await _use(hass, loaded_entry, 3303, r5700=settings, r5601=ResourceSettings(observe=True))
    attributes = {
        call[2]: call[3] for call in fake_server.requests("write_attributes") if call[1] == "dev-1"
    }
    assert attributes[Path.parse("/3303/0/5700")] == {
        "pmin": 5,
        "pmax": 300,
        "gt": 30.0,
        "lt": 5.0,
        "st": 0.5,
    }
    observed = {call[2] for call in fake_server.requests("observe")}
    assert Path.parse("/3303/0/5700") in observed
    assert Path.parse("/3303/0/5601") in observed  # shown, so observable
    # An attribute the protocol drops is removed from the device.
    await _use(
        hass,
        loaded_entry,
        3303,
        r5700=ResourceSettings(measurement=MEASURED, observe=True, pmin=5, pmax=300),
        r5601=ResourceSettings(observe=True),
    )
    assert fake_server.requests("write_attributes")[-1][2:] == (
        Path.parse("/3303/0/5700"),
        {"pmin": 5, "pmax": 300, "gt": None, "lt": None, "st": None},
    )
    assert (
        "cancel_observation",
        "dev-1",
        Path.parse("/3304/0/5700"),
    ) not in fake_server.table.calls
    await _use(hass, loaded_entry, 3304, r5700=ResourceSettings(show=False, observe=True))
    # No functionality: the default observation ends and none takes its place.
    assert ("cancel_observation", "dev-1", Path.parse("/3304/0/5700")) in fake_server.table.calls


SEED_RULES = RuleSet(
    (
        (ValidationRule(RuleType.STRING, Operator.NOT_EQUALS, "test"),),
        (
            ValidationRule(RuleType.REGEX, Operator.EQUALS, ".*asd"),
            ValidationRule(RuleType.OBJECT_LINK, Operator.EQUALS, "/3/0/15"),
        ),
    )
)


async def test_validation_rules_guard_every_write(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    """dev-2 registers after the protocol shows 5750, so its text entity is enabled."""
    await _use(hass, loaded_entry, 3311, r5750=ResourceSettings(rules=SEED_RULES))
    await register_sensor_device("dev-2")
    writes = len(fake_server.requests("write"))
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("text", "set_value", {"entity_id": "text.dev_2_light_control_application_type"}),
        (DOMAIN, "write", {"endpoint": "dev-2", "path": "/3311/0/5750"}),
        (DOMAIN, "write", {"endpoint": "dev-2", "path": "/3311/0"}),
        (DOMAIN, "command", {"endpoint": "dev-2", "command": "write /3311/0/5750 test"}),
        (DOMAIN, "create", {"endpoint": "dev-2", "path": "/3311", "values": {"5750": "test"}}),
    ]
    for domain, service, data in attempts:
        value = {"5750": "test"} if data.get("path") == "/3311/0" else "test"
        extra = {"value": value} if service in ("set_value", "write") else {}
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(domain, service, {**data, **extra}, blocking=True)
        assert err.value.translation_key == "validation_failed"
        assert err.value.translation_placeholders["rules"] == (
            'text ≠ "test" | regular expression ~ ".*asd"'
        )
    assert len(fake_server.requests("write")) == writes
    assert not fake_server.requests("create")
    await hass.services.async_call(
        "text",
        "set_value",
        {"entity_id": "text.dev_2_light_control_application_type", "value": "Desk"},
        blocking=True,
    )
    assert fake_server.requests("write")[-1][3] == {Path.parse("/3311/0/5750"): "Desk"}


async def test_a_rule_reads_the_linked_resource_when_it_is_unknown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    same_as_timezone = RuleSet(
        ((ValidationRule(RuleType.OBJECT_LINK, Operator.EQUALS, "/3/0/15"),),)
    )
    await _use(hass, loaded_entry, 3311, r5750=ResourceSettings(rules=same_as_timezone))
    fake_server.table.values["dev-1"][Path.parse("/3/0/15")] = "Europe/Paris"
    await hass.services.async_call(
        DOMAIN,
        "write",
        {"endpoint": "dev-1", "path": "/3311/0/5750", "value": "Europe/Paris"},
        blocking=True,
    )
    assert ("read", "dev-1", Path.parse("/3/0/15")) in fake_server.table.calls
    fake_server.table.fail["read"] = RequestFailedError("dev-1", Path.parse("/3/0/16"), "4.04")
    await _use(
        hass,
        loaded_entry,
        3311,
        r5750=ResourceSettings(
            rules=RuleSet(((ValidationRule(RuleType.OBJECT_LINK, Operator.EQUALS, "/3/0/16"),),))
        ),
    )
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "write",
            {"endpoint": "dev-1", "path": "/3311/0/5750", "value": "x"},
            blocking=True,
        )


async def test_an_attribute_the_device_refuses_does_not_stop_the_observation(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    fake_server.table.fail["write_attributes"] = RequestFailedError(
        "dev-1", Path.parse("/3303/0/5700"), "4.00"
    )
    settings = ResourceSettings(measurement=MEASURED, observe=True, gt=30.0)
    await _use(hass, loaded_entry, 3303, r5700=settings)
    assert fake_server.requests("observe")[-1][2] == Path.parse("/3303/0/5700")
    assert loaded_entry.runtime_data.hub.observed["dev-1"][Path.parse("/3303/0/5700")].gt == 30.0


async def test_rules_guard_switch_and_number_entities(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    only_off = RuleSet(((ValidationRule(RuleType.STRING, Operator.EQUALS, "False"),),))
    at_most_half = RuleSet(((ValidationRule(RuleType.NUMBER, Operator.LOWER_OR_EQUAL, "50"),),))
    await _use(
        hass,
        loaded_entry,
        3311,
        r5850=ResourceSettings(rules=only_off),
        r5851=ResourceSettings(rules=at_most_half),
    )
    await register_sensor_device("dev-2")
    writes = len(fake_server.requests("write"))
    refused = [
        ("switch", "turn_on", {"entity_id": "switch.dev_2_light_control"}),
        ("number", "set_value", {"entity_id": "number.dev_2_light_control_dimmer", "value": 80}),
    ]
    for domain, service, data in refused:
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(domain, service, data, blocking=True)
        assert err.value.translation_key == "validation_failed"
    assert len(fake_server.requests("write")) == writes
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.dev_2_light_control"}, blocking=True
    )
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.dev_2_light_control_dimmer", "value": 50},
        blocking=True,
    )
    assert [call[3] for call in fake_server.requests("write")[writes:]] == [
        {Path.parse("/3311/0/5850"): False},
        {Path.parse("/3311/0/5851"): 50},
    ]
