"""User input (action fields, shell arguments) to typed LwM2M values, checked by the DDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..engine import ObjectLink, ResourceDef, ResourceType

_TRUE = frozenset({"true", "1", "on", "yes"})
_FALSE = frozenset({"false", "0", "off", "no"})


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{raw!r} is not a boolean (true/false)")


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not an integer")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError(f"{raw!r} is not an integer")
        return int(raw)
    return int(str(raw).strip())


def _float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number")
    return float(str(raw).strip()) if not isinstance(raw, int | float) else float(raw)


def _time(raw: Any) -> datetime:
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    text = str(raw).strip()
    if text.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _opaque(raw: Any) -> bytes:
    if isinstance(raw, bytes):
        return raw
    return bytes.fromhex(str(raw).strip())


def _object_link(raw: Any) -> ObjectLink:
    object_id, _, instance_id = str(raw).strip().partition(":")
    return ObjectLink(int(object_id), int(instance_id))


def _unsigned(raw: Any) -> int:
    value = _integer(raw)
    if value < 0:
        raise ValueError(f"{value} is negative, the resource is unsigned")
    return value


_BY_TYPE: dict[ResourceType, Callable[[Any], Any]] = {
    ResourceType.STRING: str,
    ResourceType.CORELNK: str,
    ResourceType.INTEGER: _integer,
    ResourceType.UNSIGNED_INTEGER: _unsigned,
    ResourceType.FLOAT: _float,
    ResourceType.BOOLEAN: _boolean,
    ResourceType.TIME: _time,
    ResourceType.OPAQUE: _opaque,
    ResourceType.OBJLNK: _object_link,
}


def coerce(resource: ResourceDef | None, raw: Any) -> Any:
    """``raw`` as the resource's type; ValueError when it does not fit.

    Without a definition, text that reads as a number or boolean becomes one.
    """
    if resource is None:
        return _guess(raw)
    convert = _BY_TYPE.get(resource.type)
    if convert is None:
        raise ValueError(f"{resource.name} takes no value")
    value = convert(raw)
    limits = resource.value_range
    numeric = resource.type.is_numeric and limits is not None
    if numeric and limits is not None and not limits.minimum <= value <= limits.maximum:
        raise ValueError(f"{value} is outside {limits.minimum:g}..{limits.maximum:g}")
    return value


def _guess(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    for convert in (_integer, _float, _boolean):
        try:
            return convert(text)
        except ValueError:
            continue
    return raw
