"""RangeEnumeration texts: which become value ranges, which enumerations, which stay text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.lwm2m.engine import ResourceType, ValueRange
from custom_components.lwm2m.engine.model.range_enumeration import (
    parse_range_enumeration,
    tidy_range_text,
)

INTEGER, UNSIGNED, FLOAT = ResourceType.INTEGER, ResourceType.UNSIGNED_INTEGER, ResourceType.FLOAT
STRING, OPAQUE, BOOLEAN = ResourceType.STRING, ResourceType.OPAQUE, ResourceType.BOOLEAN
NUMERIC = [INTEGER, UNSIGNED, FLOAT]
NOT_NUMERIC = [t for t in ResourceType if not t.is_numeric]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0..100", ValueRange(0, 100)),
        ("-1..1", ValueRange(-1, 1)),
        ("0.0..86400.0", ValueRange(0.0, 86400.0)),
        ("0.000001..1.0", ValueRange(0.000001, 1.0)),
        ("-110..-48", ValueRange(-110, -48)),
        ("1...15", ValueRange(1, 15)),
        (" 0 .. 255 ", ValueRange(0, 255)),
        ("1e3..2E4", ValueRange(1000.0, 20000.0)),
        ("7..7", ValueRange(7, 7)),
        ("0..18446744073709551615", ValueRange(0, 18446744073709551615)),
    ],
)
@pytest.mark.parametrize("resource_type", NUMERIC)
def test_numeric_ranges(text: str, expected: ValueRange, resource_type: ResourceType) -> None:
    assert parse_range_enumeration(text, resource_type) == (expected, ())


def test_integer_bounds_stay_exact() -> None:
    value_range, _ = parse_range_enumeration("0..18446744073709551615", UNSIGNED)
    assert value_range is not None
    assert value_range.maximum == 18446744073709551615
    assert isinstance(value_range.maximum, int)
    float_range, _ = parse_range_enumeration("0.00..100.00", FLOAT)
    assert float_range == ValueRange(0.0, 100.0)
    assert float_range is not None
    assert isinstance(float_range.minimum, float)


@pytest.mark.parametrize("resource_type", NOT_NUMERIC)
@pytest.mark.parametrize("text", ["0..255", "1..64 bytes", "0..65535"])
def test_ranges_on_other_types_are_lengths_or_meaningless(
    text: str, resource_type: ResourceType
) -> None:
    assert parse_range_enumeration(text, resource_type) == (None, ())


@pytest.mark.parametrize("text", ["0..255 bytes", "1..64 Bytes", "0..1 byte", "2 Instances"])
@pytest.mark.parametrize("resource_type", NUMERIC)
def test_unit_suffix_gives_no_value_range(text: str, resource_type: ResourceType) -> None:
    assert parse_range_enumeration(text, resource_type) == (None, ())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n ",
        "255",
        "-30..-120",
        "0..247, 255",
        "0..3, 99",
        "0; 3.8..20.5",
        "1 bytes",
        "8-Bits",
        "<7 to >12.5",
        "ON;OFF",
        "0..",
        "..5",
        "a..b",
        "0,,1",
        "0,",
        "0: off\nsomething else",
    ],
)
@pytest.mark.parametrize("resource_type", NUMERIC)
def test_unrecognised_numeric_texts(text: str, resource_type: ResourceType) -> None:
    assert parse_range_enumeration(text, resource_type) == (None, ())


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("0,1,2", ("0", "1", "2")),
        ("5, 10, 15, 20", ("5", "10", "15", "20")),
        ("10,26", ("10", "26")),
        ("1;2;3", ("1", "2", "3")),
        ('"1","2"', ("1", "2")),
        ("-1, 0.5", ("-1", "0.5")),
        ("0: off\n1: on\n255: unknown state", ("0", "1", "255")),
        ("1: only", ("1",)),
    ],
)
@pytest.mark.parametrize("resource_type", NUMERIC)
def test_numeric_enumerations(
    text: str, values: tuple[str, ...], resource_type: ResourceType
) -> None:
    assert parse_range_enumeration(text, resource_type) == (None, values)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ('"on","off"', ("on", "off")),
        ("'on', 'off', 'auto'", ("on", "off", "auto")),
        ('"10","26"', ("10", "26")),
        ("U, UQ, S", ("U", "UQ", "S")),
        ("ON;OFF", ("ON", "OFF")),
        ('"a, b"', ()),
        ('"", "x"', ("", "x")),
        ("Not Available, Ready", ("Not Available", "Ready")),
        ("10,26", ()),
        ("16, 32, 48", ()),
        ("12", ()),
        ("a..b, c", ()),
        ("x, 'y", ()),
        ("The possible values are listed elsewhere", ()),
    ],
)
def test_string_enumerations(text: str, values: tuple[str, ...]) -> None:
    assert parse_range_enumeration(text, STRING) == (None, values)


@pytest.mark.parametrize("resource_type", [OPAQUE, BOOLEAN, ResourceType.TIME, ResourceType.NONE])
def test_other_types_never_enumerate(resource_type: ResourceType) -> None:
    assert parse_range_enumeration('"on","off"', resource_type) == (None, ())
    assert parse_range_enumeration("16,32,48", resource_type) == (None, ())


def test_tidy_range_text() -> None:
    assert tidy_range_text("\n        ") == ""
    assert tidy_range_text("  0..100 ") == "0..100"
    assert tidy_range_text("0: off\n\t\t\t\t1: on\n\n") == "0: off\n1: on"


@given(st.integers(-(2**70), 2**70), st.integers(0, 2**70))
def test_any_ordered_integer_range(low: int, width: int) -> None:
    high = low + width
    assert parse_range_enumeration(f"{low}..{high}", INTEGER) == (ValueRange(low, high), ())


@given(st.integers(-(2**40), 2**40), st.integers(1, 2**40))
def test_reversed_ranges_are_not_trusted(high: int, width: int) -> None:
    assert parse_range_enumeration(f"{high + width}..{high}", INTEGER) == (None, ())


@given(st.text(max_size=60), st.sampled_from(list(ResourceType)))
def test_any_text_gives_a_consistent_answer(text: str, resource_type: ResourceType) -> None:
    value_range, enumeration = parse_range_enumeration(text, resource_type)
    assert value_range is None or not enumeration
    if value_range is not None:
        assert resource_type.is_numeric
        assert value_range.minimum <= value_range.maximum
