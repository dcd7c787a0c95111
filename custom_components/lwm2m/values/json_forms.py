"""LwM2M values as JSON: tagged for storage (exact round trip), plain for responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..engine import ObjectLink

_TIME = "time"
_OPAQUE = "opaque"
_OBJLNK = "objlnk"


def to_stored(value: Any) -> Any:
    """A JSON-safe form of an engine value that ``from_stored`` turns back into it."""
    if isinstance(value, datetime):
        return {_TIME: value.isoformat()}
    if isinstance(value, bytes):
        return {_OPAQUE: value.hex()}
    if isinstance(value, ObjectLink):
        return {_OBJLNK: [value.object_id, value.instance_id]}
    return value


def from_stored(data: Any) -> Any:
    """The engine value ``to_stored`` made ``data`` from."""
    if isinstance(data, dict) and len(data) == 1:
        ((tag, raw),) = data.items()
        if tag == _TIME:
            return datetime.fromisoformat(raw)
        if tag == _OPAQUE:
            return bytes.fromhex(raw)
        if tag == _OBJLNK:
            return ObjectLink(int(raw[0]), int(raw[1]))
    return data


def to_response(value: Any) -> Any:
    """How a value reads in an action response: times as ISO 8601, opaque as hex."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, ObjectLink):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_response(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_response(item) for key, item in value.items()}
    return value
