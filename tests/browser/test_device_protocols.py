"""Options → Device protocols: a measurement, an alarm and a validation rule for the
Temperature object, its entities and observation, then export and import of the result."""

from __future__ import annotations

from .harness.deployment import Deployment
from .harness.flow_dialog import FlowDialog
from .harness.screens import Screens

MEASUREMENT = {
    ("measurement", "enabled"): True,
    ("measurement", "type"): "c8y_TemperatureMeasurement",
    ("measurement", "series"): "c8y_TemperatureMeasurement.T",
    ("measurement", "unit"): "°C",
}
ALARM = {
    ("alarm", "enabled"): True,
    ("alarm", "severity"): "Major",
    ("alarm", "type"): "c8y_OverheatAlarm",
    ("alarm", "text"): "Too hot",
    ("alarm", "above"): 30,
}


def _temperature_object(home_assistant: Deployment, flow: FlowDialog, screens: Screens) -> None:
    flow.open_options(home_assistant.url)
    flow.choose("device_protocols")
    screens.capture("object-picker")
    flow.fill({"object": "3303 Temperature"})
    flow.submit()
    assert flow.step_id in ("protocol_object", "protocol_object_configured")


def test_a_measurement_an_alarm_and_a_rule(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens
) -> None:
    _temperature_object(home_assistant, flow, screens)
    screens.capture("object-menu", docs="device_protocol.png")

    flow.choose("resource_pick")
    screens.capture("resource-picker")
    flow.fill({"resource": "5700 Sensor Value"})
    flow.submit()
    screens.capture("functions")
    flow.fill({**MEASUREMENT, **ALARM})
    screens.capture("functions-filled", docs="resource_functions.png")
    flow.submit()
    assert flow.step_id == "protocol_object_configured", "saving returns to the object's menu"
    after = screens.capture("object-menu-configured")
    assert after.shows("5700 Sensor Value")
    for entity_id in ("sensor.demo_1_temperature", "sensor.demo_1_temperature_max_measured_value"):
        state = home_assistant.api.wait_for(
            f"{entity_id} as a measurement",
            lambda entity_id=entity_id: home_assistant.api.state(entity_id),
        )
        assert state["attributes"]["unit_of_measurement"] == "°F", entity_id

    flow.choose("rules_pick")
    screens.capture("writable-picker")
    flow.fill({"resource": "5750 Application Type"})
    flow.submit()
    screens.capture("no-rules")
    flow.fill({"rule_type": "Text", "operator": "Not equals", "value": "test"})
    flow.submit()
    assert flow.step_id == "rules_edit", flow.errors
    rules = screens.capture("one-rule")
    assert rules.shows('text ≠ "test"')
    flow.submit()
    assert flow.step_id == "protocol_object_configured"
    screens.capture("object-menu-with-rule")

    flow.choose("protocol_resources")
    screens.capture("entities-and-observation")
    flow.submit()
    assert flow.step_id == "protocol_object_configured"
    flow.choose("protocol_done")
    assert flow.step["reason"] == "protocol_saved"
    screens.capture("saved")


def test_the_object_picker_searches(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens
) -> None:
    flow.open_options(home_assistant.url)
    flow.choose("device_protocols")
    flow.fill({"object": "Humidity"})
    screens.capture("picked-by-name")
    flow.submit()
    assert flow.step_id in ("protocol_object", "protocol_object_configured")
    screens.capture("humidity-object")


def test_export_then_import(home_assistant: Deployment, flow: FlowDialog, screens: Screens) -> None:
    _temperature_object(home_assistant, flow, screens)
    flow.choose("resource_pick")
    flow.fill({"resource": "5700 Sensor Value"})
    flow.submit()
    flow.fill(MEASUREMENT)
    flow.submit()

    flow.open_options(home_assistant.url)
    flow.choose("export_protocols")
    assert flow.step["reason"] == "protocols_exported"
    screens.capture("exported")
    exported = sorted((home_assistant.config_dir / "lwm2m").glob("device_protocols_*.json"))[-1]

    flow.open_options(home_assistant.url)
    flow.choose("import_protocols")
    screens.capture("import-upload")
    flow.fill({"file": exported})
    flow.submit()
    assert flow.step_id == "protocols_preview", flow.errors
    screens.capture("import-preview")
    flow.submit()
    assert flow.step["reason"] == "protocols_imported"
    screens.capture("imported")
