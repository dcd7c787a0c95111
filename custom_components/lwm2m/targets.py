"""The entities a device should have: one target per (object instance, resource)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .engine.model import ObjectDef, ObjectRegistry
from .engine.path import Path
from .engine.registration.record import announced_version
from .mapping import EntitySpec, Observation, Role, describe_object, observations
from .protocols import DeviceProtocols


@dataclass(frozen=True, slots=True)
class EntityTarget:
    """One entity to be: which resource of which device, described by ``spec``."""

    endpoint: str
    instance_id: int
    spec: EntitySpec

    @property
    def path(self) -> Path:
        return Path.of(self.spec.object_id, self.instance_id, self.spec.resource_id)

    @property
    def unique_id(self) -> str:
        """``{endpoint}-{obj}-{inst}-{res}``; a functionality's entity adds ``-{role}``."""
        spec = self.spec
        base = f"{self.endpoint}-{spec.object_id}-{self.instance_id}-{spec.resource_id}"
        return base if spec.role is Role.VALUE else f"{base}-{spec.role.value}"


def object_definition(
    registry: ObjectRegistry, object_id: int, version: str | None
) -> ObjectDef | None:
    """The definition of the version the device announced, else the preferred one."""
    if version is not None:
        found = registry.get(object_id, version)
        if found is not None:
            return found
    return registry.get(object_id)


def instance_paths(objects: Iterable[Path]) -> list[Path]:
    """Object-instance paths among a registration's links, sorted."""
    return sorted(path for path in objects if len(path) == 2)


def device_targets(
    endpoint: str,
    objects: Mapping[Path, Mapping[str, Any]],
    registry: ObjectRegistry,
    protocols: DeviceProtocols,
) -> dict[str, EntityTarget]:
    """Every entity the device's object instances call for, by unique id."""
    targets: dict[str, EntityTarget] = {}
    for instance in instance_paths(objects):
        object_id, instance_id = instance.ids
        obj = object_definition(registry, object_id, announced_version(objects, object_id))
        if obj is None:
            continue
        for spec in describe_object(obj, protocols.get(object_id)):
            target = EntityTarget(endpoint, instance_id, spec)
            targets[target.unique_id] = target
    return targets


def device_observations(
    objects: Mapping[Path, Mapping[str, Any]],
    registry: ObjectRegistry,
    protocols: DeviceProtocols,
) -> dict[Path, Observation]:
    """The resource paths to observe on a device, by path."""
    result: dict[Path, Observation] = {}
    for instance in instance_paths(objects):
        object_id, instance_id = instance.ids
        obj = object_definition(registry, object_id, announced_version(objects, object_id))
        if obj is None:
            continue
        for observation in observations(obj, protocols.get(object_id)):
            result[instance.child(observation.resource_id)] = observation
    return result
