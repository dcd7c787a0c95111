"""The codec facade: dispatch by content format, argument checks, timed values."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.lwm2m.engine import CodecError, ContentFormat, Path, codec
from custom_components.lwm2m.engine.codec import (
    SUPPORTED_FORMATS,
    TimedValue,
    decode,
    decode_paths,
    decode_timestamped,
    encode,
    encode_paths,
    encode_timestamped,
)
from tests.engine.codec.models import MODEL

BATTERY = Path.of(3, 0, 9)


def test_every_content_format_is_supported() -> None:
    assert set(ContentFormat) == SUPPORTED_FORMATS
    timed = {ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_JSON}
    assert timed == codec.TIMESTAMPED_FORMATS
    path_lists = {ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR}
    assert path_lists == codec.PATH_LIST_FORMATS


def test_formats_may_be_given_as_plain_integers() -> None:
    assert encode(11542, BATTERY, {BATTERY: 100}, MODEL) == bytes.fromhex("C1 09 64")
    assert decode(0, BATTERY, b"100", MODEL) == {BATTERY: 100}
    assert decode(0, BATTERY, b"100", None) == {BATTERY: "100"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((50, BATTERY, b"1", MODEL), "unsupported content format 50"),
        (("0", BATTERY, b"1", MODEL), "content format is an int"),
        ((True, BATTERY, b"1", MODEL), "content format is an int"),
        ((0, "/3/0/9", b"1", MODEL), "request path must be a Path"),
        ((0, BATTERY, "1", MODEL), "payload is bytes"),
    ],
)
def test_decode_checks_its_arguments(arguments: tuple[Any, ...], message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(*arguments)


def test_encode_checks_its_arguments() -> None:
    with pytest.raises(CodecError, match="unsupported"):
        encode(1, BATTERY, {BATTERY: 1}, MODEL)
    with pytest.raises(CodecError, match="must be a Path"):
        encode(0, "/3/0/9", {BATTERY: 1}, MODEL)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fmt", [ContentFormat.TEXT, ContentFormat.TLV, ContentFormat.LWM2M_CBOR, ContentFormat.OPAQUE]
)
def test_formats_without_times_in_timed_calls(fmt: ContentFormat) -> None:
    path = Path.of(3, 0, 9) if fmt is not ContentFormat.OPAQUE else Path.of(5, 0, 0)
    value: object = 100 if fmt is not ContentFormat.OPAQUE else b"fw"
    payload = encode_timestamped(fmt, path, [TimedValue(path, value)], MODEL)
    assert decode_timestamped(fmt, path, payload, MODEL) == [TimedValue(path, value, None)]
    with pytest.raises(CodecError, match="carries no times"):
        encode_timestamped(fmt, path, [TimedValue(path, value, 5)], MODEL)
    with pytest.raises(CodecError, match="appears twice"):
        encode_timestamped(fmt, path, [TimedValue(path, value)] * 2, MODEL)
    with pytest.raises(CodecError, match="TimedValue"):
        encode_timestamped(fmt, path, [(path, value)], MODEL)  # type: ignore[list-item]


def test_link_format_has_no_timed_values_or_path_lists() -> None:
    with pytest.raises(CodecError, match="no values"):
        decode_timestamped(ContentFormat.LINK_FORMAT, Path(), b"</3>", MODEL)
    with pytest.raises(CodecError, match="no values"):
        encode_timestamped(ContentFormat.LINK_FORMAT, Path(), [], MODEL)
    with pytest.raises(CodecError, match="no composite path lists"):
        encode_paths(ContentFormat.TLV, [BATTERY])
    with pytest.raises(CodecError, match="no composite path lists"):
        decode_paths(ContentFormat.LWM2M_JSON, b"{}")


def test_codec_error_is_a_value_error() -> None:
    assert issubclass(CodecError, ValueError)
