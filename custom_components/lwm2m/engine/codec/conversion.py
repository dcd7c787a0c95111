"""The rules that tie LwM2M resource types to Python values, shared by every format.

Decoded values are: ``int`` (Integer, Unsigned Integer), ``float`` (Float), ``bool``,
``str`` (String, Corelnk), ``bytes`` (Opaque), timezone-aware UTC ``datetime`` (Time)
and :class:`ObjectLink` (Objlnk).

Formats turn their wire representation into a *primitive* (int, float, bool, str,
bytes, ObjectLink or datetime) and hand it to :func:`decode_value`; for encoding,
:func:`encode_value` checks a caller's value and returns the primitive the format
writes (a Time always becomes integer seconds since the Unix epoch).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..model.types import ObjectLookup, ResourceDef, ResourceType
from ..path import MAX_ID, Path
from ..values import ObjectLink
from .base import CodecError

Primitive = int | float | bool | str | bytes | ObjectLink

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_SECOND = timedelta(seconds=1)
_OBJECT_LINK = re.compile(r"([0-9]{1,5}):([0-9]{1,5})", re.ASCII)


def resource_definition(model: ObjectLookup | None, path: Path) -> ResourceDef | None:
    """The definition of the resource ``path`` names, if the model knows it."""
    ids = path.ids  # read once: this runs for every value of every notification
    if model is None or len(ids) < 3:
        return None
    definition = model.get(ids[0])
    return None if definition is None else definition.resources.get(ids[2])


def value_type(model: ObjectLookup | None, path: Path) -> ResourceType | None:
    """The data type of the value at ``path``; None when unknown (or executable)."""
    definition = resource_definition(model, path)
    if definition is None or definition.type is ResourceType.NONE:
        return None
    return definition.type


def type_name(value: object) -> str:
    return type(value).__name__


def _as_int(value: object) -> int | None:
    """``value`` as a plain int when it is an int (bools are not), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    return None


def _as_float(value: object) -> float | None:
    """``value`` as a float when it is a float or an int (bools are not), else None."""
    if isinstance(value, float):
        return value
    number = _as_int(value)
    return None if number is None else float(number)


def _in_range(value: int, low: int, high: int, path: Path, what: str) -> int:
    if not low <= value <= high:
        # The value itself is left out: formatting a huge int can itself fail.
        raise CodecError(f"{path}: {what} is outside {low}..{high}")
    return value


def _integral(value: object, path: Path, what: str) -> int:
    """An int, or a float with no fractional part, as int."""
    number = _as_int(value)
    if number is not None:
        return number
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise CodecError(f"{path}: expected {what}, got {type_name(value)} {short_repr(value)}")


def short_repr(value: object) -> str:
    """A bounded repr for messages (never called with ints: huge ones cannot be printed)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- UTF-8 ---------------------------------------------------------------------------


def decode_utf8(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CodecError(f"{path}: text is not valid UTF-8") from None


def encode_utf8(text: str, path: Path) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise CodecError(f"{path}: text cannot be written as UTF-8") from None


# --- Time ---------------------------------------------------------------------------


def seconds_to_datetime(seconds: int, path: Path) -> datetime:
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        raise CodecError(f"{path}: time {seconds} is outside the datetime range") from None


def datetime_to_seconds(moment: datetime, path: Path) -> int:
    """Whole seconds since the Unix epoch (sub-second parts are dropped)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CodecError(f"{path}: a Time value must be a timezone-aware datetime")
    return (moment - _EPOCH) // _ONE_SECOND


# --- Objlnk -------------------------------------------------------------------------


def parse_object_link(text: str, path: Path) -> ObjectLink:
    """Parse ``"3:0"`` into ``ObjectLink(3, 0)``."""
    match = _OBJECT_LINK.fullmatch(text)
    if match is None:
        raise CodecError(f"{path}: {short_repr(text)} is not an object link like '3:0'")
    return _checked_link(ObjectLink(int(match[1]), int(match[2])), path)


def _checked_link(link: ObjectLink, path: Path) -> ObjectLink:
    ids = [_as_int(part) for part in link]
    if len(ids) != 2 or any(part is None or not 0 <= part <= MAX_ID for part in ids):
        raise CodecError(f"{path}: object link ids must be integers within 0..{MAX_ID}")
    return ObjectLink(link.object_id, link.instance_id)


# --- encoding: caller's value -> primitive --------------------------------------------


def _encode_integer(value: object, path: Path) -> int:
    number = _as_int(value)
    if number is None:
        raise CodecError(f"{path}: an Integer needs an int, got {type_name(value)}")
    return _in_range(number, INT64_MIN, INT64_MAX, path, "Integer")


def _encode_unsigned(value: object, path: Path) -> int:
    number = _as_int(value)
    if number is None:
        raise CodecError(f"{path}: an Unsigned Integer needs an int, got {type_name(value)}")
    return _in_range(number, 0, UINT64_MAX, path, "Unsigned Integer")


def _encode_float(value: object, path: Path) -> float:
    return _float_of(value, path, "a Float needs a float or int")


def _float_of(value: object, path: Path, expectation: str) -> float:
    try:
        number = _as_float(value)
    except OverflowError:
        raise CodecError(f"{path}: integer too large for a Float") from None
    if number is None:
        raise CodecError(f"{path}: {expectation}, got {type_name(value)}")
    return number


def _encode_boolean(value: object, path: Path) -> bool:
    if not isinstance(value, bool):
        raise CodecError(f"{path}: a Boolean needs a bool, got {type_name(value)}")
    return value


def _encode_string(value: object, path: Path) -> str:
    if not isinstance(value, str):
        raise CodecError(f"{path}: a String or Corelnk needs a str, got {type_name(value)}")
    return value


def _encode_opaque(value: object, path: Path) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise CodecError(f"{path}: an Opaque value needs bytes, got {type_name(value)}")
    return bytes(value)


def _encode_time(value: object, path: Path) -> int:
    seconds = datetime_to_seconds(value, path) if isinstance(value, datetime) else _as_int(value)
    if seconds is None:
        raise CodecError(f"{path}: a Time needs a datetime or int, got {type_name(value)}")
    return _in_range(seconds, INT64_MIN, INT64_MAX, path, "Time")


def _encode_object_link(value: object, path: Path) -> ObjectLink:
    if not isinstance(value, ObjectLink):
        raise CodecError(f"{path}: an Objlnk needs an ObjectLink, got {type_name(value)}")
    return _checked_link(value, path)


def _refuse_executable(value: object, path: Path) -> Primitive:
    raise CodecError(f"{path}: an executable resource carries no value")


_ENCODERS: dict[ResourceType, Callable[[object, Path], Primitive]] = {
    ResourceType.INTEGER: _encode_integer,
    ResourceType.UNSIGNED_INTEGER: _encode_unsigned,
    ResourceType.FLOAT: _encode_float,
    ResourceType.BOOLEAN: _encode_boolean,
    ResourceType.STRING: _encode_string,
    ResourceType.CORELNK: _encode_string,
    ResourceType.OPAQUE: _encode_opaque,
    ResourceType.TIME: _encode_time,
    ResourceType.OBJLNK: _encode_object_link,
    ResourceType.NONE: _refuse_executable,
}


def infer_type(value: object, path: Path) -> ResourceType:
    """The data type a value of a resource the model does not know is written as."""
    if isinstance(value, bool):
        return ResourceType.BOOLEAN
    if isinstance(value, int):
        return ResourceType.UNSIGNED_INTEGER if value > INT64_MAX else ResourceType.INTEGER
    if isinstance(value, float):
        return ResourceType.FLOAT
    if isinstance(value, str):
        return ResourceType.STRING
    if isinstance(value, bytes | bytearray | memoryview):
        return ResourceType.OPAQUE
    if isinstance(value, datetime):
        return ResourceType.TIME
    if isinstance(value, ObjectLink):
        return ResourceType.OBJLNK
    raise CodecError(f"{path}: cannot encode a value of type {type_name(value)}")


def encode_value(
    declared: ResourceType | None, value: object, path: Path
) -> tuple[ResourceType, Primitive]:
    """Check ``value`` against the declared type (inferred when None) -> (type, primitive)."""
    resource_type = infer_type(value, path) if declared is None else declared
    return resource_type, _ENCODERS[resource_type](value, path)


# --- decoding: primitive -> Python value --------------------------------------------


def _decode_integer(raw: object, path: Path) -> int:
    value = _integral(raw, path, "an integer")
    return _in_range(value, INT64_MIN, INT64_MAX, path, "Integer")


def _decode_unsigned(raw: object, path: Path) -> int:
    value = _integral(raw, path, "an unsigned integer")
    return _in_range(value, 0, UINT64_MAX, path, "Unsigned Integer")


def _decode_float(raw: object, path: Path) -> float:
    return _float_of(raw, path, "expected a number")


def _decode_boolean(raw: object, path: Path) -> bool:
    if not isinstance(raw, bool):
        raise CodecError(f"{path}: expected a boolean, got {type_name(raw)}")
    return raw


def _decode_string(raw: object, path: Path) -> str:
    if not isinstance(raw, str):
        raise CodecError(f"{path}: expected a string, got {type_name(raw)}")
    return raw


def _decode_opaque(raw: object, path: Path) -> bytes:
    if not isinstance(raw, bytes):
        raise CodecError(f"{path}: expected opaque bytes, got {type_name(raw)}")
    return raw


def _decode_time(raw: object, path: Path) -> datetime:
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)
    seconds = _integral(raw, path, "a time in whole seconds")
    return seconds_to_datetime(_in_range(seconds, INT64_MIN, INT64_MAX, path, "Time"), path)


def _decode_object_link(raw: object, path: Path) -> ObjectLink:
    if isinstance(raw, ObjectLink):
        return _checked_link(raw, path)
    if isinstance(raw, str):
        return parse_object_link(raw, path)
    raise CodecError(f"{path}: expected an object link, got {type_name(raw)}")


_DECODERS: dict[ResourceType, Callable[[object, Path], Any]] = {
    ResourceType.INTEGER: _decode_integer,
    ResourceType.UNSIGNED_INTEGER: _decode_unsigned,
    ResourceType.FLOAT: _decode_float,
    ResourceType.BOOLEAN: _decode_boolean,
    ResourceType.STRING: _decode_string,
    ResourceType.CORELNK: _decode_string,
    ResourceType.OPAQUE: _decode_opaque,
    ResourceType.TIME: _decode_time,
    ResourceType.OBJLNK: _decode_object_link,
}


def decode_value(declared: ResourceType | None, raw: object, path: Path) -> Any:
    """Turn a primitive a format produced into the Python value for the declared type.

    Values of unknown resources are returned as the format produced them.
    """
    if declared is None or declared is ResourceType.NONE:
        return raw
    return _DECODERS[declared](raw, path)
