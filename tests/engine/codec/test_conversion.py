"""The shared value rules: what each resource type accepts and gives back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from custom_components.lwm2m.engine import CodecError, ObjectLink, Path, ResourceType
from custom_components.lwm2m.engine.codec.conversion import (
    datetime_to_seconds,
    decode_utf8,
    decode_value,
    encode_utf8,
    encode_value,
    infer_type,
    parse_object_link,
    value_type,
)
from custom_components.lwm2m.engine.codec.entries import prepare
from tests.engine.codec.models import EMPTY_MODEL, MODEL, TYPES_OBJECT_ID

T = ResourceType
P = Path.of(3, 0, 9)
O = TYPES_OBJECT_ID  # noqa: E741
NEW_YEAR = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "value", "primitive"),
    [
        (T.INTEGER, -5, -5),
        (T.UNSIGNED_INTEGER, 2**64 - 1, 2**64 - 1),
        (T.FLOAT, 2.5, 2.5),
        (T.FLOAT, 3, 3.0),
        (T.BOOLEAN, True, True),
        (T.STRING, "x", "x"),
        (T.CORELNK, "</3>", "</3>"),
        (T.OPAQUE, bytearray(b"ab"), b"ab"),
        (T.OPAQUE, memoryview(b"ab"), b"ab"),
        (T.TIME, NEW_YEAR, 1704067200),
        (T.TIME, NEW_YEAR.astimezone(timezone(timedelta(hours=2))), 1704067200),
        (T.TIME, NEW_YEAR + timedelta(microseconds=999_999), 1704067200),
        (T.TIME, 1704067200, 1704067200),
        (T.OBJLNK, ObjectLink(3, 0), ObjectLink(3, 0)),
    ],
)
def test_encode_accepts(kind: ResourceType, value: object, primitive: object) -> None:
    assert encode_value(kind, value, P) == (kind, primitive)
    assert type(encode_value(kind, value, P)[1]) is type(primitive)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (T.INTEGER, True, "needs an int"),
        (T.INTEGER, 1.0, "needs an int"),
        (T.INTEGER, "1", "needs an int"),
        (T.INTEGER, 2**63, "outside"),
        (T.UNSIGNED_INTEGER, -1, "outside"),
        (T.UNSIGNED_INTEGER, 2**64, "outside"),
        (T.UNSIGNED_INTEGER, 1.0, "needs an int"),
        (T.FLOAT, "1.5", "needs a float"),
        (T.FLOAT, False, "needs a float"),
        (T.FLOAT, 10**400, "too large"),
        (T.BOOLEAN, 1, "needs a bool"),
        (T.STRING, b"x", "needs a str"),
        (T.OPAQUE, "x", "needs bytes"),
        (T.TIME, datetime(2024, 1, 1), "timezone-aware"),
        (T.TIME, 1.5, "datetime or int"),
        (T.TIME, 2**63, "outside"),
        (T.OBJLNK, (3, 0), "needs an ObjectLink"),
        (T.OBJLNK, ObjectLink(3, 65536), "within 0..65535"),
        (T.OBJLNK, ObjectLink("3", 0), "within 0..65535"),  # type: ignore[arg-type]
        (T.NONE, 1, "executable"),
    ],
)
def test_encode_refuses(kind: ResourceType, value: object, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        encode_value(kind, value, P)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, T.BOOLEAN),
        (1, T.INTEGER),
        (2**63, T.UNSIGNED_INTEGER),
        (1.0, T.FLOAT),
        ("s", T.STRING),
        (b"b", T.OPAQUE),
        (NEW_YEAR, T.TIME),
        (ObjectLink(1, 2), T.OBJLNK),
    ],
)
def test_unknown_resources_are_written_by_python_type(value: object, kind: ResourceType) -> None:
    assert infer_type(value, P) is kind
    assert encode_value(None, value, P)[0] is kind


def test_values_of_no_lwm2m_type_are_refused() -> None:
    with pytest.raises(CodecError, match="cannot encode a value of type dict"):
        encode_value(None, {}, P)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (T.INTEGER, 7, 7),
        (T.INTEGER, 7.0, 7),
        (T.UNSIGNED_INTEGER, 2.0**63, 2**63),
        (T.FLOAT, 7, 7.0),
        (T.FLOAT, 7.5, 7.5),
        (T.BOOLEAN, False, False),
        (T.STRING, "s", "s"),
        (T.OPAQUE, b"o", b"o"),
        (T.TIME, 0, datetime(1970, 1, 1, tzinfo=UTC)),
        (T.TIME, 86400.0, datetime(1970, 1, 2, tzinfo=UTC)),
        (T.TIME, datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))), NEW_YEAR),
        (T.TIME, datetime(2024, 1, 1), NEW_YEAR),
        (T.OBJLNK, "3:0", ObjectLink(3, 0)),
        (T.OBJLNK, ObjectLink(65535, 65535), ObjectLink(65535, 65535)),
        (None, [1], [1]),
        (T.NONE, b"x", b"x"),
    ],
)
def test_decode_gives(kind: ResourceType | None, raw: object, value: object) -> None:
    decoded = decode_value(kind, raw, P)
    assert decoded == value
    assert type(decoded) is type(value)


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (T.INTEGER, 7.5, "expected an integer"),
        (T.INTEGER, True, "expected an integer"),
        (T.INTEGER, float("inf"), "expected an integer"),
        (T.INTEGER, 2**63, "outside"),
        (T.UNSIGNED_INTEGER, -1, "outside"),
        (T.FLOAT, "1", "expected a number"),
        (T.FLOAT, 10**400, "too large"),
        (T.BOOLEAN, 1, "expected a boolean"),
        (T.STRING, b"s", "expected a string"),
        (T.OPAQUE, "o", "expected opaque"),
        (T.TIME, 0.5, "whole seconds"),
        (T.TIME, 2**62, "outside the datetime range"),
        (T.OBJLNK, "3-0", "not an object link"),
        (T.OBJLNK, "3:70000", "within 0..65535"),
        (T.OBJLNK, 3, "expected an object link"),
    ],
)
def test_decode_refuses(kind: ResourceType, raw: object, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode_value(kind, raw, P)


def test_huge_integers_are_refused_without_printing_them() -> None:
    with pytest.raises(CodecError, match="outside"):
        decode_value(T.INTEGER, 10**5000, P)


def test_object_links_and_utf8() -> None:
    assert parse_object_link("65535:0", P) == ObjectLink(65535, 0)
    assert decode_utf8("é".encode(), P) == "é"
    assert encode_utf8("é", P) == "é".encode()
    with pytest.raises(CodecError, match="UTF-8"):
        decode_utf8(b"\xff", P)
    with pytest.raises(CodecError, match="UTF-8"):
        encode_utf8("\ud800", P)
    with pytest.raises(CodecError, match="timezone-aware"):
        datetime_to_seconds(datetime(2024, 1, 1), P)


def test_types_come_from_the_model() -> None:
    assert value_type(MODEL, Path.of(3, 0, 9)) is T.INTEGER
    assert value_type(MODEL, Path.of(3, 0, 7, 1)) is T.INTEGER
    assert value_type(MODEL, Path.of(3, 0, 4)) is None  # executable
    assert value_type(MODEL, Path.of(3, 0, 99)) is None
    assert value_type(EMPTY_MODEL, Path.of(3, 0, 9)) is None
    assert value_type(None, Path.of(3, 0, 9)) is None
    assert value_type(MODEL, Path.of(3, 0)) is None


# --- values handed to encode -------------------------------------------------------------


def test_prepare_groups_by_resource_in_path_order() -> None:
    resources = prepare(
        Path.of(3, 0),
        {Path.of(3, 0, 7, 1): 5000, Path.of(3, 0, 9): 1, Path.of(3, 0, 7, 0): 3800},
        MODEL,
    )
    assert [(r.path, r.multiple, [e.path for e in r.entries]) for r in resources] == [
        (Path.of(3, 0, 7), True, [Path.of(3, 0, 7, 0), Path.of(3, 0, 7, 1)]),
        (Path.of(3, 0, 9), False, [Path.of(3, 0, 9)]),
    ]


@pytest.mark.parametrize(
    ("request_path", "values", "message"),
    [
        (Path(), [], "must be a mapping"),
        (Path(), {"/3/0/9": 1}, "must be Path objects"),
        (Path(), {Path.of(3, 0): 1}, "resources or resource instances"),
        (Path.of(3, 1), {Path.of(3, 0, 9): 1}, "outside the request path"),
        (Path.of(3, 0, 7, 0), {Path.of(3, 0, 7, 1): 1}, "outside the request path"),
        (Path(), {Path.of(3, 0, 9, 0): 1}, "is a single resource"),
        (Path(), {Path.of(3, 0, 7): 1}, "is a multiple resource"),
        (Path(), {Path.of(3, 0, 9): []}, "is a single resource"),
        (Path(), {Path.of(3, 0, 4): None}, "executable"),
        (Path(), {Path.of(9, 0, 7): 1, Path.of(9, 0, 7, 0): 1}, "both as single and as multiple"),
        (Path(), {Path.of(9, 0, 7, 0): 1, Path.of(9, 0, 7): 1}, "both as single and as multiple"),
        (Path(), {Path.of(9, 0, 7): [1, 2]}, "as /o/i/r/ri keys"),
        (Path(), {Path.of(3, 0, 9): "100"}, "needs an int"),
    ],
)
def test_prepare_refuses(request_path: Path, values: Any, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        prepare(request_path, values, MODEL)


def test_prepare_of_unknown_resources() -> None:
    (resource,) = prepare(Path(), {Path.of(O + 1, 0, 7): []}, MODEL)
    assert resource.multiple
    assert resource.entries == ()
