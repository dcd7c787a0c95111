"""Turning response and Send payloads into values, whatever format they came in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..codec import (
    TIMESTAMPED_FORMATS,
    CodecError,
    ContentFormat,
    TimedValue,
    decode,
    decode_timestamped,
)
from ..codec.conversion import resource_definition
from ..model.types import ObjectLookup
from ..path import Path

RELATIVE_TIME_LIMIT = 2**28


def is_single_value(model: ObjectLookup | None, path: Path) -> bool:
    """True when ``path`` names one value: a resource instance or a single resource."""
    if path.is_resource_instance:
        return True
    if not path.is_resource:
        return False
    definition = resource_definition(model, path)
    return definition is None or not definition.multiple


def assumed_format(content_format: int | None, single: bool) -> int:
    """A payload without Content-Format is plain text for one value, TLV otherwise."""
    if content_format is not None:
        return content_format
    return int(ContentFormat.TEXT if single else ContentFormat.TLV)


def decode_values(
    content_format: int | None, path: Path, payload: bytes, model: ObjectLookup | None
) -> dict[Path, Any]:
    """Values of a response; CodecError for anything undecodable (format included)."""
    fmt = assumed_format(content_format, is_single_value(model, path))
    if fmt in TIMESTAMPED_FORMATS:
        return latest(decode_timestamped(fmt, path, payload, model))
    return decode(fmt, path, payload, model)


def decode_history(
    content_format: int | None,
    path: Path,
    payload: bytes,
    model: ObjectLookup | None,
    now: float,
) -> tuple[dict[Path, Any], tuple[TimedValue, ...]]:
    """Latest values plus, for payloads with times, every value at its absolute time.

    Every notification comes this way: the model is asked about the path only when the
    payload does not say its format, and one record without a time (SenML's usual
    notification of one resource) is its own latest value.
    """
    if content_format is None:
        fmt = assumed_format(None, is_single_value(model, path))
    else:
        fmt = content_format
    if fmt not in TIMESTAMPED_FORMATS:
        return decode(fmt, path, payload, model), ()
    timed = decode_timestamped(fmt, path, payload, model)
    if len(timed) == 1 and timed[0].time is None:
        return {timed[0].path: timed[0].value}, ()
    if all(record.time is None for record in timed):
        return latest(timed), ()
    history = tuple(absolute(timed, now))
    return latest(history), history


def latest(records: Iterable[TimedValue]) -> dict[Path, Any]:
    """One value per path: the one with the newest time (the last one among equals)."""
    best: dict[Path, TimedValue] = {}
    for record in records:
        current = best.get(record.path)
        if current is None or _time(record) >= _time(current):
            best[record.path] = record
    return {path: record.value for path, record in best.items()}


def _time(record: TimedValue) -> float:
    return float("-inf") if record.time is None else record.time


def absolute(records: Iterable[TimedValue], now: float) -> list[TimedValue]:
    """SenML times as Unix seconds: small ones are relative to ``now``; none means now."""
    resolved = []
    for record in records:
        time = record.time
        if time is None:
            time = now
        elif time < RELATIVE_TIME_LIMIT:
            time = now + time
        resolved.append(TimedValue(record.path, record.value, time))
    return resolved


__all__ = ["CodecError", "absolute", "decode_history", "decode_values", "is_single_value"]
