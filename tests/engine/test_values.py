"""Typed values: ObjectLink and Cumulocity-style measurement parsing."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine import ObjectLink, parse_measurement


def test_object_link_text() -> None:
    assert str(ObjectLink(3, 0)) == "3:0"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (True, 1),
        (False, 0),
        ("true", 1),
        ("FALSE", 0),
        ("True", 1),
        (7, 7),
        (-2.5, -2.5),
        ("12", 12),
        ("-3.5", -3.5),
        ("+4", 4),
        ("1.23E10", 1.23e10),
        ("3.57e+5", 357000.0),
        ("9.8e-4", 0.00098),
        ("010", 8),
        ("-010", -8),
        ("0777", 511),
        ("00", 0),
        ("0", 0),
        ("-0", 0),
        ("0.5", 0.5),
        ("010.5", 10.5),
        ("0e3", 0.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("0x23F3D5C1", 603182529),
        ("0X1f", 31),
        ("-0x42a3b3d1", -1118024657),
        ("  42\t\n", 42),
    ],
)
def test_measurements(value: str | int | float | bool, number: int | float) -> None:
    parsed = parse_measurement(value)
    assert parsed == number
    assert type(parsed) is type(number)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("029", "octal"),
        ("-029", "octal"),
        ("08", "octal"),
        ("", "empty"),
        ("   ", "empty"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("-Infinity", "not a number"),
        ("1e400", "not a finite number"),
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        ("0x", "not a number"),
        ("0xG1", "not a number"),
        ("1_000", "not a number"),
        ("١٢", "not a number"),
        ("12 kg", "not a number"),
        ("yes", "not a number"),
        ("1" * 401, "too long"),
        (None, "text or a number"),
    ],
)
def test_not_measurements(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_measurement(value)  # type: ignore[arg-type]
