"""Hypothesis strategies for codec values, by resource type and by payload shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from custom_components.lwm2m.engine import ContentFormat, ObjectLink, Path, ResourceType
from custom_components.lwm2m.engine.path import MAX_ID
from tests.engine.codec.models import (
    TYPES_OBJECT_ID,
    VALUE_TYPES,
    multiple_resource_id,
    single_resource_id,
)

T = ResourceType
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIRST_SECOND = -62135596800  # 0001-01-01T00:00:00Z
LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z

FORMATS_WITH_INFINITY = frozenset(
    {ContentFormat.TLV, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR}
)
FORMATS_WITH_EMPTY_MULTIPLE = frozenset({ContentFormat.TLV, ContentFormat.LWM2M_CBOR})

ids = st.integers(min_value=0, max_value=MAX_ID)
times = st.integers(min_value=FIRST_SECOND, max_value=LAST_SECOND).map(
    lambda seconds: EPOCH + timedelta(seconds=seconds)
)


def values_of(kind: ResourceType, fmt: ContentFormat) -> st.SearchStrategy[Any]:
    """Values of ``kind`` that ``fmt`` can carry, as they decode."""
    strategies: dict[ResourceType, st.SearchStrategy[Any]] = {
        T.STRING: st.text(max_size=30),
        T.CORELNK: st.text(max_size=30),
        T.INTEGER: st.integers(min_value=-(2**63), max_value=2**63 - 1),
        T.UNSIGNED_INTEGER: st.integers(min_value=0, max_value=2**64 - 1),
        T.FLOAT: st.floats(allow_nan=False, allow_infinity=fmt in FORMATS_WITH_INFINITY),
        T.BOOLEAN: st.booleans(),
        T.OPAQUE: st.binary(max_size=30),
        T.TIME: times,
        T.OBJLNK: st.builds(ObjectLink, ids, ids),
    }
    return strategies[kind]


@st.composite
def resource_values(
    draw: st.DrawFn, instance: Path, kind: ResourceType, multiple: bool, fmt: ContentFormat
) -> dict[Path, Any]:
    """One resource of the types object, single or multiple, under ``instance``."""
    values = values_of(kind, fmt)
    if not multiple:
        return {instance.child(single_resource_id(kind)): draw(values)}
    resource = instance.child(multiple_resource_id(kind))
    instance_ids = draw(st.lists(ids, max_size=3, unique=True))
    if not instance_ids and fmt in FORMATS_WITH_EMPTY_MULTIPLE:
        return {resource: []}
    return {resource.child(ri): draw(values) for ri in instance_ids}


@st.composite
def instance_values(draw: st.DrawFn, instance: Path, fmt: ContentFormat) -> dict[Path, Any]:
    """Some resources of every kind, single and multiple, of one types-object instance."""
    chosen = draw(
        st.lists(st.tuples(st.sampled_from(VALUE_TYPES), st.booleans()), max_size=8, unique=True)
    )
    values: dict[Path, Any] = {}
    for kind, multiple in chosen:
        values |= draw(resource_values(instance, kind, multiple, fmt))
    return values


@st.composite
def object_values(draw: st.DrawFn, fmt: ContentFormat) -> dict[Path, Any]:
    values: dict[Path, Any] = {}
    for instance_id in draw(st.lists(ids, min_size=1, max_size=3, unique=True)):
        values |= draw(instance_values(Path.of(TYPES_OBJECT_ID, instance_id), fmt))
    return values


device_values = st.fixed_dictionaries(
    {Path.of(3, 0, 0): st.text(max_size=20), Path.of(3, 0, 9): st.integers(0, 100)},
    optional={Path.of(3, 0, 13): times, Path.of(3, 0, 7, 0): st.integers(0, 50000)},
)


def expected_after_decode(values: dict[Path, Any], fmt: ContentFormat) -> dict[Path, Any]:
    """What decoding gives back: formats without empty multiples drop them."""
    if fmt in FORMATS_WITH_EMPTY_MULTIPLE:
        return values
    return {path: value for path, value in values.items() if value != []}
