"""The resources of a device that automations can name: those whose device protocol gives
them an alarm, a *Send event* or a *custom action* (from the hub's entity targets), and
the executable, writable and readable ones its object definitions describe."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from ..const import DOMAIN
from ..descriptions import Role
from ..device_protocols.alarms import AlarmTracker
from ..device_protocols.settings import PROTECTED_OBJECTS
from ..discovery import EntityTarget, instance_paths, object_definition
from ..engine import Path, ResourceDef, announced_version
from ..hub import LwM2MHub


class Function(StrEnum):
    """What a device protocol makes of a resource that a trigger or condition can use."""

    ALARM = "alarm"  # raised and cleared (a measurement's parse errors too)
    EVENT = "event"  # Send event: every reported value
    PAYLOAD = "payload"  # custom action: every reported value, as bytes

    @property
    def label(self) -> str:
        """As the device protocol's form names it."""
        return _LABELS[self]


_LABELS = {Function.ALARM: "alarm", Function.EVENT: "Send event", Function.PAYLOAD: "custom action"}


_ROLES = {Role.ALARM: Function.ALARM, Role.EVENTS: Function.EVENT, Role.PAYLOAD: Function.PAYLOAD}


@dataclass(frozen=True, slots=True)
class FunctionTarget:
    """A resource's functionality and the entity that shows it."""

    function: Function
    target: EntityTarget

    @property
    def path(self) -> Path:
        return self.target.path

    def registry_id(self, hass: HomeAssistant) -> str | None:
        """The id of the entity's registry entry (what device automations name)."""
        entity_registry = er.async_get(hass)
        entity_id = entity_registry.async_get_entity_id(
            self.target.platform, DOMAIN, self.target.unique_id
        )
        entry = None if entity_id is None else entity_registry.async_get(entity_id)
        return None if entry is None else entry.id


def function_targets(hub: LwM2MHub, endpoint: str) -> Iterator[FunctionTarget]:
    """The device's functionalities, in path order."""
    targets = sorted(hub.targets.get(endpoint, {}).values(), key=lambda target: target.path)
    for target in targets:
        function = _ROLES.get(target.description.role)
        if function is not None:
            yield FunctionTarget(function, target)


def resource_value(hub: LwM2MHub, target: EntityTarget) -> Any:
    """The resource's value; for a multiple resource, its lowest instance's."""
    if target.description.multiple:
        instances = hub.resource_instances(target.endpoint, target.path)
        return instances[min(instances)] if instances else None
    return hub.value(target.endpoint, target.path)


def alarm_tracker(hub: LwM2MHub, target: EntityTarget) -> AlarmTracker:
    """The hub's one tracker of the resource's alarm: its ``active`` alarm is the one the
    resource's problem binary sensor shows, its ``latest`` changes what the value the hub
    fed it last raised or cleared."""
    return hub.alarm_tracker(target.endpoint, target.path)


@dataclass(frozen=True, slots=True)
class DeviceResource:
    """One resource of one object instance the device has, with its definition."""

    path: Path
    object_name: str
    definition: ResourceDef

    @property
    def label(self) -> str:
        """``/3/0/4 Device Reboot``: the path first, so that a list sorts and reads well."""
        return f"{self.path} {self.object_name} {self.definition.name}"


def device_resources(hub: LwM2MHub, endpoint: str) -> Iterator[DeviceResource]:
    """Every resource the definitions of the device's object instances describe, less
    those of the objects that hold secrets (Security, Access Control, OSCORE)."""
    state = hub.devices.get(endpoint)
    if state is None:
        return
    for instance in instance_paths(state.objects):
        object_id = instance.ids[0]
        if object_id in PROTECTED_OBJECTS:
            continue
        version = announced_version(state.objects, object_id)
        obj = object_definition(hub.object_registry, object_id, version)
        if obj is None:
            continue
        for resource in sorted(obj.resources.values(), key=lambda item: item.id):
            yield DeviceResource(instance.child(resource.id), obj.name, resource)
