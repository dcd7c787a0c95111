"""Plain text (0) and opaque (42): one value each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.lwm2m.engine import CodecError, ContentFormat, ObjectLink, Path
from custom_components.lwm2m.engine.codec import decode, encode
from tests.engine.codec.models import EMPTY_MODEL, MODEL, TYPES_OBJECT_ID

TEXT = ContentFormat.TEXT
OPAQUE = ContentFormat.OPAQUE
O = TYPES_OBJECT_ID  # noqa: E741


@pytest.mark.parametrize(
    ("resource", "value", "text"),
    [
        (0, "  Acme\n", "  Acme\n"),
        (1, -42, "-42"),
        (2, 18446744073709551615, "18446744073709551615"),
        (3, 21.5, "21.5"),
        (3, 1e16, "1e+16"),
        (4, True, "1"),
        (4, False, "0"),
        (6, datetime.fromtimestamp(1367491215, UTC), "1367491215"),
        (7, ObjectLink(3, 0), "3:0"),
        (8, '</3/0>;rt="x"', '</3/0>;rt="x"'),
    ],
)
def test_values_as_text(resource: int, value: object, text: str) -> None:
    path = Path.of(O, 0, resource)
    assert encode(TEXT, path, {path: value}, MODEL) == text.encode()
    assert decode(TEXT, path, text.encode(), MODEL) == {path: value}


@pytest.mark.parametrize(
    ("resource", "text", "value"),
    [
        (1, " +7\n", 7),
        (3, "3", 3.0),
        (3, "-.5e-3", -0.0005),
        (3, "5.", 5.0),
        (6, "0", datetime(1970, 1, 1, tzinfo=UTC)),
        (4, " 1 ", True),
    ],
)
def test_lenient_text_numbers(resource: int, text: str, value: object) -> None:
    path = Path.of(O, 0, resource)
    decoded = decode(TEXT, path, text.encode(), MODEL)[path]
    assert decoded == value
    assert type(decoded) is type(value)


@pytest.mark.parametrize(
    ("resource", "text", "message"),
    [
        (1, "1.0", "expected an integer"),
        (1, "1_000", "expected an integer"),
        (1, "٣", "expected an integer"),
        (1, "9" * 500, "expected an integer"),
        (1, "9223372036854775808", "outside"),
        (2, "-1", "outside"),
        (3, "nan", "decimal number"),
        (3, "inf", "decimal number"),
        (3, "1e", "decimal number"),
        (4, "true", "'0' or '1'"),
        (4, "2", "'0' or '1'"),
        (5, "AAEC", "not carried as plain text"),
        (7, "3", "not an object link"),
        (7, "3:65536", "within 0..65535"),
    ],
)
def test_malformed_text(resource: int, text: str, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(TEXT, Path.of(O, 0, resource), text.encode(), MODEL)


def test_text_payload_must_be_utf8() -> None:
    with pytest.raises(CodecError, match="UTF-8"):
        decode(TEXT, Path.of(3, 0, 0), b"\xc3", MODEL)


def test_text_of_unknown_resources_is_a_string() -> None:
    assert decode(TEXT, Path.of(3, 0, 9), b"100", EMPTY_MODEL) == {Path.of(3, 0, 9): "100"}
    assert encode(TEXT, Path.of(9, 0, 1), {Path.of(9, 0, 1): 2.5}, EMPTY_MODEL) == b"2.5"


@pytest.mark.parametrize(
    ("path", "values", "message"),
    [
        (Path.of(3, 0), {Path.of(3, 0, 9): 1}, "single resource"),
        (Path.of(3, 0, 7), {Path.of(3, 0, 7, 0): 1}, "exactly one value"),
        (Path.of(3, 0, 9), {}, "exactly one value"),
        (Path.of(O, 0, 5), {Path.of(O, 0, 5): b"x"}, "not carried as plain text"),
        (Path.of(O, 0, 3), {Path.of(O, 0, 3): float("inf")}, "cannot carry inf"),
        (Path.of(O, 0, 3), {Path.of(O, 0, 3): float("nan")}, "cannot carry nan"),
        (Path.of(O, 0, 0), {Path.of(O, 0, 0): "\udc80"}, "UTF-8"),
    ],
)
def test_text_encoding_refuses(path: Path, values: dict[Path, object], message: str) -> None:
    with pytest.raises(CodecError, match=message):
        encode(TEXT, path, values, MODEL)


def test_text_decoding_needs_a_value_path() -> None:
    with pytest.raises(CodecError, match="single resource"):
        decode(TEXT, Path.of(3, 0), b"1", MODEL)


def test_opaque_carries_bytes() -> None:
    path = Path.of(O, 0, 5)
    assert encode(OPAQUE, path, {path: b"\x00\xff"}, MODEL) == b"\x00\xff"
    assert decode(OPAQUE, path, bytearray(b"\x00\xff"), MODEL) == {path: b"\x00\xff"}
    unknown = Path.of(5, 0, 0)
    assert decode(OPAQUE, unknown, b"fw", EMPTY_MODEL) == {unknown: b"fw"}


@pytest.mark.parametrize(
    ("path", "values", "message"),
    [
        (Path.of(O, 0), {Path.of(O, 0, 5): b"x"}, "single resource"),
        (Path.of(O, 0, 0), {Path.of(O, 0, 0): "x"}, "not String"),
        (Path.of(O, 0, 105), {Path.of(O, 0, 105, 0): b"x"}, "exactly one value"),
        (Path.of(9, 0, 0), {Path.of(9, 0, 0): "text"}, "carries bytes"),
    ],
)
def test_opaque_refuses(path: Path, values: dict[Path, object], message: str) -> None:
    with pytest.raises(CodecError, match=message):
        encode(OPAQUE, path, values, MODEL)


@pytest.mark.parametrize(
    ("path", "message"),
    [(Path.of(O, 0), "single resource"), (Path.of(O, 0, 0), "not String")],
)
def test_opaque_decoding_refuses(path: Path, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(OPAQUE, path, b"x", MODEL)
