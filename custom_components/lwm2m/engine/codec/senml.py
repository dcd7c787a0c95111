"""SenML records (RFC 8428) as LwM2M uses them, whatever the representation.

Format modules turn their document into a list of records keyed by the JSON labels
(``bn``, ``bt``, ``n``, ``t``, ``v``, ``vs``, ``vb``, ``vd`` as bytes, ``vlo``) and back;
this module resolves names and times and maps records to values.

* A base name (``bn``) or base time (``bt``) applies to its record and every later
  record until the next one; a path is base name + name; a time is base time + time.
* A record without a value field names a path only (composite requests); ``decode``
  skips such records.
* When ``decode`` meets the same path twice, the later record wins; ``decode_timestamped``
  keeps every record, in order.
* Labels ending in ``_`` must be understood (RFC 8428) and are refused; other unknown
  labels are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.types import ObjectLookup, ResourceType
from ..path import Path
from ..values import ObjectLink
from .base import CodecError
from .conversion import decode_value, parse_object_link, type_name, value_type
from .documents import decode_base64
from .entries import Entry, TimedValue, check_decoded_path, entries_of, prepare
from .names import base_and_names, resolve_name, resolve_time

VALUE_LABELS = ("v", "vs", "vb", "vd", "vlo")

Record = dict[str, object]


@dataclass(frozen=True, slots=True)
class ResolvedRecord:
    """A record with its name and time resolved; ``label`` is None when it has no value."""

    path: Path
    label: str | None
    value: object
    time: float | None


def _text(record: Mapping[str, object], label: str) -> str | None:
    if label not in record:
        return None
    value = record[label]
    if not isinstance(value, str):
        raise CodecError(f"SenML field {label!r} must be a string, got {type_name(value)}")
    return value


def _time(record: Mapping[str, object], label: str) -> float | None:
    if label not in record:
        return None
    value = record[label]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CodecError(f"SenML field {label!r} must be a number, got {type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise CodecError(f"SenML field {label!r} must be finite")
    return value


_VALUE_CHECKS: dict[str, tuple[tuple[type, ...], str]] = {
    "v": ((int, float), "a number"),
    "vs": ((str,), "a string"),
    "vb": ((bool,), "a boolean"),
    "vd": ((bytes,), "binary data"),
    "vlo": ((str,), "an object link string"),
}


def _value(record: Mapping[str, object], path: Path) -> tuple[str | None, object]:
    labels = [label for label in VALUE_LABELS if label in record]
    if not labels:
        return None, None
    if len(labels) > 1:
        raise CodecError(f"{path}: a record has several values ({', '.join(labels)})")
    label = labels[0]
    value = record[label]
    allowed, what = _VALUE_CHECKS[label]
    if not isinstance(value, allowed) or (label == "v" and isinstance(value, bool)):
        raise CodecError(f"{path}: SenML {label!r} must be {what}, got {type_name(value)}")
    if label == "vlo":
        return label, parse_object_link(str(value), path)
    return label, value


def resolve_records(records: Iterable[Mapping[str, object]]) -> list[ResolvedRecord]:
    base_name: str | None = None
    base_time: float | None = None
    resolved: list[ResolvedRecord] = []
    for record in records:
        for key in record:
            if key.endswith("_"):
                raise CodecError(f"SenML label {key[:20]!r} must be understood and is not")
        if "bn" in record:
            base_name = _text(record, "bn")
        if "bt" in record:
            base_time = _time(record, "bt")
        path = resolve_name(base_name, _text(record, "n"))
        label, value = _value(record, path)
        resolved.append(
            ResolvedRecord(path, label, value, resolve_time(base_time, _time(record, "t")))
        )
    return resolved


def to_timed_values(
    request: Path,
    records: Iterable[ResolvedRecord],
    model: ObjectLookup | None,
    *,
    opaque_as_base64_text: bool = False,
) -> list[TimedValue]:
    timed: list[TimedValue] = []
    for record in records:
        if record.label is None:
            continue
        check_decoded_path(request, record.path)
        declared = value_type(model, record.path)
        raw = record.value
        if opaque_as_base64_text and declared is ResourceType.OPAQUE and isinstance(raw, str):
            raw = decode_base64(raw)
        timed.append(TimedValue(record.path, decode_value(declared, raw, record.path), record.time))
    return timed


# --- encoding -------------------------------------------------------------------------


def timed_entries(
    request: Path, values: Iterable[TimedValue], model: ObjectLookup | None
) -> list[tuple[Entry, float | None]]:
    """Check timed values for encoding; the same path may appear several times."""
    checked: list[tuple[Entry, float | None]] = []
    for timed in values:
        if not isinstance(timed, TimedValue):
            raise CodecError(f"expected TimedValue records, got {type_name(timed)}")
        if timed.time is not None:
            _time({"t": timed.time}, "t")
        for entry in entries_of(prepare(request, {timed.path: timed.value}, model)):
            checked.append((entry, timed.time))
    return checked


def untimed_entries(
    request: Path, values: Mapping[Path, Any], model: ObjectLookup | None
) -> list[tuple[Entry, float | None]]:
    return [(entry, None) for entry in entries_of(prepare(request, values, model))]


def _value_label(value: object) -> str:
    if isinstance(value, bool):
        return "vb"
    if isinstance(value, str):
        return "vs"
    if isinstance(value, bytes):
        return "vd"
    if isinstance(value, ObjectLink):
        return "vlo"
    return "v"


def build_records(request: Path, entries: Sequence[tuple[Entry, float | None]]) -> list[Record]:
    """SenML records (JSON labels, ``vd`` as bytes) for entries under ``request``."""
    base_name, names = base_and_names(request, [entry.path for entry, _ in entries])
    records: list[Record] = []
    for (entry, time), name in zip(entries, names, strict=True):
        record: Record = {}
        if base_name is not None and not records:
            record["bn"] = base_name
        if name is not None:
            record["n"] = name
        label = _value_label(entry.value)
        record[label] = str(entry.value) if label == "vlo" else entry.value
        if time is not None:
            record["t"] = time
        records.append(record)
    return records


def path_records(paths: Iterable[Path]) -> list[Record]:
    """Records naming paths only, for Read-Composite and Observe-Composite requests."""
    records: list[Record] = []
    for path in paths:
        if not isinstance(path, Path):
            raise CodecError(f"expected Path objects, got {type_name(path)}")
        records.append({"n": str(path)})
    return records


@dataclass(frozen=True, slots=True)
class SenmlFormat:
    """A representation of SenML records: how to read and write its documents.

    ``load`` turns a payload into records keyed by the JSON labels (``vd`` as bytes);
    ``dump`` writes such records. ``opaque_as_base64_text`` makes a string value of an
    Opaque resource decode from base64 (LwM2M JSON carries Opaque that way).
    """

    load: Callable[[bytes], list[Record]]
    dump: Callable[[list[Record]], bytes]
    opaque_as_base64_text: bool = False

    def _timed(self, request: Path, payload: bytes, model: ObjectLookup | None) -> list[TimedValue]:
        records = resolve_records(self.load(payload))
        return to_timed_values(
            request, records, model, opaque_as_base64_text=self.opaque_as_base64_text
        )

    def decode(self, request: Path, payload: bytes, model: ObjectLookup | None) -> dict[Path, Any]:
        return {timed.path: timed.value for timed in self._timed(request, payload, model)}

    def decode_timestamped(
        self, request: Path, payload: bytes, model: ObjectLookup | None
    ) -> list[TimedValue]:
        return self._timed(request, payload, model)

    def decode_paths(self, payload: bytes) -> list[Path]:
        return [record.path for record in resolve_records(self.load(payload))]

    def encode(
        self, request: Path, values: Mapping[Path, Any], model: ObjectLookup | None
    ) -> bytes:
        return self.dump(build_records(request, untimed_entries(request, values, model)))

    def encode_timestamped(
        self, request: Path, values: Iterable[TimedValue], model: ObjectLookup | None
    ) -> bytes:
        return self.dump(build_records(request, timed_entries(request, values, model)))

    def encode_paths(self, paths: Iterable[Path]) -> bytes:
        return self.dump(path_records(paths))
