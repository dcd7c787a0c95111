"""Typed LwM2M values and measurement parsing."""

from __future__ import annotations

import math
import re
from typing import NamedTuple


class ObjectLink(NamedTuple):
    """An Objlnk value: a reference to an object instance (``3:0``)."""

    object_id: int
    instance_id: int

    def __str__(self) -> str:
        return f"{self.object_id}:{self.instance_id}"


_HEXADECIMAL = re.compile(r"([+-]?)0[xX]([0-9a-fA-F]+)")
_LEADING_ZERO_INTEGER = re.compile(r"([+-]?)0([0-9]+)")
_DECIMAL_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL_FRACTION = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?")
_OCTAL_DIGITS = frozenset("01234567")
_MAX_DIGITS = 400  # far beyond any measurement; keeps int() away from its digit limit


def parse_measurement(value: str | int | float | bool) -> int | float:
    """A measurement's number, by Cumulocity's rules.

    * ``True``/``False`` and ``"true"``/``"false"`` (any case) are 1 and 0;
    * ints and finite floats are returned as they are;
    * in text, surrounding whitespace is ignored, and then:
      ``0x``/``0X`` starts a hexadecimal integer (``"0x23F3D5C1"``, ``"-0x42a3b3d1"``);
      an integer with a leading zero is octal (``"010"`` is 8, ``"-010"`` is -8), so a
      digit 8 or 9 after a leading zero (``"029"``, ``"-029"``) is an error, not decimal;
      ``"0"`` is zero; other integers are decimal; a number with a fraction or an
      exponent is a float (``"0.5"``, ``"1.23E10"``, ``"9.8e-4"``), never octal.

    Anything else (empty text, ``nan``, ``inf``, words) raises ValueError.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _finite(value, repr(value))
    if not isinstance(value, str):
        raise ValueError(f"a measurement is text or a number, got {type(value).__name__}")
    return _parse_text(value)


def _parse_text(value: str) -> int | float:
    text = value.strip()
    if not text:
        raise ValueError("a measurement cannot be empty")
    if len(text) > _MAX_DIGITS:
        raise ValueError(f"measurement {text[:20]!r}... is too long")
    if text.lower() in ("true", "false"):
        return int(text.lower() == "true")
    if match := _HEXADECIMAL.fullmatch(text):
        return _signed(match[1], int(match[2], 16))
    if match := _LEADING_ZERO_INTEGER.fullmatch(text):
        digits = match[2]
        if not set(digits) <= _OCTAL_DIGITS:
            raise ValueError(
                f"measurement {text!r} has a leading zero, so it is octal, "
                "and 8 and 9 are not octal digits"
            )
        return _signed(match[1], int(digits, 8))
    if _DECIMAL_INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL_FRACTION.fullmatch(text):
        return _finite(float(text), text)
    raise ValueError(f"measurement {text!r} is not a number")


def _signed(sign: str, magnitude: int) -> int:
    return -magnitude if sign == "-" else magnitude


def _finite(number: float, source: str) -> float:
    if not math.isfinite(number):
        raise ValueError(f"measurement {source} is not a finite number")
    return number
