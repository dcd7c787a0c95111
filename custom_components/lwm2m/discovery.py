"""The entities a device should have, from the entity table: one target per entity.

For each resource of each object instance a device registers, the first matching row of
``entity_table.TABLE`` gives the description; this module completes it for that resource
and instance (name, unit and classes from the DDF, the range of a number) and applies the
device protocol of the object, if the user set one up. It also says which resources to
observe after registration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from homeassistant.components.sensor import (
    DEVICE_CLASS_STATE_CLASSES,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.components.sensor.const import DEVICE_CLASS_UNITS
from homeassistant.const import EntityCategory, Platform

from .descriptions import (
    EntityRow,
    LwM2MEntityDescription,
    LwM2MNumberDescription,
    LwM2MSensorDescription,
    LwM2MTextDescription,
    Role,
)
from .device_protocols.settings import (
    PROTECTED_OBJECTS,
    DeviceProtocols,
    MeasurementSettings,
    ObjectProtocol,
    ResourceSettings,
)
from .engine import ObjectDef, ObjectRegistry, Path, ResourceDef, ResourceType, announced_version
from .entity_table import (
    FUNCTION_ROWS,
    IN_VALUE_UNITS,
    MEASURED,
    NUMERIC,
    OBSERVED_AS_INSTANCE,
    SENSOR_VALUE,
    TABLE,
)
from .units import UNITS, Unit, ha_unit
from .values.names import state_options

# Numbers without a DDF range: the widest range Home Assistant's frontend handles well.
UNBOUNDED = 1_000_000_000.0
MAX_TEXT_LENGTH = 255
_NOT_NUMERIC_CLASSES = frozenset(
    {SensorDeviceClass.DATE, SensorDeviceClass.ENUM, SensorDeviceClass.TIMESTAMP}
)


@dataclass(frozen=True, slots=True)
class EntityTarget:
    """One entity to be: a resource of one object instance of one device, described."""

    endpoint: str
    path: Path  # /object/instance/resource
    description: LwM2MEntityDescription
    # ``{endpoint}-{obj}-{inst}-{res}``; a functionality's entity adds ``-{role}``. Made
    # once: the hub's table and the entity's registry entry share the one string.
    unique_id: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object_id, instance_id, resource_id = self.path.ids
        base = f"{self.endpoint}-{object_id}-{instance_id}-{resource_id}"
        role = self.description.role
        unique_id = base if role is Role.VALUE else f"{base}-{role.value}"
        object.__setattr__(self, "unique_id", unique_id)

    @property
    def platform(self) -> Platform:
        return self.description.platform

    @property
    def instance_id(self) -> int:
        return self.path.ids[1]


@dataclass(frozen=True, slots=True)
class AutoObserve:
    """A resource (``resource_id`` None: the whole object instance) to observe right after
    registration, with its notification attributes."""

    resource_id: int | None
    pmin: int | None = None
    pmax: int | None = None
    gt: float | None = None
    lt: float | None = None
    st: float | None = None

    @property
    def attributes(self) -> dict[str, int | float]:
        """The write-attributes to send before observing (none: the device's defaults)."""
        values: dict[str, int | float | None] = {
            "pmin": self.pmin,
            "pmax": self.pmax,
            "gt": self.gt,
            "lt": self.lt,
            "st": self.st,
        }
        return {name: value for name, value in values.items() if value is not None}


@lru_cache(maxsize=4096)
def find_row(object_id: int, resource: ResourceDef) -> EntityRow | None:
    """The first row that matches, or None when none does.

    Cached: every registration asks for every resource of every instance it lists, and
    the table never changes (ResourceDef is frozen, so equal definitions share an answer).
    """
    return next((row for row in TABLE if row.matches(object_id, resource)), None)


# --- one resource -------------------------------------------------------------------------


def describe(
    obj: ObjectDef,
    resource: ResourceDef,
    protocol: ObjectProtocol | None = None,
    instance_id: int = 0,
) -> LwM2MEntityDescription | None:
    """The value entity ``resource`` of instance ``instance_id`` of ``obj`` gets, if any.

    A measured extreme or range limit takes the unit and device class of the object's
    Sensor Value sensor (a measurement's unit included) when that one has a unit.
    """
    description = _describe_alone(obj, resource, protocol, instance_id)
    value = obj.resources.get(SENSOR_VALUE)
    if (
        not isinstance(description, LwM2MSensorDescription)
        or description.measurement is not None
        or resource.id not in IN_VALUE_UNITS
        or resource.type not in NUMERIC
        or value is None
    ):
        return description
    value_description = _describe_alone(obj, value, protocol, instance_id)
    if not isinstance(value_description, LwM2MSensorDescription):
        return description
    unit = value_description.native_unit_of_measurement
    if unit is None:
        return description
    return dataclasses.replace(
        description,
        native_unit_of_measurement=unit,
        device_class=value_description.device_class,
    )


def _describe_alone(
    obj: ObjectDef,
    resource: ResourceDef,
    protocol: ObjectProtocol | None,
    instance_id: int,
) -> LwM2MEntityDescription | None:
    settings = _settings(obj, resource, protocol)
    if settings is not None and settings.measurement is not None:
        return _measurement(obj, resource, settings.measurement, instance_id)
    row = find_row(obj.id, resource)
    if row is None or row.description is None:
        return None
    enabled = row.description.entity_registry_enabled_default
    if protocol is not None:
        if not protocol.shown(resource.id):
            return None
        enabled = True
    elif row.on_request:
        return None
    unit, device_class, state_class = _units_and_classes(row, resource)
    return _complete(
        row,
        row.description,
        obj,
        resource,
        instance_id,
        device_class=device_class,
        state_class=state_class,
        unit=unit,
        enabled=enabled,
    )


def describe_functions(
    obj: ObjectDef,
    resource: ResourceDef,
    protocol: ObjectProtocol | None,
    instance_id: int = 0,
) -> list[LwM2MEntityDescription]:
    """The entities the protocol's functionalities add to a resource (``FUNCTION_ROWS``)."""
    settings = _settings(obj, resource, protocol)
    if settings is None:
        return []
    placeholders = {"name": plain_name(obj, resource, instance_id)}
    return [
        dataclasses.replace(
            row.description,
            resource_id=resource.id,
            entity_category=_function_category(row.description.role, settings),
            translation_placeholders=placeholders,
            resource_type=resource.type,
            multiple=resource.multiple,
            measurement=settings.measurement,
            alarm=settings.alarm,
            event=settings.event,
        )
        for row in FUNCTION_ROWS
        if row.needs(settings)
    ]


def describe_object(
    obj: ObjectDef, protocol: ObjectProtocol | None = None, instance_id: int = 0
) -> list[LwM2MEntityDescription]:
    """The entities of one instance of ``obj``, by resource id (its value entity first)."""
    descriptions: list[LwM2MEntityDescription] = []
    for rid in sorted(obj.resources):
        resource = obj.resources[rid]
        value = describe(obj, resource, protocol, instance_id)
        if value is not None:
            descriptions.append(value)
        descriptions.extend(describe_functions(obj, resource, protocol, instance_id))
    return descriptions


_SHARED_LIMIT = 4096
_shared: dict[
    tuple[int, int, int],
    tuple[ObjectDef, ObjectProtocol | None, tuple[LwM2MEntityDescription, ...]],
] = {}


def shared_descriptions(
    obj: ObjectDef, protocol: ObjectProtocol | None, instance_id: int
) -> tuple[LwM2MEntityDescription, ...]:
    """``describe_object``'s answer, one tuple of frozen descriptions for every device.

    Devices with the same definition, protocol and instance share it. The key is the
    identity of both (neither is hashable); the entry holds them, so no id is reused
    while it lives.
    """
    key = (id(obj), id(protocol), instance_id)
    found = _shared.get(key)
    if found is not None and found[0] is obj and found[1] is protocol:
        return found[2]
    if len(_shared) >= _SHARED_LIMIT:
        _shared.clear()
    descriptions = tuple(describe_object(obj, protocol, instance_id))
    _shared[key] = (obj, protocol, descriptions)
    return descriptions


def plain_name(obj: ObjectDef, resource: ResourceDef, instance_id: int) -> str:
    """ "<object> [<instance>] <resource>", from the DDF."""
    if instance_id == 0:
        return f"{obj.name} {resource.name}"
    return f"{obj.name} {instance_id} {resource.name}"


def _name(
    row: EntityRow,
    description: LwM2MEntityDescription,
    obj: ObjectDef,
    resource: ResourceDef,
    instance_id: int,
) -> str | None:
    """The entity's name, or None when its translation key or device class names it."""
    translated = description.translation_key is not None
    if translated and instance_id == 0:
        return None
    if row.primary:
        if description.device_class is not None and instance_id == 0:
            return None
        return obj.name if instance_id == 0 else f"{obj.name} {instance_id}"
    if translated:
        return f"{resource.name} {instance_id}"
    return plain_name(obj, resource, instance_id)


def _complete(
    row: EntityRow,
    template: LwM2MEntityDescription,
    obj: ObjectDef,
    resource: ResourceDef,
    instance_id: int,
    *,
    device_class: str | None,
    state_class: SensorStateClass | str | None,
    unit: str | None,
    enabled: bool,
) -> LwM2MEntityDescription:
    """``template`` (the row's description) for one resource of one instance."""
    description = dataclasses.replace(
        template,
        resource_id=resource.id,
        device_class=device_class,
        entity_registry_enabled_default=enabled,
        resource_type=resource.type,
        multiple=resource.multiple,
    )
    name = _name(row, description, obj, resource, instance_id)
    named: dict[str, Any] = {} if name is None else {"name": name}
    value_range = resource.value_range
    if isinstance(description, LwM2MSensorDescription):
        names = description.value_names
        return dataclasses.replace(
            description,
            native_unit_of_measurement=unit,
            state_class=state_class,
            options=None if names is None else state_options(names),
            **named,
        )
    if isinstance(description, LwM2MNumberDescription):
        unsigned = resource.type is ResourceType.UNSIGNED_INTEGER
        return dataclasses.replace(
            description,
            native_unit_of_measurement=unit,
            native_min_value=(
                value_range.minimum if value_range else (0.0 if unsigned else -UNBOUNDED)
            ),
            native_max_value=value_range.maximum if value_range else UNBOUNDED,
            native_step=0.01 if resource.type is ResourceType.FLOAT else 1.0,
            **named,
        )
    if isinstance(description, LwM2MTextDescription):
        longest = int(value_range.maximum) if value_range else MAX_TEXT_LENGTH
        return dataclasses.replace(description, native_max=longest, **named)
    return dataclasses.replace(description, **named)


def _units_and_classes(
    row: EntityRow, resource: ResourceDef
) -> tuple[str | None, str | None, SensorStateClass | str | None]:
    """The row's unit and classes; what it leaves open comes from the DDF's Units."""
    description = row.description
    rule_unit = getattr(description, "native_unit_of_measurement", None)
    rule_class = description.device_class if description is not None else None
    rule_state = getattr(description, "state_class", None)
    derived = ha_unit(resource.units) if resource.type in NUMERIC else None
    if derived is None:
        return rule_unit, rule_class, rule_state
    if not row.units_decide:
        return rule_unit or derived.native, rule_class, rule_state
    return (
        rule_unit or derived.native,
        rule_class or derived.device_class,
        rule_state or derived.state_class,
    )


def _settings(
    obj: ObjectDef, resource: ResourceDef, protocol: ObjectProtocol | None
) -> ResourceSettings | None:
    """The protocol's settings of a resource; objects holding secrets never have any, and
    only a readable resource has values to measure, alarm on or pass on."""
    if protocol is None or obj.id in PROTECTED_OBJECTS or not resource.operations.readable:
        return None
    return protocol.settings(resource.id)


def _measurement(
    obj: ObjectDef, resource: ResourceDef, measurement: MeasurementSettings, instance_id: int
) -> LwM2MEntityDescription:
    """A measurement sensor: the row's unit and device class unless the protocol names a
    unit; a device class that cannot be a measurement is left out."""
    row = find_row(obj.id, resource)
    if row is None or row.description is None:
        row = MEASURED
    unit, device_class, _state_class = _units_and_classes(row, resource)
    if measurement.unit is not None and measurement.unit != unit:
        chosen = _unit_named(measurement.unit)
        unit, device_class = chosen.native, chosen.device_class
    if device_class is not None and not _measurable(device_class):
        device_class = None
    shown = row.description
    assert shown is not None  # MEASURED describes a sensor
    translation_key = shown.translation_key if shown.platform is Platform.SENSOR else None
    template = LwM2MSensorDescription(
        key=shown.key, translation_key=translation_key, measurement=measurement
    )
    return _complete(
        row,
        template,
        obj,
        resource,
        instance_id,
        device_class=device_class,
        state_class=SensorStateClass.MEASUREMENT,
        unit=unit,
        enabled=True,
    )


def _unit_named(text: str) -> Unit:
    """A unit as the user typed it: a DDF code ("Cel") or a Home Assistant unit ("°C",
    "°F"), with the device class Home Assistant converts it in when only one takes it."""
    same = next((unit for unit in UNITS.values() if unit.native == text), None)
    if same is not None:
        return same
    if text in UNITS:
        return UNITS[text]
    classes = [
        device_class
        for device_class, units in DEVICE_CLASS_UNITS.items()
        if text in units and _measurable(device_class)
    ]
    return Unit(text, classes[0] if len(classes) == 1 else None)


def _measurable(device_class: str) -> bool:
    try:
        sensor_class = SensorDeviceClass(device_class)
    except ValueError:
        return False
    allowed = DEVICE_CLASS_STATE_CLASSES.get(sensor_class)
    return sensor_class not in _NOT_NUMERIC_CLASSES and (
        allowed is None or SensorStateClass.MEASUREMENT in allowed
    )


def _function_category(role: Role, settings: ResourceSettings) -> EntityCategory | None:
    """An alarm only a measurement's parse errors raise is a diagnostic."""
    alarm_roles = (Role.ALARM, Role.ALARM_EVENTS)
    return EntityCategory.DIAGNOSTIC if role in alarm_roles and settings.alarm is None else None


def observations(obj: ObjectDef, protocol: ObjectProtocol | None = None) -> list[AutoObserve]:
    """The resources of ``obj`` to observe after registration."""
    if obj.id in PROTECTED_OBJECTS:
        return []
    if protocol is not None:
        return [
            AutoObserve(rid, settings.pmin, settings.pmax, settings.gt, settings.lt, settings.st)
            for rid, settings in sorted(protocol.resources.items())
            if settings.observes and rid in obj.resources
        ]
    result = []
    for rid in sorted(obj.resources):
        row = find_row(obj.id, obj.resources[rid])
        if row is not None and row.observe:
            result.append(AutoObserve(rid))
    if result and obj.id in OBSERVED_AS_INSTANCE:
        return [AutoObserve(None)]
    return result


# --- a device -----------------------------------------------------------------------------


def object_definition(
    object_registry: ObjectRegistry, object_id: int, version: str | None
) -> ObjectDef | None:
    """The definition of the version the device announced, else the preferred one."""
    if version is not None:
        found = object_registry.get(object_id, version)
        if found is not None:
            return found
    return object_registry.get(object_id)


def instance_paths(objects: Iterable[Path]) -> list[Path]:
    """Object-instance paths among a registration's links, sorted."""
    return sorted(path for path in objects if len(path) == 2)


def _defined_instances(
    objects: Mapping[Path, Mapping[str, Any]], object_registry: ObjectRegistry
) -> Iterator[tuple[Path, ObjectDef]]:
    """The device's object instances whose object has a definition, with it."""
    for instance in instance_paths(objects):
        object_id = instance.ids[0]
        obj = object_definition(object_registry, object_id, announced_version(objects, object_id))
        if obj is not None:
            yield instance, obj


def device_targets(
    endpoint: str,
    objects: Mapping[Path, Mapping[str, Any]],
    object_registry: ObjectRegistry,
    protocols: DeviceProtocols,
) -> dict[str, EntityTarget]:
    """Every entity the device's object instances call for, by unique id."""
    targets: dict[str, EntityTarget] = {}
    for instance, obj in _defined_instances(objects, object_registry):
        for description in shared_descriptions(obj, protocols.get(obj.id), instance.ids[1]):
            target = EntityTarget(endpoint, instance.child(description.resource_id), description)
            targets[target.unique_id] = target
    return targets


def device_observations(
    objects: Mapping[Path, Mapping[str, Any]],
    object_registry: ObjectRegistry,
    protocols: DeviceProtocols,
) -> dict[Path, AutoObserve]:
    """The resource paths to observe on a device, by path."""
    result: dict[Path, AutoObserve] = {}
    for instance, obj in _defined_instances(objects, object_registry):
        for observation in observations(obj, protocols.get(obj.id)):
            rid = observation.resource_id
            result[instance if rid is None else instance.child(rid)] = observation
    return result
