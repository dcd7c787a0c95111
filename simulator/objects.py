"""The device's object instances and their values: what reads return and writes change.

Values are kept per resource: a single resource holds its value, a multiple resource a
``dict`` of resource-instance id to value. Towards the codecs they travel in the codecs'
shape: ``{Path: value}`` keyed by resource paths, or resource-instance paths for multiple
resources, with ``[]`` standing for a multiple resource without instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from custom_components.lwm2m.engine import ObjectDef, ObjectLookup, Operations, Path, ResourceDef

Instance = dict[int, Any]
"""Resource id -> value (a ``dict`` of resource-instance values for a multiple resource)."""

_UNKNOWN_OPERATIONS = Operations.R | Operations.W


@dataclass(slots=True)
class DeviceObject:
    """One object as a device implements it: its version and its instances' values."""

    id: int
    instances: dict[int, Instance] = field(default_factory=dict)
    version: str = "1.0"

    def copy(self) -> DeviceObject:
        return DeviceObject(
            self.id, {i: _copy_instance(r) for i, r in self.instances.items()}, self.version
        )


def _copy_instance(instance: Mapping[int, Any]) -> Instance:
    return {
        rid: dict(value) if isinstance(value, Mapping) else value for rid, value in instance.items()
    }


class ObjectStore:
    """The objects of one device, checked against the object model for operations and types."""

    def __init__(self, objects: Iterable[DeviceObject], model: ObjectLookup) -> None:
        self.model = model
        self.objects: dict[int, DeviceObject] = {obj.id: obj.copy() for obj in objects}

    # --- looking things up -----------------------------------------------------------

    def definition(self, object_id: int) -> ObjectDef | None:
        return self.model.get(object_id)

    def resource_definition(self, path: Path) -> ResourceDef | None:
        if path.object_id is None or path.resource_id is None:
            return None
        definition = self.definition(path.object_id)
        return None if definition is None else definition.resource(path.resource_id)

    def operations(self, path: Path) -> Operations:
        """What the resource at ``path`` allows; resources the model lacks are read-write."""
        definition = self.resource_definition(path)
        return _UNKNOWN_OPERATIONS if definition is None else definition.operations

    def is_multiple(self, path: Path) -> bool:
        definition = self.resource_definition(path)
        if definition is not None:
            return definition.multiple
        return isinstance(self.resource(path.resource_path()), Mapping)

    def instance(self, path: Path) -> Instance | None:
        obj = self.objects.get(path.ids[0]) if path.ids else None
        if obj is None or path.instance_id is None:
            return None
        return obj.instances.get(path.instance_id)

    def resource(self, path: Path) -> Any:
        """The stored value of the resource ``path`` names (None when it has none)."""
        instance = self.instance(path)
        if instance is None or path.resource_id is None:
            return None
        return instance.get(path.resource_id)

    def exists(self, path: Path) -> bool:
        """True when the object, instance, resource or resource instance is there."""
        if path.is_root:
            return True
        if path.is_object:
            return path.ids[0] in self.objects
        instance = self.instance(path)
        if instance is None:
            return False
        if path.is_instance:
            return True
        assert path.resource_id is not None
        if path.resource_id not in instance:
            return False
        if path.is_resource:
            return True
        value = instance[path.resource_id]
        return isinstance(value, Mapping) and path.ids[3] in value

    def value(self, path: Path) -> Any:
        """A resource's value (a ``dict`` for a multiple one) or a resource instance's value."""
        if not self.exists(path) or len(path) < 3:
            raise KeyError(f"{path} holds no value on this device")
        value = self.resource(path)
        if path.is_resource_instance:
            return value[path.ids[3]]
        return dict(value) if isinstance(value, Mapping) else value

    def instance_paths(self) -> Iterator[Path]:
        for object_id in sorted(self.objects):
            for instance_id in sorted(self.objects[object_id].instances):
                yield Path.of(object_id, instance_id)

    def resource_paths(self, path: Path) -> Iterator[Path]:
        """The resources at or below ``path`` (a root, object, instance or resource path)."""
        object_ids = sorted(self.objects) if path.is_root else [path.ids[0]]
        for object_id in object_ids:
            obj = self.objects.get(object_id)
            if obj is None:
                continue
            instance_ids = sorted(obj.instances) if len(path) < 2 else [path.ids[1]]
            for instance_id in instance_ids:
                instance = obj.instances.get(instance_id)
                if instance is None:
                    continue
                resource_ids = sorted(instance) if len(path) < 3 else [path.ids[2]]
                for resource_id in resource_ids:
                    if resource_id in instance:
                        yield Path.of(object_id, instance_id, resource_id)

    # --- values in the codecs' shape ---------------------------------------------------

    def readable_values(self, path: Path) -> dict[Path, Any]:
        """``{Path: value}`` of every readable value at or below ``path``."""
        if path.is_resource_instance:
            return {path: self.value(path)}
        values: dict[Path, Any] = {}
        for resource_path in self.resource_paths(path):
            if not self.operations(resource_path).readable:
                continue
            values.update(self.codec_values(resource_path))
        return values

    def codec_values(self, resource_path: Path) -> dict[Path, Any]:
        value = self.resource(resource_path)
        if not isinstance(value, Mapping):
            return {resource_path: value}
        if not value:
            return {resource_path: []}
        return {resource_path.child(ri): value[ri] for ri in sorted(value)}

    # --- changing values -------------------------------------------------------------

    def set(self, path: Path, value: Any) -> None:
        """Set a resource (a mapping for a multiple one) or a resource instance.

        A missing object or instance is created on the way.
        """
        if len(path) < 3:
            raise ValueError(f"{path}: values belong to resources or resource instances")
        object_id, instance_id, resource_id = path.ids[:3]
        obj = self.objects.setdefault(object_id, DeviceObject(object_id))
        instance = obj.instances.setdefault(instance_id, {})
        if path.is_resource_instance:
            current = instance.get(resource_id)
            resource = dict(current) if isinstance(current, Mapping) else {}
            resource[path.ids[3]] = value
            instance[resource_id] = resource
        elif isinstance(value, Mapping):
            instance[resource_id] = dict(value)
        elif isinstance(value, list) and not value:
            instance[resource_id] = {}
        else:
            instance[resource_id] = value

    def apply(self, values: Mapping[Path, Any], *, replace_multiple: bool) -> list[Path]:
        """Store decoded values (the codecs' shape); returns the resource paths changed.

        With ``replace_multiple``, a multiple resource named in ``values`` keeps only the
        instances given (Write-Replace); otherwise the given instances are merged in.
        """
        grouped = group_by_resource(values)
        for resource_path, value in grouped.items():
            if isinstance(value, dict) and not replace_multiple:
                current = self.resource(resource_path)
                if isinstance(current, Mapping):
                    value = {**current, **value}
            self.set(resource_path, value)
        return list(grouped)

    def create_instance(self, object_id: int, instance_id: int) -> None:
        obj = self.objects.setdefault(object_id, DeviceObject(object_id))
        obj.instances.setdefault(instance_id, {})

    def delete_instance(self, path: Path) -> None:
        del self.objects[path.ids[0]].instances[path.ids[1]]

    def free_instance_id(self, object_id: int) -> int:
        taken = self.objects[object_id].instances if object_id in self.objects else {}
        return next(i for i in range(len(taken) + 1) if i not in taken)


def group_by_resource(values: Mapping[Path, Any]) -> dict[Path, Any]:
    """Codec-shaped values -> ``{resource path: value or {ri: value}}``."""
    grouped: dict[Path, Any] = {}
    for path, value in values.items():
        if path.is_resource_instance:
            resource = grouped.setdefault(path.resource_path(), {})
            resource[path.ids[3]] = value
        elif isinstance(value, list):
            grouped.setdefault(path, {})
        else:
            grouped[path] = value
    return grouped
