"""Options-flow steps of device protocols: object menu, resource functionalities, validation
rules editor, export and import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.device_protocols.alarms import AlarmSettings, AlarmStatus, Severity
from custom_components.lwm2m.device_protocols.file import FORMAT, VERSION
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
from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.options.uploads import MAX_UPLOAD_BYTES
from tests.ha.fake_server import TableServer

FlowResult = dict[str, Any]


@pytest.fixture(autouse=True)
async def _device(
    loaded_entry: MockConfigEntry, register_sensor_device: Callable[..., Any]
) -> None:
    await register_sensor_device()


async def _start(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> FlowResult:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def _object(hass: HomeAssistant, entry: MockConfigEntry, object_id: int) -> FlowResult:
    result = await _start(hass, entry, "device_protocols")
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"object": str(object_id)}
    )


async def _submit(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    return await hass.config_entries.options.async_configure(result["flow_id"], data)


async def _resource_form(
    hass: HomeAssistant, entry: MockConfigEntry, object_id: int, resource_id: int
) -> FlowResult:
    result = await _object(hass, entry, object_id)
    result = await _submit(hass, result, {"next_step_id": "resource_pick"})
    assert result["step_id"] == "resource_pick"
    return await _submit(hass, result, {"resource": str(resource_id)})


def _functions(**changes: Any) -> dict[str, Any]:
    """An answer of the functionalities form: nothing chosen, then ``changes``."""
    answer: dict[str, Any] = {
        "show": True,
        "custom_action": False,
        "measurement": {"enabled": False},
        "alarm": {"enabled": False, "severity": "major", "status": "active"},
        "event": {"enabled": False},
        "observation": {"observe": False},
    }
    for key, value in changes.items():
        answer[key] = {**answer[key], **value} if isinstance(value, dict) else value
    return answer


async def test_object_menu_lists_what_the_object_offers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    result = await _start(hass, loaded_entry, "device_protocols")
    values = [
        option["value"] for option in result["data_schema"].schema["object"].config["options"]
    ]
    assert values[:4] == ["1", "3", "3303", "3304"]  # the device's objects first
    assert "0" not in values  # objects with secrets take no protocol
    result = await _object(hass, loaded_entry, 3303)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [
        "protocol_resources",
        "resource_pick",
        "rules_pick",
        "protocol_done",
    ]
    assert result["step_id"] == "protocol_object"  # nothing configured yet
    result = await _object(hass, loaded_entry, 3407)
    assert result["menu_options"] == ["protocol_resources", "resource_pick", "protocol_done"]


@pytest.mark.parametrize(
    ("answer", "object_id"),
    [("3304", 3304), ("humidity", 3304), ("3303 Temperature", 3303), ("Light Con", 3311)],
)
async def test_the_object_picker_takes_what_the_user_typed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, answer: str, object_id: int
) -> None:
    result = await _start(hass, loaded_entry, "device_protocols")
    assert result["data_schema"].schema["object"].config["custom_value"] is True
    result = await _submit(hass, result, {"object": answer})
    assert result["step_id"] == "protocol_object"
    assert result["description_placeholders"]["object"].startswith(f"{object_id} ")


@pytest.mark.parametrize("answer", ["no such object", "0", "Temp"])
async def test_the_object_picker_refuses_an_unknown_or_unclear_answer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, answer: str
) -> None:
    result = await _start(hass, loaded_entry, "device_protocols")
    result = await _submit(hass, result, {"object": answer})
    assert result["step_id"] == "device_protocols"
    assert result["errors"] == {"object": "object_not_found"}
    assert result["description_placeholders"] == {"answer": answer}


async def test_done_closes_the_object_and_says_whether_anything_was_saved(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    result = await _object(hass, loaded_entry, 3303)
    result = await _submit(hass, result, {"next_step_id": "protocol_done"})
    assert result["reason"] == "protocol_unchanged"
    result = await _object(hass, loaded_entry, 3303)
    result = await _submit(hass, result, {"next_step_id": "protocol_resources"})
    result = await _submit(hass, result, {"shown": ["5700"], "observed": ["5700"]})
    assert result["step_id"] == "protocol_object_configured"
    assert result["description_placeholders"]["summary"] == "- 5700 Sensor Value: shown, observed"
    result = await _submit(hass, result, {"next_step_id": "protocol_done"})
    assert result["reason"] == "protocol_saved"
    assert result["description_placeholders"] == {"object": "3303 Temperature"}


async def test_resource_functionalities_are_saved_and_become_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    result = await _resource_form(hass, loaded_entry, 3303, 5701)
    observation = result["data_schema"].schema["observation"].schema.schema
    assert sorted(str(key) for key in observation) == ["observe", "pmax", "pmin"]  # text
    result = await _resource_form(hass, loaded_entry, 3303, 5700)
    assert result["step_id"] == "resource_functions"
    assert result["description_placeholders"]["resource"] == "5700 Sensor Value"
    observation = result["data_schema"].schema["observation"].schema.schema
    assert {"gt", "lt", "st"} <= {str(key) for key in observation}
    answer = _functions(
        measurement={"enabled": True, "type": "c8y_T", "series": "c8y_T.T", "unit": "°C"},
        alarm={
            "enabled": True,
            "severity": "critical",
            "type": "overheat",
            "status": "acknowledged",
            "text": "Too hot",
            "above": 30,
        },
        event={"enabled": True, "type": "reading", "text": "New reading"},
        custom_action=True,
        observation={"observe": True, "pmin": 5, "pmax": 60, "gt": 30, "lt": 5, "st": 0.5},
    )
    result = await _submit(hass, result, answer)
    assert result["type"] is FlowResultType.MENU  # back to the object, for the next change
    assert result["step_id"] == "protocol_object_configured"
    await hass.async_block_till_done()

    protocol = loaded_entry.runtime_data.storage.protocols.get(3303)
    settings = protocol.settings(5700)
    assert settings.measurement == MeasurementSettings("c8y_T", "c8y_T.T", "°C")
    assert settings.alarm == AlarmSettings(
        Severity.CRITICAL, "overheat", AlarmStatus.ACKNOWLEDGED, "Too hot", above=30.0
    )
    assert settings.event == EventSettings("reading", "New reading")
    assert settings.custom_action
    assert settings.observation_attributes == {
        "pmin": 5,
        "pmax": 60,
        "gt": 30.0,
        "lt": 5.0,
        "st": 0.5,
    }
    # The object had no protocol: the defaults' other entities stay.
    assert protocol.shown(5601)
    assert hass.states.get("sensor.dev_1_temperature_min_measured_value") is not None
    for entity_id in (
        "sensor.dev_1_temperature",
        "binary_sensor.dev_1_temperature_sensor_value_alarm",
        "event.dev_1_temperature_sensor_value_alarms",
        "event.dev_1_temperature_sensor_value_events",
        "event.dev_1_temperature_sensor_value_payload",
    ):
        assert hass.states.get(entity_id) is not None, entity_id
    assert (
        "write_attributes",
        "dev-1",
        Path.parse("/3303/0/5700"),
        {"pmin": 5, "pmax": 60, "gt": 30.0, "lt": 5.0, "st": 0.5},
    ) in fake_server.table.calls

    result = await _object(hass, loaded_entry, 3303)
    assert (
        "- 5700 Sensor Value: shown, measurement, alarm, event, custom action, observed"
        in result["description_placeholders"]["summary"]
    )
    # The form opens with what was saved; turning everything off keeps the entity only.
    result = await _submit(hass, result, {"next_step_id": "resource_pick"})
    result = await _submit(hass, result, {"resource": "5700"})
    schema = result["data_schema"].schema
    assert next(key for key in schema if key == "custom_action").default() is True
    result = await _submit(hass, result, _functions())
    assert result["step_id"] == "protocol_object_configured"
    await hass.async_block_till_done()
    assert hass.states.get("event.dev_1_temperature_sensor_value_events") is None
    assert loaded_entry.runtime_data.storage.protocols.get(3303).settings(5700).functions == []


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (_functions(measurement={"enabled": True, "type": "T"}), "measurement_incomplete"),
        (_functions(alarm={"enabled": True, "type": "t", "text": " "}), "alarm_incomplete"),
        (_functions(event={"enabled": True, "text": "x"}), "event_incomplete"),
        (_functions(observation={"observe": True, "pmin": 60, "pmax": 5}), "pmin_above_pmax"),
        (_functions(show=False, observation={"observe": True}), "observe_needs_functionality"),
    ],
)
async def test_resource_functionalities_need_complete_settings(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, answer: dict[str, Any], error: str
) -> None:
    result = await _resource_form(hass, loaded_entry, 3303, 5700)
    result = await _submit(hass, result, answer)
    assert result["step_id"] == "resource_functions"
    assert result["errors"] == {"base": error}
    assert loaded_entry.runtime_data.storage.protocols.get(3303) is None


async def test_entities_and_observation_take_conditions(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    loaded_entry.runtime_data.storage.protocols.objects[3303] = ObjectProtocol(
        {5750: ResourceSettings(show=False, event=EventSettings("e", "t"))}
    )
    result = await _object(hass, loaded_entry, 3303)
    result = await _submit(hass, result, {"next_step_id": "protocol_resources"})
    result = await _submit(
        hass,
        result,
        {
            "shown": ["5700", "5701"],
            "observed": ["5700", "5701"],
            "pmin": 1,
            "gt": 25.0,
            "lt": 15,
            "st": 0.25,
        },
    )
    assert result["step_id"] == "protocol_object_configured"
    await hass.async_block_till_done()
    protocol = loaded_entry.runtime_data.storage.protocols.get(3303)
    assert protocol.settings(5700).observation_attributes == {
        "pmin": 1,
        "gt": 25.0,
        "lt": 15.0,
        "st": 0.25,
    }
    # Sensor Units is text: value conditions do not apply to it.
    assert protocol.settings(5701).observation_attributes == {"pmin": 1}
    assert protocol.settings(5750).event == EventSettings("e", "t")  # kept, though not shown
    result = await _object(hass, loaded_entry, 3303)
    result = await _submit(hass, result, {"next_step_id": "protocol_resources"})
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {"pmin": 1, "gt": 25.0, "lt": 15.0, "st": 0.25}


async def test_validation_rules_editor_builds_the_seed_example(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    result = await _object(hass, loaded_entry, 3311)
    result = await _submit(hass, result, {"next_step_id": "rules_pick"})
    options = result["data_schema"].schema["resource"].config["options"]
    assert {option["value"] for option in options} >= {"5750", "5850", "5851"}
    assert "5805" not in {option["value"] for option in options}  # read-only
    result = await _submit(hass, result, {"resource": "5750"})
    assert result["step_id"] == "rules_add"
    assert result["description_placeholders"] == {
        "resource": "5750 Application Type",
        "object": "3311 Light Control",
    }

    def rule(kind: str, operator: str, value: str, group: int) -> dict[str, Any]:
        return {"group": group, "rule_type": kind, "operator": operator, "value": value}

    result = await _submit(hass, result, rule("regex", "greater", ".*asd", 1))
    assert result["errors"] == {"operator": "operator_not_for_type"}
    result = await _submit(hass, result, rule("number", "equals", "ten", 1))
    assert result["errors"] == {"value": "invalid_number"}
    result = await _submit(hass, result, rule("string", "not_equals", "test", 1))
    result = await _submit(hass, result, rule("regex", "equals", ".*asd", 2))
    result = await _submit(hass, result, rule("object_link", "equals", "/3/0/15", 2))
    result = await _submit(hass, result, rule("number", "greater", "3", 3))
    assert result["description_placeholders"]["rules"] == (
        '1. text ≠ "test"\n2. regular expression ~ ".*asd" ∧ object link = /3/0/15\n3. number > 3'
    )
    labels = [
        option["label"] for option in result["data_schema"].schema["remove"].config["options"]
    ]
    assert labels[-1] == "3: number > 3"
    result = await _submit(hass, result, {"group": 1, "remove": ["2:0"]})
    assert result["step_id"] == "rules_edit"
    result = await _submit(hass, result, {"group": 1})
    assert result["step_id"] == "protocol_object_configured"
    saved = loaded_entry.runtime_data.storage.protocols.get(3311).settings(5750)
    assert saved.rules == RuleSet(
        (
            (ValidationRule(RuleType.STRING, Operator.NOT_EQUALS, "test"),),
            (
                ValidationRule(RuleType.REGEX, Operator.EQUALS, ".*asd"),
                ValidationRule(RuleType.OBJECT_LINK, Operator.EQUALS, "/3/0/15"),
            ),
        )
    )
    # Editing again starts from the saved rules.
    result = await _object(hass, loaded_entry, 3311)
    # 5750's entity is disabled by default, so the protocol made from the defaults hides it.
    assert "- 5750 Application Type: validation" in result["description_placeholders"]["summary"]
    result = await _submit(hass, result, {"next_step_id": "rules_pick"})
    result = await _submit(hass, result, {"resource": "5750"})
    assert result["description_placeholders"]["rules"].startswith('1. text ≠ "test"')


async def test_export_writes_a_file_under_the_config_directory(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, tmp_path: FsPath
) -> None:
    hass.config.config_dir = str(tmp_path)
    result = await _start(hass, loaded_entry, "export_protocols")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_protocols"

    settings = ResourceSettings(measurement=MeasurementSettings("c8y_T", "c8y_T.T"))
    loaded_entry.runtime_data.storage.protocols.objects[3303] = ObjectProtocol({5700: settings})
    result = await _start(hass, loaded_entry, "export_protocols")
    assert result["reason"] == "protocols_exported"
    assert result["description_placeholders"]["objects"] == "1 object"
    written = FsPath(result["description_placeholders"]["path"])
    assert written.parent == tmp_path / "lwm2m"
    document = json.loads(written.read_text(encoding="utf-8"))
    assert document["objects"]["3303"]["name"] == "Temperature"
    assert document["objects"]["3303"]["resources"]["5700"]["measurement"] == {
        "type": "c8y_T",
        "series": "c8y_T.T",
    }

    response = await hass.services.async_call(
        "lwm2m", "export_protocols", {}, blocking=True, return_response=True
    )
    assert response["objects"] == document["objects"]
    assert response["format"] == FORMAT


def _document(objects: dict[str, Any]) -> bytes:
    return json.dumps({"format": FORMAT, "version": VERSION, "objects": objects}).encode()


async def test_import_previews_then_commits(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, uploaded_file: Callable[[str, bytes], Any]
) -> None:
    storage = loaded_entry.runtime_data.storage
    storage.protocols.objects[3304] = ObjectProtocol({5700: ResourceSettings()})
    storage.protocols.objects[3311] = ObjectProtocol({5850: ResourceSettings()})
    content = _document(
        {
            "3303": {
                "name": "Temperature",
                "resources": {"5700": {"show": True, "event": {"type": "t", "text": "x"}}},
            },
            "3311": {"resources": {"5850": {"show": True, "observe": False}}},
            "30099": {"resources": {"1": {"show": True}}},
        }
    )
    result = await _start(hass, loaded_entry, "import_protocols")
    with uploaded_file("protocols.json", content) as file_id:
        result = await _submit(hass, result, {"file": file_id})
    assert result["step_id"] == "protocols_preview"
    assert result["description_placeholders"] == {
        "changes": "- Added: 3303 Temperature, 30099\n- Unchanged: 3311 Light Control\n"
        "- Kept as they are (not in the file): 3304 Humidity"
    }
    assert storage.protocols.get(3303) is None
    result = await _submit(hass, result, {})
    assert result["reason"] == "protocols_imported"
    assert result["description_placeholders"] == {"changes": "3303 Temperature, 30099 added"}
    await hass.async_block_till_done()
    assert storage.protocols.get(3303).settings(5700).event == EventSettings("t", "x")
    assert storage.protocols.get(3304) is not None
    assert hass.states.get("event.dev_1_temperature_sensor_value_events") is not None


@pytest.mark.parametrize(
    ("content", "error", "detail"),
    [
        (b"{not json", "protocol_file_not_json", "Expecting property name"),
        (_document({"3303": {"resources": {"5700": {"shw": 1}}}}), "protocol_file_invalid", "shw"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "file_too_large", ""),
    ],
)
async def test_import_refuses_bad_files(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    content: bytes,
    error: str,
    detail: str,
) -> None:
    result = await _start(hass, loaded_entry, "import_protocols")
    with uploaded_file("protocols.json", content) as file_id:
        result = await _submit(hass, result, {"file": file_id})
    assert result["step_id"] == "import_protocols"
    assert result["errors"] == {"file": error}
    assert detail in result["description_placeholders"]["detail"]
