"""What a DDF ``RangeEnumeration`` text says about a resource's values.

The text is free-form in practice. This module recognises two shapes and leaves
everything else alone (the text itself is always kept in ``ResourceDef.range_enumeration``):

* a range, ``0..100``, ``-1..1``, ``0.0..86400.0`` (``...`` is accepted as a separator).
  On Integer, Unsigned Integer and Float resources it becomes ``value_range``; bounds
  written without a decimal point stay exact integers. A range whose low end exceeds
  its high end is ignored.
* a list of values separated by commas or semicolons, ``5, 10, 15, 20`` or ``"on","off"``,
  or one ``value: label`` pair per line. It becomes ``enumeration``, the values as written.
  Numeric resources only take lists of numbers; String resources take quoted or bare words.

On String and Opaque resources numbers describe lengths, not values (``0..255``,
``10,26``), so they never become ``value_range`` or ``enumeration`` there.

A unit after a range, as in ``0..255 bytes`` or ``1..64 Bytes``, says the numbers measure
something other than the value (the length in bytes of a string or opaque value), so such
a text never becomes ``value_range``, whatever the resource type. A lone number (``255``,
``12``) is ambiguous (a maximum, a fixed length, the only value) and is left alone too.
"""

from __future__ import annotations

import re

from .types import ResourceType, ValueRange

_NUMBER = r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_RANGE = re.compile(
    rf"(?P<low>{_NUMBER})\s*\.{{2,3}}\s*(?P<high>{_NUMBER})(?:\s*(?P<unit>[A-Za-z]+))?", re.ASCII
)
_NUMBER_ONLY = re.compile(_NUMBER, re.ASCII)
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_WORD = re.compile(r"[^\s\"',;]+(?: [^\s\"',;]+)*")
_LABELLED = re.compile(rf"\s*(?P<value>{_NUMBER})\s*:\s*\S.*", re.ASCII)
_NO_CONSTRAINTS: tuple[ValueRange | None, tuple[str, ...]] = (None, ())


def tidy_range_text(text: str) -> str:
    """Strip each line, drop blank ones: indentation from the XML file is not content."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def parse_range_enumeration(
    text: str, resource_type: ResourceType
) -> tuple[ValueRange | None, tuple[str, ...]]:
    """``(value_range, enumeration)`` for a resource of ``resource_type``."""
    text = text.strip()
    if not text:
        return _NO_CONSTRAINTS
    value_range = _value_range(text, resource_type)
    if value_range is not None:
        return value_range, ()
    return None, _enumeration(text, resource_type)


def _number(text: str) -> int | float:
    if any(mark in text for mark in ".eE"):
        return float(text)
    return int(text)


def _value_range(text: str, resource_type: ResourceType) -> ValueRange | None:
    match = _RANGE.fullmatch(text)
    if match is None or not resource_type.is_numeric or match["unit"] is not None:
        return None
    low, high = _number(match["low"]), _number(match["high"])
    if low > high:
        return None
    return ValueRange(low, high)


def _enumeration(text: str, resource_type: ResourceType) -> tuple[str, ...]:
    if resource_type.is_numeric:
        return _labelled_values(text) or _numeric_list(text)
    if resource_type is ResourceType.STRING:
        return _string_list(text)
    return ()


def _labelled_values(text: str) -> tuple[str, ...]:
    matches = [_LABELLED.fullmatch(line) for line in text.splitlines()]
    if all(matches):
        return tuple(match["value"] for match in matches if match is not None)
    return ()


def _split_list(text: str) -> list[str] | None:
    items = [item.strip() for item in re.split(r"[,;]", text)]
    if len(items) < 2 or not all(items):
        return None
    return items


def _unquoted(item: str) -> str | None:
    match = _QUOTED.fullmatch(item)
    if match is None:
        return None
    return match[1] if match[1] is not None else match[2]


def _numeric_list(text: str) -> tuple[str, ...]:
    items = _split_list(text)
    if items is None:
        return ()
    values = [_unquoted(item) or item for item in items]
    if all(_NUMBER_ONLY.fullmatch(value) for value in values):
        return tuple(values)
    return ()


def _string_list(text: str) -> tuple[str, ...]:
    items = _split_list(text)
    if items is None or all(_NUMBER_ONLY.fullmatch(item) for item in items):
        return ()
    values: list[str] = []
    for item in items:
        quoted = _unquoted(item)
        if quoted is not None:
            values.append(quoted)
        elif _WORD.fullmatch(item) and ".." not in item:
            values.append(item)
        else:
            return ()
    return tuple(values)
