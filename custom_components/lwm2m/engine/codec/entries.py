"""Values on their way through a codec: checked entries for encoding, timed values.

The values handed to ``encode`` are a mapping of absolute paths:

* a single resource: ``{Path.of(3, 0, 9): 100}``;
* a multiple resource: one key per resource instance, ``{Path.of(3, 0, 7, 0): 3800, ...}``;
* a multiple resource with no instances: ``{Path.of(3, 0, 7): []}`` (an empty list at
  resource level; a non-empty list is refused: give its instances as ``/o/i/r/ri`` keys).

Decoders return the same shape; an empty multiple resource comes back as ``[]`` only
from formats that can carry one (TLV and LwM2M CBOR).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..model.types import ObjectLookup, ResourceType
from ..path import Path
from .base import CodecError
from .conversion import Primitive, encode_value, resource_definition, type_name


class TimedValue(NamedTuple):
    """One decoded value with the time it was taken, for Send and notifications.

    ``time`` is the resolved SenML time (base time plus time) in seconds, or None when the
    payload gave none. As in RFC 8428, values of 2**28 and above are Unix times; smaller
    ones are relative to the time the payload was received (negative: in the past).
    """

    path: Path
    value: Any
    time: float | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One value to write: a single resource or one resource instance."""

    path: Path
    type: ResourceType
    value: Primitive


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource to write with its entries: one for a single resource, any for a multiple."""

    path: Path
    multiple: bool
    entries: tuple[Entry, ...]


def is_empty_multiple(value: object) -> bool:
    return isinstance(value, list) and not value


def prepare(
    request: Path, values: Mapping[Path, Any], model: ObjectLookup | None
) -> list[Resource]:
    """Check ``values`` against the request path and the model; group them by resource.

    The result is sorted by path. Every value is checked and converted by the shared
    conversion rules, so formats only decide how to write each primitive.
    """
    if not isinstance(values, Mapping):
        raise CodecError(f"values must be a mapping of paths, got {type_name(values)}")
    singles: dict[Path, Entry] = {}
    multiples: dict[Path, list[Entry]] = {}
    for path, value in values.items():
        _check_value_key(request, path)
        resource_path = path.resource_path()
        definition = resource_definition(model, resource_path)
        declared = None if definition is None else definition.type
        as_multiple = path.is_resource_instance or is_empty_multiple(value)
        if definition is not None and definition.multiple != as_multiple:
            kind = "multiple" if definition.multiple else "single"
            raise CodecError(f"{path}: {resource_path} is a {kind} resource")
        if as_multiple:
            if resource_path in singles:
                raise CodecError(f"{resource_path} is given both as single and as multiple")
            instances = multiples.setdefault(resource_path, [])
            if path.is_resource_instance:
                instances.append(Entry(path, *encode_value(declared, value, path)))
        else:
            if resource_path in multiples:
                raise CodecError(f"{resource_path} is given both as single and as multiple")
            if isinstance(value, list):
                raise CodecError(f"{path}: give a multiple resource's instances as /o/i/r/ri keys")
            singles[path] = Entry(path, *encode_value(declared, value, path))
    resources = [Resource(path, False, (entry,)) for path, entry in singles.items()]
    resources += [
        Resource(path, True, tuple(sorted(entries, key=_entry_path)))
        for path, entries in multiples.items()
    ]
    return sorted(resources, key=_resource_path)


def _entry_path(entry: Entry) -> Path:
    return entry.path


def _resource_path(resource: Resource) -> Path:
    return resource.path


def _check_value_key(request: Path, path: object) -> None:
    if not isinstance(path, Path):
        raise CodecError(f"value keys must be Path objects, got {type_name(path)}")
    if len(path) < 3:
        raise CodecError(f"{path}: values belong to resources or resource instances")
    if not path.startswith(request):
        raise CodecError(f"{path} is outside the request path {request}")


def entries_of(resources: Iterable[Resource]) -> list[Entry]:
    return [entry for resource in resources for entry in resource.entries]


def check_decoded_path(request: Path, path: Path) -> None:
    """A decoded value's path must name a resource (instance) within the request path."""
    if len(path) < 3:
        raise CodecError(f"{path}: a value must belong to a resource or resource instance")
    if not path.startswith(request):
        raise CodecError(f"{path} is outside the request path {request}")
