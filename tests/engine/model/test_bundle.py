"""The bundled model's JSON format: exact round trips, stable text, refused other formats."""

from __future__ import annotations

import json
import random
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.lwm2m.engine import ObjectDef, Operations, ResourceDef, ResourceType
from custom_components.lwm2m.engine.model.bundle import FORMAT, dump_bundle, load_bundle
from custom_components.lwm2m.engine.model.range_enumeration import parse_range_enumeration

RANGE_TEXTS = [
    "",
    "0..100",
    "-1..1",
    "0.0..1.0",
    "0..255 bytes",
    "10,26",
    '"on","off"',
    "0: a\n1: b",
]
OPERATIONS = [
    Operations.NONE,
    Operations.R,
    Operations.W,
    Operations.R | Operations.W,
    Operations.E,
]


@st.composite
def resources(draw: st.DrawFn, resource_id: int) -> ResourceDef:
    resource_type = draw(st.sampled_from(list(ResourceType)))
    range_text = draw(st.sampled_from(RANGE_TEXTS))
    value_range, enumeration = parse_range_enumeration(range_text, resource_type)
    return ResourceDef(
        id=resource_id,
        name=draw(st.text(max_size=30)),
        type=resource_type,
        operations=draw(st.sampled_from(OPERATIONS)),
        multiple=draw(st.booleans()),
        mandatory=draw(st.booleans()),
        units=draw(st.sampled_from(["", "Cel", "%RH", "m/s", "µg/m3"])),
        range_enumeration=range_text,
        value_range=value_range,
        enumeration=enumeration,
    )


@st.composite
def objects(draw: st.DrawFn, object_id: int) -> ObjectDef:
    ids = draw(st.lists(st.integers(0, 65535), max_size=6, unique=True))
    version = draw(st.sampled_from(["1.0", "1.1", "1.2", "2.0"]))
    return ObjectDef(
        id=object_id,
        name=draw(st.text(max_size=30)),
        version=version,
        lwm2m_version=draw(st.sampled_from(["1.0", "1.1", "1.2"])),
        urn=f"urn:oma:lwm2m:x:{object_id}:{version}",
        multiple=draw(st.booleans()),
        mandatory=draw(st.booleans()),
        resources={rid: draw(resources(rid)) for rid in sorted(ids)},
    )


model = st.lists(st.integers(0, 65535), max_size=5, unique=True).flatmap(
    lambda ids: st.tuples(*(objects(i) for i in ids))
)


@given(model)
def test_round_trip_is_exact(defs: tuple[ObjectDef, ...]) -> None:
    loaded = load_bundle(dump_bundle(defs))
    assert loaded == sorted(defs, key=lambda obj: obj.id)


@given(model, st.randoms(use_true_random=False))
def test_text_does_not_depend_on_input_order(
    defs: tuple[ObjectDef, ...], rnd: random.Random
) -> None:
    shuffled = list(defs)
    rnd.shuffle(shuffled)
    assert dump_bundle(shuffled) == dump_bundle(defs)


def _sample() -> list[ObjectDef]:
    reboot = ResourceDef(4, "Reboot", ResourceType.NONE, Operations.E, mandatory=True)
    maker = ResourceDef(0, "Manufacturer", ResourceType.STRING)
    return [
        ObjectDef(3, "Device", "1.1", resources={4: reboot, 0: maker}),
        ObjectDef(3, "Device", "1.0", resources={0: maker}),
        ObjectDef(1, "Server", resources={}),
    ]


def test_layout_is_one_line_per_object_and_resource() -> None:
    text = dump_bundle(_sample())
    lines = text.splitlines()
    assert lines[0] == f'{{"format":{FORMAT},'
    assert lines[1].startswith('"resource_fields":["id","name","type"')
    object_lines = [line for line in lines if line.startswith('{"id"')]
    assert [json.loads(line + "]}")["id"] for line in object_lines] == [1, 3, 3]
    assert '[0,"Manufacturer","String","R",false,false,"",""],' in lines
    assert '[4,"Reboot","none","E",false,true,"",""]' in lines
    assert text.endswith("]}\n")
    assert json.loads(text)["objects"][1]["version"] == "1.0", "versions sort numerically"


def test_loaded_definitions_are_immutable() -> None:
    (server, *_) = load_bundle(dump_bundle(_sample()))
    assert isinstance(server.resources, MappingProxyType)


@pytest.mark.parametrize(
    "document",
    [
        {"format": FORMAT + 1, "resource_fields": [], "objects": []},
        {"format": FORMAT, "resource_fields": ["id", "name"], "objects": []},
        {"objects": []},
    ],
)
def test_other_formats_are_refused(document: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="not an object bundle"):
        load_bundle(json.dumps(document))
