"""Property tests: encode then decode gives the values back, every format x every type."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.lwm2m.engine import ContentFormat, Path, ResourceType
from custom_components.lwm2m.engine.codec import (
    TimedValue,
    decode,
    decode_paths,
    decode_timestamped,
    encode,
    encode_paths,
    encode_timestamped,
)
from tests.engine.codec.models import (
    MODEL,
    TYPES_OBJECT_ID,
    VALUE_TYPES,
    multiple_resource_id,
    single_resource_id,
)
from tests.engine.codec.strategies import (
    device_values,
    expected_after_decode,
    ids,
    instance_values,
    object_values,
    resource_values,
    values_of,
)

F = ContentFormat
INSTANCE = Path.of(TYPES_OBJECT_ID, 0)
STRUCTURED = [F.TLV, F.SENML_JSON, F.SENML_CBOR, F.LWM2M_JSON, F.LWM2M_CBOR]
WITH_ROOT = [F.SENML_JSON, F.SENML_CBOR, F.LWM2M_JSON, F.LWM2M_CBOR]
TIMED = [F.SENML_JSON, F.SENML_CBOR, F.LWM2M_JSON]
PATH_LISTS = [F.SENML_JSON, F.SENML_CBOR, F.LWM2M_CBOR]
EXAMPLES = settings(max_examples=25, deadline=None)


def _single_value_cases() -> list[tuple[ContentFormat, ResourceType]]:
    cases = [(fmt, kind) for fmt in STRUCTURED for kind in VALUE_TYPES]
    cases += [(F.TEXT, kind) for kind in VALUE_TYPES if kind is not ResourceType.OPAQUE]
    cases.append((F.OPAQUE, ResourceType.OPAQUE))
    return cases


def _round_trip(fmt: ContentFormat, path: Path, values: dict[Path, Any]) -> dict[Path, Any]:
    return decode(fmt, path, encode(fmt, path, values, MODEL), MODEL)


def _assert_same(decoded: dict[Path, Any], expected: dict[Path, Any]) -> None:
    assert decoded == expected
    for path, value in expected.items():
        assert type(decoded[path]) is type(value), path


@pytest.mark.parametrize(("fmt", "kind"), _single_value_cases())
@EXAMPLES
@given(data=st.data())
def test_single_resource(fmt: ContentFormat, kind: ResourceType, data: st.DataObject) -> None:
    path = INSTANCE.child(single_resource_id(kind))
    values = {path: data.draw(values_of(kind, fmt))}
    _assert_same(_round_trip(fmt, path, values), values)


@pytest.mark.parametrize(("fmt", "kind"), _single_value_cases())
@EXAMPLES
@given(data=st.data(), instance_id=ids)
def test_resource_instance(
    fmt: ContentFormat, kind: ResourceType, data: st.DataObject, instance_id: int
) -> None:
    path = INSTANCE.child(multiple_resource_id(kind)).child(instance_id)
    values = {path: data.draw(values_of(kind, fmt))}
    _assert_same(_round_trip(fmt, path, values), values)


@pytest.mark.parametrize("fmt", STRUCTURED)
@pytest.mark.parametrize("kind", VALUE_TYPES)
@EXAMPLES
@given(data=st.data())
def test_multiple_resource(fmt: ContentFormat, kind: ResourceType, data: st.DataObject) -> None:
    path = INSTANCE.child(multiple_resource_id(kind))
    values = data.draw(resource_values(INSTANCE, kind, True, fmt))
    _assert_same(_round_trip(fmt, path, values), expected_after_decode(values, fmt))


@pytest.mark.parametrize("fmt", STRUCTURED)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_object_instance(fmt: ContentFormat, data: st.DataObject) -> None:
    values = data.draw(instance_values(INSTANCE, fmt))
    _assert_same(_round_trip(fmt, INSTANCE, values), expected_after_decode(values, fmt))


@pytest.mark.parametrize("fmt", STRUCTURED)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_whole_object(fmt: ContentFormat, data: st.DataObject) -> None:
    values = data.draw(object_values(fmt))
    path = Path.of(TYPES_OBJECT_ID)
    _assert_same(_round_trip(fmt, path, values), expected_after_decode(values, fmt))


@pytest.mark.parametrize("fmt", WITH_ROOT)
@settings(max_examples=30, deadline=None)
@given(data=st.data(), device=device_values)
def test_several_objects_at_root(
    fmt: ContentFormat, data: st.DataObject, device: dict[Path, Any]
) -> None:
    values = device | data.draw(object_values(fmt))
    _assert_same(_round_trip(fmt, Path(), values), expected_after_decode(values, fmt))


@pytest.mark.parametrize("fmt", TIMED)
@settings(max_examples=30, deadline=None)
@given(
    levels=st.lists(
        st.tuples(st.integers(0, 100), st.none() | st.integers(1, 2**31) | st.floats(0, 1e9)),
        max_size=5,
    )
)
def test_timestamped_history(fmt: ContentFormat, levels: list[tuple[int, float | None]]) -> None:
    battery = Path.of(3, 0, 9)
    history = [TimedValue(battery, level, time) for level, time in levels]
    payload = encode_timestamped(fmt, Path(), history, MODEL)
    assert decode_timestamped(fmt, Path(), payload, MODEL) == history


@pytest.mark.parametrize("fmt", PATH_LISTS)
@settings(max_examples=30, deadline=None)
@given(
    paths=st.lists(
        st.lists(ids, min_size=1, max_size=4).map(lambda parts: Path(tuple(parts))),
        max_size=5,
        unique=True,
    )
)
def test_composite_path_lists(fmt: ContentFormat, paths: list[Path]) -> None:
    decoded = decode_paths(fmt, encode_paths(fmt, paths))
    if fmt is F.LWM2M_CBOR:
        # Nested maps list each path once, in order, and leave out paths inside others.
        kept = [p for p in sorted(paths) if not any(p != q and p.startswith(q) for q in paths)]
        assert decoded == kept
    else:
        assert decoded == paths
