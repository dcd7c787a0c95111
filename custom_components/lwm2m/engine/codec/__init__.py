"""LwM2M content formats behind one facade.

``decode(fmt, path, payload, model)`` turns the payload of a request on ``path`` into
``{Path: value}`` and ``encode(fmt, path, values, model)`` does the reverse. Value keys
are absolute resource paths, or resource-instance paths for a multiple resource's
instances; ``{Path.of(3, 0, 7): []}`` stands for a multiple resource with no instances
(see :mod:`.entries`). Types come from ``model``; values of resources it does not know
decode as their format presents them (numbers as numbers, TLV and opaque values as
``bytes``, plain text as ``str``) and encode by their Python type (see :mod:`.conversion`).
Link format decodes to ``{Path: params}`` and encodes from it.

Every malformed payload, and every value that does not fit its type or format, raises
:class:`CodecError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from ..model.types import ObjectLookup
from ..path import Path
from . import link_format as link_format_codec
from . import lwm2m_cbor, lwm2m_json, opaque, senml_cbor, senml_json, text, tlv
from .base import CodecError, ContentFormat
from .conversion import type_name
from .entries import TimedValue
from .link_format import Link, format_link_format, parse_link_format
from .tlv import encode_empty_instance

__all__ = [
    "SUPPORTED_FORMATS",
    "CodecError",
    "ContentFormat",
    "Link",
    "TimedValue",
    "decode",
    "decode_paths",
    "decode_timestamped",
    "encode",
    "encode_empty_instance",
    "encode_paths",
    "encode_timestamped",
    "format_link_format",
    "parse_link_format",
]

Decoder = Callable[[Path, bytes, ObjectLookup | None], dict[Path, Any]]
Encoder = Callable[[Path, Mapping[Path, Any], ObjectLookup | None], bytes]
TimedDecoder = Callable[[Path, bytes, ObjectLookup | None], list[TimedValue]]
TimedEncoder = Callable[[Path, Iterable[TimedValue], ObjectLookup | None], bytes]


class _Codec(NamedTuple):
    decode: Decoder
    encode: Encoder


class _TimedCodec(NamedTuple):
    decode: TimedDecoder
    encode: TimedEncoder


class _PathListCodec(NamedTuple):
    decode: Callable[[bytes], list[Path]]
    encode: Callable[[Iterable[Path]], bytes]


_CODECS: dict[ContentFormat, _Codec] = {
    ContentFormat.TEXT: _Codec(text.decode, text.encode),
    ContentFormat.LINK_FORMAT: _Codec(link_format_codec.decode, link_format_codec.encode),
    ContentFormat.OPAQUE: _Codec(opaque.decode, opaque.encode),
    ContentFormat.SENML_JSON: _Codec(senml_json.decode, senml_json.encode),
    ContentFormat.SENML_CBOR: _Codec(senml_cbor.decode, senml_cbor.encode),
    ContentFormat.TLV: _Codec(tlv.decode, tlv.encode),
    ContentFormat.LWM2M_JSON: _Codec(lwm2m_json.decode, lwm2m_json.encode),
    ContentFormat.LWM2M_CBOR: _Codec(lwm2m_cbor.decode, lwm2m_cbor.encode),
}
_TIMED_CODECS: dict[ContentFormat, _TimedCodec] = {
    ContentFormat.SENML_JSON: _TimedCodec(
        senml_json.decode_timestamped, senml_json.encode_timestamped
    ),
    ContentFormat.SENML_CBOR: _TimedCodec(
        senml_cbor.decode_timestamped, senml_cbor.encode_timestamped
    ),
    ContentFormat.LWM2M_JSON: _TimedCodec(
        lwm2m_json.decode_timestamped, lwm2m_json.encode_timestamped
    ),
}
_PATH_LIST_CODECS: dict[ContentFormat, _PathListCodec] = {
    ContentFormat.SENML_JSON: _PathListCodec(senml_json.decode_paths, senml_json.encode_paths),
    ContentFormat.SENML_CBOR: _PathListCodec(senml_cbor.decode_paths, senml_cbor.encode_paths),
    ContentFormat.LWM2M_CBOR: _PathListCodec(lwm2m_cbor.decode_paths, lwm2m_cbor.encode_paths),
}

SUPPORTED_FORMATS: frozenset[ContentFormat] = frozenset(_CODECS)
"""Every content format ``decode`` and ``encode`` handle."""

TIMESTAMPED_FORMATS: frozenset[ContentFormat] = frozenset(_TIMED_CODECS)
"""The formats that carry a time with each value."""

PATH_LIST_FORMATS: frozenset[ContentFormat] = frozenset(_PATH_LIST_CODECS)
"""The formats that carry the path lists of composite requests."""


def _content_format(fmt: ContentFormat | int) -> ContentFormat:
    known = _BY_NUMBER.get(fmt) if type(fmt) is int else None
    if known is not None:
        return known
    if isinstance(fmt, bool) or not isinstance(fmt, int):
        raise CodecError(f"a content format is an int, got {type_name(fmt)}")
    try:
        return ContentFormat(fmt)
    except ValueError:
        raise CodecError(f"unsupported content format {fmt}") from None


_BY_NUMBER: dict[int, ContentFormat] = {int(fmt): fmt for fmt in ContentFormat}


def _request_path(path: Path) -> Path:
    if not isinstance(path, Path):
        raise CodecError(f"the request path must be a Path, got {type_name(path)}")
    return path


def _payload(payload: bytes) -> bytes:
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise CodecError(f"a payload is bytes, got {type_name(payload)}")
    return bytes(payload)


def decode(
    fmt: ContentFormat | int, path: Path, payload: bytes, model: ObjectLookup | None
) -> dict[Path, Any]:
    """Decode the payload of a request on ``path`` into ``{Path: value}``."""
    codec = _CODECS[_content_format(fmt)]
    return codec.decode(_request_path(path), _payload(payload), model)


def encode(
    fmt: ContentFormat | int, path: Path, values: Mapping[Path, Any], model: ObjectLookup | None
) -> bytes:
    """Encode ``values`` (absolute paths within ``path``) as the payload for ``path``."""
    codec = _CODECS[_content_format(fmt)]
    return codec.encode(_request_path(path), values, model)


def decode_timestamped(
    fmt: ContentFormat | int, path: Path, payload: bytes, model: ObjectLookup | None
) -> list[TimedValue]:
    """Every value with its time, in payload order, repeated paths kept (Send, history).

    Formats without times give each value a time of None.
    """
    content_format = _content_format(fmt)
    if content_format is ContentFormat.LINK_FORMAT:
        raise CodecError("link format carries no values")
    if content_format in _TIMED_CODECS:
        codec = _TIMED_CODECS[content_format]
        return codec.decode(_request_path(path), _payload(payload), model)
    values = decode(content_format, path, payload, model)
    return [TimedValue(value_path, value) for value_path, value in values.items()]


def encode_timestamped(
    fmt: ContentFormat | int, path: Path, values: Iterable[TimedValue], model: ObjectLookup | None
) -> bytes:
    """Encode timed values; formats without times accept only untimed, distinct paths."""
    content_format = _content_format(fmt)
    if content_format is ContentFormat.LINK_FORMAT:
        raise CodecError("link format carries no values")
    if content_format in _TIMED_CODECS:
        return _TIMED_CODECS[content_format].encode(_request_path(path), values, model)
    untimed: dict[Path, Any] = {}
    for record in values:
        if not isinstance(record, TimedValue):
            raise CodecError(f"expected TimedValue records, got {type_name(record)}")
        if record.time is not None:
            raise CodecError(f"{content_format.name} carries no times")
        if record.path in untimed:
            raise CodecError(f"{record.path} appears twice; {content_format.name} has no history")
        untimed[record.path] = record.value
    return encode(content_format, path, untimed, model)


def _path_list_codec(fmt: ContentFormat | int) -> _PathListCodec:
    content_format = _content_format(fmt)
    if content_format not in _PATH_LIST_CODECS:
        raise CodecError(f"{content_format.name} carries no composite path lists")
    return _PATH_LIST_CODECS[content_format]


def encode_paths(fmt: ContentFormat | int, paths: Iterable[Path]) -> bytes:
    """The payload of a Read-Composite or Observe-Composite request for ``paths``."""
    return _path_list_codec(fmt).encode(paths)


def decode_paths(fmt: ContentFormat | int, payload: bytes) -> list[Path]:
    """The paths a composite request's payload names."""
    return _path_list_codec(fmt).decode(_payload(payload))
