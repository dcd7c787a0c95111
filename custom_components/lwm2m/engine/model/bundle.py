"""The bundled model's file format: object definitions as compact, reviewable JSON.

One line per object header and one per resource, objects sorted by id then version,
resources by id. Only facts are stored; ``value_range`` and ``enumeration`` are derived
again from the range text when loading, so they cannot disagree with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .range_enumeration import parse_range_enumeration
from .types import ObjectDef, Operations, ResourceDef, ResourceType
from .versions import version_key

BUNDLE_FILE = Path(__file__).with_name("core_objects.json")
FORMAT = 1
RESOURCE_FIELDS = (
    "id",
    "name",
    "type",
    "operations",
    "multiple",
    "mandatory",
    "units",
    "range_enumeration",
)
# Lookup tables: parsing each field through the enum constructors dominates load time.
_TYPES = {kind.value: kind for kind in ResourceType}
_OPERATIONS = {
    str(operations): operations
    for operations in (
        Operations.NONE,
        Operations.R,
        Operations.W,
        Operations.R | Operations.W,
        Operations.E,
    )
}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _resource_row(resource: ResourceDef) -> list[object]:
    return [
        resource.id,
        resource.name,
        resource.type.value,
        str(resource.operations),
        resource.multiple,
        resource.mandatory,
        resource.units,
        resource.range_enumeration,
    ]


def _object_block(obj: ObjectDef) -> str:
    header = {
        "id": obj.id,
        "version": obj.version,
        "name": obj.name,
        "lwm2m_version": obj.lwm2m_version,
        "urn": obj.urn,
        "multiple": obj.multiple,
        "mandatory": obj.mandatory,
    }
    rows = (_json(_resource_row(obj.resources[key])) for key in sorted(obj.resources))
    # The header object stays open so its resource rows can follow, one per line.
    return _json(header)[:-1] + ',"resources":[\n' + ",\n".join(rows) + "\n]}"


def dump_bundle(objects: Iterable[ObjectDef]) -> str:
    """The bundle file's text for ``objects``; the same objects always give the same text."""
    ordered = sorted(objects, key=lambda obj: (obj.id, version_key(obj.version)))
    return (
        f'{{"format":{FORMAT},\n'
        f'"resource_fields":{_json(list(RESOURCE_FIELDS))},\n'
        '"objects":[\n' + ",\n".join(_object_block(obj) for obj in ordered) + "\n]}\n"
    )


def _resource(row: list[Any]) -> ResourceDef:
    resource_id, name, type_name, operations, multiple, mandatory, units, range_text = row
    resource_type = _TYPES[type_name]
    value_range, enumeration = parse_range_enumeration(range_text, resource_type)
    return ResourceDef(
        id=int(resource_id),
        name=str(name),
        type=resource_type,
        operations=_OPERATIONS[operations],
        multiple=bool(multiple),
        mandatory=bool(mandatory),
        units=str(units),
        range_enumeration=str(range_text),
        value_range=value_range,
        enumeration=enumeration,
    )


def _object(entry: dict[str, Any]) -> ObjectDef:
    resources = (_resource(row) for row in entry["resources"])
    return ObjectDef(
        id=int(entry["id"]),
        name=str(entry["name"]),
        version=str(entry["version"]),
        lwm2m_version=str(entry["lwm2m_version"]),
        urn=str(entry["urn"]),
        multiple=bool(entry["multiple"]),
        mandatory=bool(entry["mandatory"]),
        resources=MappingProxyType({resource.id: resource for resource in resources}),
    )


def load_bundle(data: str | bytes) -> list[ObjectDef]:
    """The object definitions in a bundle file. Raises ValueError for another format."""
    document = json.loads(data)
    if document.get("format") != FORMAT or document.get("resource_fields") != list(RESOURCE_FIELDS):
        raise ValueError(f"not an object bundle of format {FORMAT}")
    return [_object(entry) for entry in document["objects"]]
