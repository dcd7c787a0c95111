"""Device-management requests as plain data, so a queue of them can be saved and restored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ..path import Path
from ..values import ObjectLink

AttributeValue = int | float | None


class Operation(StrEnum):
    READ = "read"
    WRITE = "write"
    WRITE_ATTRIBUTES = "write_attributes"
    DISCOVER = "discover"
    EXECUTE = "execute"
    CREATE = "create"
    DELETE = "delete"
    OBSERVE = "observe"
    CANCEL_OBSERVATION = "cancel_observation"
    READ_COMPOSITE = "read_composite"
    OBSERVE_COMPOSITE = "observe_composite"
    WRITE_COMPOSITE = "write_composite"


@dataclass(frozen=True, slots=True)
class DeviceRequest:
    """One operation on one device, with everything needed to carry it out later."""

    operation: Operation
    path: Path = field(default_factory=Path)
    paths: tuple[Path, ...] = ()
    values: tuple[tuple[Path, Any], ...] = ()
    partial: bool = False
    content_format: int | None = None
    accept: int | None = None
    attributes: tuple[tuple[str, AttributeValue], ...] = ()
    arguments: str | None = None
    active: bool = False

    @property
    def value_map(self) -> dict[Path, Any]:
        return dict(self.values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form; ``from_dict`` reverses it."""
        data: dict[str, Any] = {"operation": self.operation.value, "path": str(self.path)}
        if self.paths:
            data["paths"] = [str(path) for path in self.paths]
        if self.values:
            data["values"] = [[str(path), _to_json(value)] for path, value in self.values]
        if self.partial:
            data["partial"] = True
        if self.active:
            data["active"] = True
        for name in ("content_format", "accept", "arguments"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.attributes:
            data["attributes"] = [[name, value] for name, value in self.attributes]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeviceRequest:
        """Rebuild a request; malformed data raises ValueError."""
        try:
            return cls(
                operation=Operation(data["operation"]),
                path=Path.parse(data.get("path", "/")),
                paths=tuple(Path.parse(text) for text in data.get("paths", ())),
                values=tuple(
                    (Path.parse(path), _from_json(value)) for path, value in data.get("values", ())
                ),
                partial=bool(data.get("partial", False)),
                content_format=_optional_int(data.get("content_format")),
                accept=_optional_int(data.get("accept")),
                attributes=tuple(
                    (str(name), _attribute(value)) for name, value in data.get("attributes", ())
                ),
                arguments=_optional_str(data.get("arguments")),
                active=bool(data.get("active", False)),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"malformed queued request: {error}") from None


def _optional_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _optional_str(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"expected text, got {value!r}")


def _attribute(value: object) -> AttributeValue:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise ValueError(f"an attribute value is a number or null, got {value!r}")


def _to_json(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, ObjectLink):
        return {"objlnk": [value.object_id, value.instance_id]}
    if isinstance(value, datetime):
        return {"time": value.isoformat()}
    if isinstance(value, list):
        return {"list": [_to_json(item) for item in value]}
    if isinstance(value, dict):
        raise ValueError("a value cannot be a mapping")
    return value


def _from_json(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "bytes" in value:
        return bytes.fromhex(value["bytes"])
    if "objlnk" in value:
        object_id, instance_id = value["objlnk"]
        return ObjectLink(int(object_id), int(instance_id))
    if "time" in value:
        return datetime.fromisoformat(value["time"])
    if "list" in value:
        return [_from_json(item) for item in value["list"]]
    raise ValueError(f"unknown tagged value {value!r}")
