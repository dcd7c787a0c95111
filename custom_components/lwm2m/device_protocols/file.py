"""Device protocols as a file: export, strict validation on import, and what an import changes.

The file is JSON::

    {"format": "lwm2m_device_protocols", "version": 1,
     "objects": {"3303": {"name": "Temperature", "resources": {"5700": {...}}}}}

``objects`` has the stored shape of ``protocols.py``; ``name`` is for the reader only.
Importing replaces the protocols of the objects the file has and keeps the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import voluptuous as vol

from .alarms import AlarmStatus, Severity
from .settings import PROTECTED_OBJECTS, DeviceProtocols
from .validation import Operator, RuleDefinitionError, RuleType, ValidationRule

FORMAT = "lwm2m_device_protocols"
VERSION = 1
MAX_ID = 65535


class ProtocolFileError(ValueError):
    """A file that cannot be imported; ``key`` names the translated reason."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise vol.Invalid("expected non-empty text")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise vol.Invalid("expected a number")
    return float(value)


def _period(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise vol.Invalid("expected a whole number of seconds")
    return int(value)


def _id_key(protected: frozenset[int] = frozenset()) -> Callable[[Any], str]:
    def _check(value: Any) -> str:
        if not isinstance(value, str) or not value.isdigit() or not 0 <= int(value) <= MAX_ID:
            raise vol.Invalid(f"{value!r} is not an id")
        if int(value) in protected:
            raise vol.Invalid(f"object {value} holds secrets and takes no protocol")
        return value

    return _check


def _rule(value: Any) -> dict[str, Any]:
    try:
        ValidationRule.from_dict(value)
    except RuleDefinitionError as err:
        raise vol.Invalid(f"rule {value}: {err}") from err
    return dict(value)


def _periods_in_order(value: dict[str, Any]) -> dict[str, Any]:
    pmin, pmax = value.get("pmin"), value.get("pmax")
    if pmin is not None and pmax is not None and pmin > pmax:
        raise vol.Invalid("pmin must not exceed pmax")
    return value


_RULE = vol.All(
    vol.Schema(
        {
            vol.Required("type"): vol.In([kind.value for kind in RuleType]),
            vol.Required("operator"): vol.In([operator.value for operator in Operator]),
            vol.Required("value"): str,
        }
    ),
    _rule,
)
_RESOURCE = vol.All(
    vol.Schema(
        {
            vol.Optional("show"): bool,
            vol.Optional("observe"): bool,
            vol.Optional("pmin"): _period,
            vol.Optional("pmax"): _period,
            vol.Optional("gt"): _number,
            vol.Optional("lt"): _number,
            vol.Optional("st"): _number,
            vol.Optional("measurement"): {
                vol.Required("type"): _text,
                vol.Required("series"): _text,
                vol.Optional("unit"): _text,
            },
            vol.Optional("alarm"): {
                vol.Required("severity"): vol.In([severity.value for severity in Severity]),
                vol.Required("type"): _text,
                vol.Required("status"): vol.In([status.value for status in AlarmStatus]),
                vol.Required("text"): _text,
                vol.Optional("above"): _number,
                vol.Optional("below"): _number,
            },
            vol.Optional("event"): {vol.Required("type"): _text, vol.Required("text"): _text},
            vol.Optional("custom_action"): bool,
            vol.Optional("validation"): [[_RULE]],
        }
    ),
    _periods_in_order,
)
_OBJECT = vol.Schema(
    {
        vol.Optional("name"): str,
        vol.Required("resources"): {_id_key(): _RESOURCE},
    }
)
DOCUMENT = vol.Schema(
    {
        vol.Required("format"): FORMAT,
        vol.Required("version"): VERSION,
        vol.Optional("exported_at"): str,
        vol.Required("objects"): {_id_key(PROTECTED_OBJECTS): _OBJECT},
    }
)


def export_document(
    protocols: DeviceProtocols, object_name: Callable[[int], str | None], exported_at: str
) -> dict[str, Any]:
    """The file's content for every configured object."""
    objects: dict[str, Any] = {}
    for object_id, data in protocols.to_dict()["objects"].items():
        name = object_name(int(object_id))
        objects[object_id] = data if name is None else {"name": name, **data}
    return {"format": FORMAT, "version": VERSION, "exported_at": exported_at, "objects": objects}


def export_text(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_document(content: bytes) -> DeviceProtocols:
    """The protocols in an exported file; raises ProtocolFileError."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise ProtocolFileError("protocol_file_not_utf8") from err
    except json.JSONDecodeError as err:
        raise ProtocolFileError("protocol_file_not_json", str(err)) from err
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProtocolFileError("protocol_file_wrong_format")
    if data.get("version") != VERSION:
        raise ProtocolFileError("protocol_file_wrong_version", str(data.get("version")))
    try:
        valid = DOCUMENT(data)
    except vol.Invalid as err:
        raise ProtocolFileError("protocol_file_invalid", _explain(err)) from err
    return DeviceProtocols.from_dict(valid)


def _explain(err: vol.Invalid) -> str:
    errors = err.errors if isinstance(err, vol.MultipleInvalid) else [err]
    return "; ".join(
        f"{'/'.join(str(part) for part in error.path)}: {error.msg}" for error in errors[:5]
    )


@dataclass(slots=True)
class ImportPreview:
    """Object ids an import adds, replaces, leaves as they are, and keeps untouched."""

    added: list[int] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)


def preview(current: DeviceProtocols, imported: DeviceProtocols) -> ImportPreview:
    result = ImportPreview()
    for object_id, protocol in sorted(imported.objects.items()):
        before = current.get(object_id)
        if before is None:
            result.added.append(object_id)
        elif before.to_dict() == protocol.to_dict():
            result.unchanged.append(object_id)
        else:
            result.replaced.append(object_id)
    result.kept = sorted(set(current.objects) - set(imported.objects))
    return result


def merged(current: DeviceProtocols, imported: DeviceProtocols) -> DeviceProtocols:
    return DeviceProtocols({**current.objects, **imported.objects})
