"""Value conversions: user input to typed values, stored and response forms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.lwm2m.device_state import DeviceState
from custom_components.lwm2m.engine import ObjectLink, Path, ResourceDef, ResourceType, ValueRange
from custom_components.lwm2m.values.coerce import coerce
from custom_components.lwm2m.values.json_forms import from_stored, to_response, to_stored


def _resource(kind: ResourceType, value_range: ValueRange | None = None) -> ResourceDef:
    return ResourceDef(1, "R", kind, value_range=value_range)


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (ResourceType.STRING, 5, "5"),
        (ResourceType.INTEGER, " 42 ", 42),
        (ResourceType.INTEGER, 4.0, 4),
        (ResourceType.UNSIGNED_INTEGER, "7", 7),
        (ResourceType.FLOAT, "2.5", 2.5),
        (ResourceType.FLOAT, 3, 3.0),
        (ResourceType.BOOLEAN, "on", True),
        (ResourceType.BOOLEAN, "0", False),
        (ResourceType.BOOLEAN, True, True),
        (ResourceType.TIME, "1700000000", datetime.fromtimestamp(1700000000, UTC)),
        (ResourceType.TIME, "2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (ResourceType.TIME, datetime(2026, 1, 2), datetime(2026, 1, 2, tzinfo=UTC)),
        (ResourceType.OPAQUE, "00ff", b"\x00\xff"),
        (ResourceType.OPAQUE, b"\x01", b"\x01"),
        (ResourceType.OBJLNK, "3:0", ObjectLink(3, 0)),
    ],
)
def test_coerce(kind: ResourceType, raw: object, expected: object) -> None:
    assert coerce(_resource(kind), raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (ResourceType.INTEGER, True),
        (ResourceType.INTEGER, 1.5),
        (ResourceType.UNSIGNED_INTEGER, "-1"),
        (ResourceType.FLOAT, False),
        (ResourceType.BOOLEAN, "maybe"),
        (ResourceType.NONE, "x"),
    ],
)
def test_coerce_refuses(kind: ResourceType, raw: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        coerce(_resource(kind), raw)


def test_range_is_checked() -> None:
    bounded = _resource(ResourceType.INTEGER, ValueRange(0, 100))
    assert coerce(bounded, "100") == 100
    with pytest.raises(ValueError, match="outside 0..100"):
        coerce(bounded, "101")
    text = _resource(ResourceType.STRING, ValueRange(0, 255))
    assert coerce(text, "anything") == "anything"


def test_guess_without_a_definition() -> None:
    assert coerce(None, "12") == 12
    assert coerce(None, "1.5") == 1.5
    assert coerce(None, "true") is True
    assert coerce(None, "Kitchen") == "Kitchen"
    assert coerce(None, 3) == 3


@pytest.mark.parametrize(
    "value",
    ["text", 3, 2.5, True, None, datetime(2026, 1, 2, tzinfo=UTC), b"\x01\x02", ObjectLink(3, 1)],
)
def test_stored_round_trip(value: object) -> None:
    assert from_stored(to_stored(value)) == value


def test_responses() -> None:
    assert to_response(datetime(2026, 1, 2, tzinfo=UTC)) == "2026-01-02T00:00:00+00:00"
    assert to_response(b"\xab") == "ab"
    assert to_response(ObjectLink(3, 0)) == "3:0"
    assert to_response([b"\x01", {1: b"\x02"}]) == ["01", {"1": "02"}]


def test_merge_replaces_instances_of_multiple_resources() -> None:
    state = DeviceState("dev")
    values = {Path.parse("/3/0/7/0"): 1, Path.parse("/3/0/7/1"): 2, Path.parse("/3/0/9"): 5}
    assert state.merge(values) == {Path.parse("/3/0/7"), Path.parse("/3/0/9")}
    assert state.merge({Path.parse("/3/0/7/1"): 2}) == {Path.parse("/3/0/7")}
    assert state.resource_instances(Path.parse("/3/0/7")) == {1: 2}
    assert state.merge({Path.parse("/3/0/7"): []}) == {Path.parse("/3/0/7")}
    assert state.resource_instances(Path.parse("/3/0/7")) == {}
    assert state.merge({Path.parse("/3/0/9"): 5, Path.parse("/3/0"): {}}) == set()
    state.forget_instance(Path.parse("/3/0"))
    assert state.values == {}
