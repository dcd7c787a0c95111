"""Plain text (content format 0): one resource or resource instance value as UTF-8 text.

Numbers are decimal (Time as integer seconds), Booleans ``0``/``1``, Objlnk ``3:0``.
Opaque values are not carried as text: use the opaque format (42). A value of a
resource the model does not know decodes as ``str``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ..model.types import ObjectLookup, ResourceType
from ..path import Path
from .base import CodecError
from .conversion import (
    decode_utf8,
    decode_value,
    encode_utf8,
    parse_object_link,
    short_repr,
    value_type,
)
from .entries import Entry, entries_of, prepare

_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_BOOLEANS = {"0": False, "1": True}
_INTEGER_TYPES = (ResourceType.INTEGER, ResourceType.UNSIGNED_INTEGER, ResourceType.TIME)


def _single_value_path(path: Path) -> None:
    if len(path) < 3:
        raise CodecError(f"{path}: plain text carries a single resource or resource instance")


def decode(path: Path, payload: bytes, model: ObjectLookup | None) -> dict[Path, Any]:
    _single_value_path(path)
    text = decode_utf8(bytes(payload), path)
    return {path: parse_text(value_type(model, path), text, path)}


def parse_text(declared: ResourceType | None, text: str, path: Path) -> Any:
    if declared is None or declared in (ResourceType.STRING, ResourceType.CORELNK):
        return text
    if declared is ResourceType.OPAQUE:
        raise CodecError(f"{path}: Opaque values are not carried as plain text")
    token = text.strip()
    raw: object
    if declared in _INTEGER_TYPES:
        raw = int(_matching(_INTEGER, token, path, "an integer"))
    elif declared is ResourceType.FLOAT:
        raw = float(_matching(_DECIMAL, token, path, "a decimal number"))
    elif declared is ResourceType.BOOLEAN:
        if token not in _BOOLEANS:
            raise CodecError(f"{path}: a Boolean is '0' or '1', got {short_repr(token)}")
        raw = _BOOLEANS[token]
    else:
        raw = parse_object_link(token, path)
    return decode_value(declared, raw, path)


def _matching(pattern: re.Pattern[str], token: str, path: Path, what: str) -> str:
    # Length bound: Python refuses to convert integer strings past a few thousand digits.
    if len(token) > 400 or pattern.fullmatch(token) is None:
        raise CodecError(f"{path}: expected {what}, got {short_repr(token)}")
    return token


def encode(path: Path, values: Mapping[Path, Any], model: ObjectLookup | None) -> bytes:
    _single_value_path(path)
    entries = entries_of(prepare(path, values, model))
    if len(entries) != 1 or entries[0].path != path:
        raise CodecError(f"{path}: plain text carries exactly one value, at the request path")
    return encode_utf8(format_text(entries[0]), path)


def format_text(entry: Entry) -> str:
    value = entry.value
    if entry.type is ResourceType.OPAQUE:
        raise CodecError(f"{entry.path}: Opaque values are not carried as plain text")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CodecError(f"{entry.path}: plain text cannot carry {value}")
        return repr(value)
    return str(value)
