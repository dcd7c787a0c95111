"""Which content format a read is answered in, and the payload in that format."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from custom_components.lwm2m.engine import ContentFormat, ObjectLookup, Path
from custom_components.lwm2m.engine.codec import TimedValue, encode, encode_timestamped
from custom_components.lwm2m.engine.codec.senml import (
    Record,
    SenmlFormat,
    build_records,
    timed_entries,
    untimed_entries,
)
from custom_components.lwm2m.engine.codec.senml_cbor import SENML_CBOR
from custom_components.lwm2m.engine.codec.senml_json import SENML_JSON
from custom_components.lwm2m.engine.model.versions import version_key

from .quirks import BaseNameStyle, Quirks

TEXT = ContentFormat.TEXT
OPAQUE = ContentFormat.OPAQUE
TLV = ContentFormat.TLV
SENML_JSON_FORMAT = ContentFormat.SENML_JSON
SENML_CBOR_FORMAT = ContentFormat.SENML_CBOR
LWM2M_JSON = ContentFormat.LWM2M_JSON
LWM2M_CBOR = ContentFormat.LWM2M_CBOR

COMPOSITE_FORMATS = (SENML_JSON_FORMAT, SENML_CBOR_FORMAT, LWM2M_CBOR)
"""Formats that carry both composite path lists and values for any set of paths."""

_SENML: dict[ContentFormat, SenmlFormat] = {
    SENML_JSON_FORMAT: SENML_JSON,
    SENML_CBOR_FORMAT: SENML_CBOR,
}


class Target(Enum):
    """What a read returns, as far as choosing a format goes."""

    VALUE = "value"  # one value that is not Opaque
    OPAQUE_VALUE = "opaque value"
    VALUES = "values"  # an object, an instance or a multiple resource


def supported_formats(quirks: Quirks, lwm2m_version: str) -> tuple[int, ...]:
    if quirks.supported_formats is not None:
        return quirks.supported_formats
    formats: tuple[int, ...] = (TEXT, OPAQUE, TLV, SENML_JSON_FORMAT, SENML_CBOR_FORMAT)
    if version_key(lwm2m_version) >= (1, 2):
        formats += (LWM2M_CBOR,)
    return formats


def natural_format(lwm2m_version: str) -> ContentFormat:
    """What a client of that LwM2M version answers in when nothing else decides."""
    version = version_key(lwm2m_version)
    if version >= (1, 2):
        return LWM2M_CBOR
    if version >= (1, 1):
        return SENML_CBOR_FORMAT
    return TLV


def can_carry(fmt: int, target: Target) -> bool:
    if fmt == TEXT:
        return target is Target.VALUE
    if fmt == OPAQUE:
        return target is Target.OPAQUE_VALUE
    return fmt in (TLV, SENML_JSON_FORMAT, SENML_CBOR_FORMAT, LWM2M_JSON, LWM2M_CBOR)


class Outcome(Enum):
    ANSWER = "answer"
    NOT_ACCEPTABLE = "4.06"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class FormatChoice:
    """How to answer: in ``fmt``, with or without a Content-Format option; or not at all."""

    outcome: Outcome
    fmt: ContentFormat = TEXT
    content_format_option: bool = True


NOT_ACCEPTABLE = FormatChoice(Outcome.NOT_ACCEPTABLE)
DROP = FormatChoice(Outcome.DROP)


@dataclass(frozen=True, slots=True)
class FormatPolicy:
    """A device's format rules: its quirks and LwM2M version."""

    quirks: Quirks
    lwm2m_version: str

    @property
    def supported(self) -> tuple[int, ...]:
        return supported_formats(self.quirks, self.lwm2m_version)

    def for_read(self, accept: int | None, target: Target) -> FormatChoice:
        if accept is not None:
            if accept in self.supported and can_carry(accept, target):
                return FormatChoice(Outcome.ANSWER, ContentFormat(accept))
            if self.quirks.unsupported_accept == "drop":
                return DROP
            if self.quirks.unsupported_accept == "406":
                return NOT_ACCEPTABLE
        return self.default_for(target)

    def default_for(self, target: Target) -> FormatChoice:
        supported = self.supported
        if self.quirks.text_without_content_format and target is Target.VALUE and TEXT in supported:
            return FormatChoice(Outcome.ANSWER, TEXT, content_format_option=False)
        preferences: list[int] = []
        if self.quirks.default_format is not None:
            preferences.append(self.quirks.default_format)
        preferences += [natural_format(self.lwm2m_version), SENML_CBOR_FORMAT, SENML_JSON_FORMAT]
        preferences += [TLV, LWM2M_CBOR, LWM2M_JSON, TEXT, OPAQUE]
        for fmt in preferences:
            if fmt in supported and can_carry(fmt, target):
                return FormatChoice(Outcome.ANSWER, ContentFormat(fmt))
        return NOT_ACCEPTABLE

    def for_composite(self, accept: int | None, request_format: int | None) -> FormatChoice:
        wanted = accept if accept is not None else request_format
        usable = [fmt for fmt in COMPOSITE_FORMATS if fmt in self.supported]
        if wanted in usable:
            return FormatChoice(Outcome.ANSWER, ContentFormat(wanted))
        if accept is not None and self.quirks.unsupported_accept == "drop":
            return DROP
        if accept is not None and self.quirks.unsupported_accept == "ignore" and usable:
            return FormatChoice(Outcome.ANSWER, ContentFormat(usable[0]))
        return NOT_ACCEPTABLE


# --- payloads ---------------------------------------------------------------------------


def encode_values(
    fmt: ContentFormat,
    path: Path,
    values: Mapping[Path, Any],
    model: ObjectLookup | None,
    base_name: BaseNameStyle = "trailing",
) -> bytes:
    """``encode``, writing SenML base names in the device's style."""
    senml = _SENML.get(fmt)
    if senml is None or base_name == "trailing":
        return encode(fmt, path, values, model)
    records = build_records(path, untimed_entries(path, values, model))
    return senml.dump(_leading_base_name(records))


def encode_history(
    fmt: ContentFormat,
    path: Path,
    values: Iterable[TimedValue],
    model: ObjectLookup | None,
    base_name: BaseNameStyle = "trailing",
) -> bytes:
    """``encode_timestamped``, writing SenML base names in the device's style."""
    senml = _SENML.get(fmt)
    if senml is None or base_name == "trailing":
        return encode_timestamped(fmt, path, values, model)
    records = build_records(path, timed_entries(path, values, model))
    return senml.dump(_leading_base_name(records))


def _leading_base_name(records: list[Record]) -> list[Record]:
    """``bn:"/3/0/", n:"0"`` -> ``bn:"/3/0", n:"/0"``."""
    if not records:
        return records
    base_name = records[0].get("bn")
    if not isinstance(base_name, str) or not base_name.endswith("/") or base_name == "/":
        return records
    rewritten: list[Record] = []
    for record in records:
        record = dict(record)
        if "bn" in record:
            record["bn"] = base_name[:-1]
        name = record.get("n")
        if isinstance(name, str):
            record["n"] = "/" + name
        rewritten.append(record)
    return rewritten
