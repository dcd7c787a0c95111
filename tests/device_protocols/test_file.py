"""The device protocol file: export, strict import validation, preview and merge."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path as FsPath
from typing import Any

import pytest

from custom_components.lwm2m.device_protocols.alarms import AlarmSettings, AlarmStatus, Severity
from custom_components.lwm2m.device_protocols.file import (
    FORMAT,
    VERSION,
    ProtocolFileError,
    export_document,
    export_text,
    merged,
    parse_document,
    preview,
)
from custom_components.lwm2m.device_protocols.raw_payload import payload_attributes
from custom_components.lwm2m.device_protocols.settings import (
    DeviceProtocols,
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

FULL = ResourceSettings(
    show=True,
    observe=True,
    pmin=10,
    pmax=60,
    gt=30.0,
    lt=5.0,
    st=0.5,
    measurement=MeasurementSettings("c8y_Temperature", "c8y_Temperature.T", "°C"),
    alarm=AlarmSettings(Severity.MAJOR, "overheat", AlarmStatus.ACTIVE, "Too hot", above=30.0),
    event=EventSettings("temperature_report", "Temperature received"),
    custom_action=True,
    rules=RuleSet(((ValidationRule(RuleType.STRING, Operator.NOT_EQUALS, "test"),),)),
)
PROTOCOLS = DeviceProtocols(
    {
        3303: ObjectProtocol({5700: FULL, 5750: ResourceSettings()}),
        3311: ObjectProtocol({5850: ResourceSettings(show=False, custom_action=True)}),
    }
)


def _names(object_id: int) -> str | None:
    return {3303: "Temperature"}.get(object_id)


def _file(protocols: DeviceProtocols = PROTOCOLS) -> dict[str, Any]:
    return export_document(protocols, _names, "2025-05-01T10:00:00+00:00")


def _bytes(document: dict[str, Any]) -> bytes:
    return export_text(document).encode()


def test_export_then_import_gives_the_same_protocols() -> None:
    document = _file()
    assert document["format"] == FORMAT
    assert document["version"] == VERSION
    assert document["objects"]["3303"]["name"] == "Temperature"
    assert "name" not in document["objects"]["3311"]
    resource = document["objects"]["3303"]["resources"]["5700"]
    assert resource["alarm"] == {
        "severity": "MAJOR",
        "type": "overheat",
        "status": "ACTIVE",
        "text": "Too hot",
        "above": 30.0,
    }
    assert resource["validation"] == [
        [{"type": "string", "operator": "not_equals", "value": "test"}]
    ]
    imported = parse_document(_bytes(document))
    assert imported.to_dict() == PROTOCOLS.to_dict()
    assert imported.get(3303).settings(5700) == FULL


def test_a_byte_order_mark_is_fine() -> None:
    assert parse_document(b"\xef\xbb\xbf" + _bytes(_file())).to_dict() == PROTOCOLS.to_dict()


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"\xff\xfe{", "protocol_file_not_utf8"),
        (b"{nope", "protocol_file_not_json"),
        (b"[]", "protocol_file_wrong_format"),
        (b'{"format": "something else"}', "protocol_file_wrong_format"),
        (json.dumps({"format": FORMAT, "version": 2, "objects": {}}).encode(), None),
    ],
)
def test_files_that_are_not_protocol_exports(content: bytes, key: str | None) -> None:
    with pytest.raises(ProtocolFileError) as err:
        parse_document(content)
    assert err.value.key == (key or "protocol_file_wrong_version")


def _with_resource(resource: dict[str, Any], object_id: str = "3303") -> bytes:
    return json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "objects": {object_id: {"resources": {"5700": resource}}},
        }
    ).encode()


@pytest.mark.parametrize(
    ("resource", "object_id", "where"),
    [
        ({"shw": True}, "3303", "objects/3303/resources/5700/shw"),
        ({"pmin": -1}, "3303", "objects/3303/resources/5700/pmin"),
        ({"pmin": 60, "pmax": 10}, "3303", "pmin must not exceed pmax"),
        ({"gt": "30"}, "3303", "objects/3303/resources/5700/gt"),
        ({"gt": True}, "3303", "objects/3303/resources/5700/gt"),
        ({"measurement": {"type": "T"}}, "3303", "series"),
        ({"measurement": {"type": " ", "series": "s"}}, "3303", "type"),
        (
            {"alarm": {"severity": "HIGH", "type": "t", "status": "ACTIVE", "text": "x"}},
            "3303",
            "severity",
        ),
        ({"event": {"type": "t"}}, "3303", "text"),
        ({"custom_action": "yes"}, "3303", "custom_action"),
        (
            {"validation": [[{"type": "regex", "operator": "greater", "value": "x"}]]},
            "3303",
            "operator_not_for_type",
        ),
        (
            {"validation": [[{"type": "number", "operator": "equals", "value": "ten"}]]},
            "3303",
            "invalid_number",
        ),
        ({"show": True}, "0", "holds secrets"),
        ({"show": True}, "21", "holds secrets"),
        ({"show": True}, "x", "not an id"),
        ({"show": True}, "70000", "not an id"),
    ],
)
def test_invalid_settings_are_named(resource: dict[str, Any], object_id: str, where: str) -> None:
    with pytest.raises(ProtocolFileError) as err:
        parse_document(_with_resource(resource, object_id))
    assert err.value.key == "protocol_file_invalid"
    assert where in err.value.detail


def test_a_resource_id_must_be_a_number() -> None:
    content = json.dumps(
        {"format": FORMAT, "version": VERSION, "objects": {"3303": {"resources": {"a": {}}}}}
    ).encode()
    with pytest.raises(ProtocolFileError) as err:
        parse_document(content)
    assert "not an id" in err.value.detail


def test_preview_and_merge() -> None:
    current = DeviceProtocols(
        {
            3303: ObjectProtocol({5700: ResourceSettings(show=False)}),
            3311: PROTOCOLS.objects[3311],
            3304: ObjectProtocol({5700: ResourceSettings()}),
        }
    )
    imported = DeviceProtocols(
        {
            3303: PROTOCOLS.objects[3303],
            3311: PROTOCOLS.objects[3311],
            3342: ObjectProtocol({5500: ResourceSettings(observe=True)}),
        }
    )
    changes = preview(current, imported)
    assert (changes.added, changes.replaced, changes.unchanged, changes.kept) == (
        [3342],
        [3303],
        [3311],
        [3304],
    )
    result = merged(current, imported)
    assert sorted(result.objects) == [3303, 3304, 3311, 3342]
    assert result.objects[3303] == PROTOCOLS.objects[3303]
    assert result.objects[3304] == current.objects[3304]


def test_the_readme_example_imports() -> None:
    readme = (FsPath(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    protocols = parse_document(example.group(1).encode())
    settings = protocols.get(3303).settings(5700)
    assert settings.observation_attributes == {"pmin": 10, "pmax": 300, "gt": 30.0, "st": 0.5}
    assert len(protocols.get(3303).settings(5750).rules.groups) == 2


def test_raw_payload_of_other_values() -> None:
    assert payload_attributes(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))["hex"] == (
        b"2025-01-02T03:04:05+00:00".hex()
    )
    assert payload_attributes(21.5) == {
        "hex": b"21.5".hex(),
        "base64": "MjEuNQ==",
        "length": 4,
        "truncated": False,
    }
