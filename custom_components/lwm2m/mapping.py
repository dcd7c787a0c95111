"""Which entity a resource becomes: one declarative table, read top to bottom.

Every resource of every object instance a device registers is matched against ``RULES``;
the first rule that matches decides the platform and the entity description, and a rule
with ``platform=None`` means "no entity". Specific rules (well-known objects and
resources) come first, generic ones (by type and operations) last.

Naming: a rule's ``translation_key`` names well-known resources of single-instance objects
(/1, /3, /4, /5, /6). A ``primary`` resource (the object's main value) is named after its
object: by its device class on instance 0 when it has one ("Temperature"), else by the
object name ("Light Control", "Light Control 1"). Everything else is named
"<object> [<instance>] <resource>" from the DDF ("Temperature Min Measured Value").

Multiple-instance resources become one read-only sensor per resource: its state is the
lowest resource instance's value and ``values`` holds every instance by id (a multiple
binary sensor, such as the device's Error Code, is on while any instance is).

Some entities stand for a whole object instance: the row of one resource places them and
they read the instance's other resources too (the Firmware Update object's ``update``
entity on State, the Location object's ``device_tracker`` on Latitude). A row without a
platform but with ``observe`` keeps such a resource observed without an entity of its own.
Rows with ``value_names`` name a resource's codes: an enum sensor's states, or the
meanings a problem sensor lists.

The user's device protocol for an object (see ``protocols.py``) replaces the defaults: it
shows exactly the resources it lists and observes the ones it marks. Its functionalities
feed the same table: a resource with a measurement becomes a measurement sensor whatever
its row says, and ``FUNCTION_ENTITIES`` lists the entities a functionality adds beside it
(an alarm: a problem binary sensor and an event entity; a measurement gets the same pair
for the parse_error alarm; an event: an event entity; a custom action: an event entity
carrying the raw bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import ButtonDeviceClass
from homeassistant.components.sensor import (
    DEVICE_CLASS_STATE_CLASSES,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.components.sensor.const import DEVICE_CLASS_UNITS
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    Platform,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfInformation,
    UnitOfLength,
    UnitOfPower,
    UnitOfPressure,
    UnitOfSoundPressure,
    UnitOfTemperature,
    UnitOfTime,
)

from .alarms import AlarmSettings
from .engine.model import ObjectDef, Operations, ResourceDef, ResourceType
from .protocols import (
    PROTECTED_OBJECTS,
    EventSettings,
    MeasurementSettings,
    ObjectProtocol,
    ResourceSettings,
)
from .units import PARTS_PER_MILLION, UNITS, Unit, ha_unit
from .value_names import BATTERY_STATUS, DEVICE_ERRORS, NETWORK_BEARERS, ValueNames

R = Operations.R
RW = Operations.R | Operations.W
E = Operations.E
READABLE = frozenset({R, RW})

NUMERIC = frozenset({ResourceType.INTEGER, ResourceType.UNSIGNED_INTEGER, ResourceType.FLOAT})
BOOLEAN = frozenset({ResourceType.BOOLEAN})
TEXT = frozenset({ResourceType.STRING})
TEXTUAL = frozenset({ResourceType.STRING, ResourceType.CORELNK})
TIME = frozenset({ResourceType.TIME})
LINK = frozenset({ResourceType.OBJLNK})
OPAQUE = frozenset({ResourceType.OPAQUE})

_DIAGNOSTIC = EntityCategory.DIAGNOSTIC
_CONFIG = EntityCategory.CONFIG
_MEASUREMENT = SensorStateClass.MEASUREMENT
_TOTAL_INCREASING = SensorStateClass.TOTAL_INCREASING

# IPSO resources shared by many objects.
SENSOR_VALUE = 5700
MIN_MEASURED = frozenset({5601})
MAX_MEASURED = frozenset({5602})
RANGE_LIMITS = frozenset({5603, 5604})
# Resources in the unit of their object's Sensor Value: their sensors share its unit and
# device class, so Home Assistant converts them alike.
IN_VALUE_UNITS = MIN_MEASURED | MAX_MEASURED | RANGE_LIMITS


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One row of the table: what to match, and the entity a match gets."""

    platform: Platform | None
    objects: frozenset[int] | None = None
    resources: frozenset[int] | None = None
    types: frozenset[ResourceType] | None = None
    operations: frozenset[Operations] | None = None
    multiple: bool | None = None
    translation_key: str | None = None
    primary: bool = False
    device_class: str | None = None
    state_class: SensorStateClass | None = None
    unit: str | None = None
    units_decide: bool = False  # device/state class and unit from the DDF's Units
    category: EntityCategory | None = None
    enabled: bool = True
    observe: bool = False  # with platform=None: observed for an entity of the same instance
    value_names: ValueNames | None = None  # codes an enum sensor names, or error meanings

    def matches(self, object_id: int, resource: ResourceDef) -> bool:
        return (
            (self.objects is None or object_id in self.objects)
            and (self.resources is None or resource.id in self.resources)
            and (self.types is None or resource.type in self.types)
            and (self.operations is None or resource.operations in self.operations)
            and (self.multiple is None or resource.multiple == self.multiple)
        )


def _ids(*ids: int) -> frozenset[int]:
    return frozenset(ids)


def _ops(*operations: Operations) -> frozenset[Operations]:
    return frozenset(operations)


SENSOR = Platform.SENSOR
BINARY_SENSOR = Platform.BINARY_SENSOR
SWITCH = Platform.SWITCH
NUMBER = Platform.NUMBER
TEXT_PLATFORM = Platform.TEXT
BUTTON = Platform.BUTTON
EVENT = Platform.EVENT
UPDATE = Platform.UPDATE
DEVICE_TRACKER = Platform.DEVICE_TRACKER


def _device(resource_id: int, key: str, platform: Platform = SENSOR, **overrides: Any) -> Rule:
    """A resource of the Device object (/3)."""
    rule = Rule(platform=platform, objects=_ids(3), resources=_ids(resource_id))
    return replace(rule, translation_key=key, **overrides)


def _connectivity(resource_id: int, key: str, **overrides: Any) -> Rule:
    """A resource of the Connectivity Monitoring object (/4): all diagnostic."""
    rule = Rule(platform=SENSOR, objects=_ids(4), resources=_ids(resource_id))
    return replace(rule, translation_key=key, category=_DIAGNOSTIC, **overrides)


def _measuring(
    object_id: int,
    device_class: str | None,
    unit: str | None,
    state_class: SensorStateClass = _MEASUREMENT,
) -> tuple[Rule, ...]:
    """An IPSO sensor object: its Sensor Value, measured extremes and range limits."""
    base = Rule(platform=SENSOR, objects=_ids(object_id), device_class=device_class, unit=unit)
    return (
        replace(
            base,
            resources=_ids(SENSOR_VALUE),
            types=NUMERIC,
            primary=True,
            state_class=state_class,
            observe=True,
        ),
        replace(base, resources=MIN_MEASURED | MAX_MEASURED),
        replace(base, resources=RANGE_LIMITS, category=_DIAGNOSTIC, enabled=False),
    )


def _primary(
    platform: Platform,
    objects: Iterable[int],
    resource_id: int,
    types: frozenset[ResourceType],
    **overrides: Any,
) -> Rule:
    """The main value of an actuator or input object: named after it and observed."""
    rule = Rule(platform=platform, objects=frozenset(objects), resources=_ids(resource_id))
    return replace(rule, types=types, primary=True, observe=True, **overrides)


_D = SensorDeviceClass

RULES: tuple[Rule, ...] = (
    # Never entities: secrets, access control, binary blobs.
    Rule(platform=None, objects=PROTECTED_OBJECTS),
    Rule(platform=None, types=OPAQUE),
    # LwM2M Server (/1): the timing the device was given.
    Rule(
        platform=NUMBER,
        objects=_ids(1),
        resources=_ids(1),
        translation_key="lifetime",
        unit=UnitOfTime.SECONDS,
        category=_CONFIG,
        enabled=False,
    ),
    Rule(
        platform=NUMBER,
        objects=_ids(1),
        resources=_ids(2),
        translation_key="default_pmin",
        unit=UnitOfTime.SECONDS,
        category=_CONFIG,
        enabled=False,
    ),
    Rule(
        platform=NUMBER,
        objects=_ids(1),
        resources=_ids(3),
        translation_key="default_pmax",
        unit=UnitOfTime.SECONDS,
        category=_CONFIG,
        enabled=False,
    ),
    Rule(platform=None, objects=_ids(1)),
    # Device (/3). Identity strings also land in the device registry, so they start disabled.
    _device(0, "manufacturer", category=_DIAGNOSTIC, enabled=False),
    _device(1, "model_number", category=_DIAGNOSTIC, enabled=False),
    _device(2, "serial_number", category=_DIAGNOSTIC, enabled=False),
    _device(3, "firmware_version", category=_DIAGNOSTIC),
    _device(4, "reboot", BUTTON, device_class=ButtonDeviceClass.RESTART, category=_CONFIG),
    _device(5, "factory_reset", BUTTON, category=_CONFIG, enabled=False),
    _device(6, "available_power_sources", category=_DIAGNOSTIC, enabled=False),
    _device(
        7,
        "power_source_voltage",
        device_class=_D.VOLTAGE,
        unit=UnitOfElectricPotential.MILLIVOLT,
        state_class=_MEASUREMENT,
        category=_DIAGNOSTIC,
        enabled=False,
    ),
    _device(
        8,
        "power_source_current",
        device_class=_D.CURRENT,
        unit=UnitOfElectricCurrent.MILLIAMPERE,
        state_class=_MEASUREMENT,
        category=_DIAGNOSTIC,
        enabled=False,
    ),
    _device(
        9,
        "battery_level",
        device_class=_D.BATTERY,
        unit=PERCENTAGE,
        state_class=_MEASUREMENT,
        category=_DIAGNOSTIC,
    ),
    _device(
        10,
        "memory_free",
        device_class=_D.DATA_SIZE,
        unit=UnitOfInformation.KIBIBYTES,
        state_class=_MEASUREMENT,
        category=_DIAGNOSTIC,
        enabled=False,
    ),
    _device(
        11,
        "error_code",
        BINARY_SENSOR,
        device_class=BinarySensorDeviceClass.PROBLEM,
        category=_DIAGNOSTIC,
        value_names=DEVICE_ERRORS,
        observe=True,
    ),
    _device(12, "reset_error_code", BUTTON, category=_CONFIG, enabled=False),
    _device(13, "current_time", device_class=_D.TIMESTAMP, category=_DIAGNOSTIC, enabled=False),
    _device(14, "utc_offset", TEXT_PLATFORM, category=_CONFIG, enabled=False),
    _device(15, "timezone", TEXT_PLATFORM, category=_CONFIG, enabled=False),
    _device(16, "supported_binding", category=_DIAGNOSTIC, enabled=False),
    _device(17, "device_type", category=_DIAGNOSTIC, enabled=False),
    _device(18, "hardware_version", category=_DIAGNOSTIC, enabled=False),
    _device(19, "software_version", category=_DIAGNOSTIC, enabled=False),
    _device(
        20,
        "battery_status",
        device_class=_D.ENUM,
        value_names=BATTERY_STATUS,
        category=_DIAGNOSTIC,
    ),
    _device(
        21,
        "memory_total",
        device_class=_D.DATA_SIZE,
        unit=UnitOfInformation.KIBIBYTES,
        category=_DIAGNOSTIC,
        enabled=False,
    ),
    Rule(platform=None, objects=_ids(3)),
    # Connectivity Monitoring (/4).
    _connectivity(0, "network_bearer", device_class=_D.ENUM, value_names=NETWORK_BEARERS),
    _connectivity(
        1,
        "available_network_bearer",
        device_class=_D.ENUM,
        value_names=NETWORK_BEARERS,
        enabled=False,
    ),
    _connectivity(
        2,
        "radio_signal_strength",
        device_class=_D.SIGNAL_STRENGTH,
        unit=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=_MEASUREMENT,
    ),
    _connectivity(3, "link_quality", state_class=_MEASUREMENT),
    _connectivity(4, "ip_addresses"),
    _connectivity(5, "router_ip_addresses", enabled=False),
    _connectivity(6, "link_utilization", unit=PERCENTAGE, state_class=_MEASUREMENT, enabled=False),
    _connectivity(7, "apn"),
    _connectivity(8, "cell_id"),
    _connectivity(9, "smnc", enabled=False),
    _connectivity(10, "smcc", enabled=False),
    _connectivity(11, "signal_snr", units_decide=True, enabled=False),
    _connectivity(12, "lac", enabled=False),
    _connectivity(13, "coverage_enhancement_level", enabled=False),
    Rule(platform=None, objects=_ids(4)),
    # Firmware Update (/5): one update entity on State, which also follows Update Result,
    # the version resources and the images registered in Home Assistant.
    Rule(
        platform=UPDATE,
        objects=_ids(5),
        resources=_ids(3),
        translation_key="firmware",
        category=_CONFIG,
        observe=True,
    ),
    Rule(platform=None, objects=_ids(5), resources=_ids(5), observe=True),
    Rule(platform=None, objects=_ids(5)),
    # Location (/6): one tracker on Latitude that reads the rest of the instance; altitude
    # and speed are also sensors, for their history and statistics.
    Rule(
        platform=DEVICE_TRACKER,
        objects=_ids(6),
        resources=_ids(0),
        translation_key="location",
        observe=True,
    ),
    Rule(platform=None, objects=_ids(6), resources=_ids(1, 3, 5), observe=True),
    Rule(
        platform=SENSOR,
        objects=_ids(6),
        resources=_ids(2),
        translation_key="altitude",
        units_decide=True,
        state_class=_MEASUREMENT,
        observe=True,
    ),
    Rule(
        platform=SENSOR,
        objects=_ids(6),
        resources=_ids(6),
        translation_key="speed",
        units_decide=True,
        state_class=_MEASUREMENT,
        observe=True,
    ),
    Rule(platform=None, objects=_ids(6)),
    # IPSO sensors: the object says what the Sensor Value measures.
    *_measuring(3301, _D.ILLUMINANCE, LIGHT_LUX),
    *_measuring(3303, _D.TEMPERATURE, UnitOfTemperature.CELSIUS),
    *_measuring(3304, _D.HUMIDITY, PERCENTAGE),
    *_measuring(3315, _D.ATMOSPHERIC_PRESSURE, UnitOfPressure.HPA),
    *_measuring(3316, _D.VOLTAGE, UnitOfElectricPotential.VOLT),
    *_measuring(3317, _D.CURRENT, UnitOfElectricCurrent.AMPERE),
    *_measuring(3318, _D.FREQUENCY, UnitOfFrequency.HERTZ),
    *_measuring(3320, None, PERCENTAGE),
    *_measuring(3321, _D.DISTANCE, UnitOfLength.METERS),
    *_measuring(3324, _D.SOUND_PRESSURE, UnitOfSoundPressure.DECIBEL),
    *_measuring(3325, None, PARTS_PER_MILLION),
    *_measuring(3328, _D.POWER, UnitOfPower.WATT),
    *_measuring(3329, _D.POWER_FACTOR, None),
    *_measuring(3330, _D.DISTANCE, UnitOfLength.METERS),
    *_measuring(3331, _D.ENERGY, UnitOfEnergy.KILO_WATT_HOUR, _TOTAL_INCREASING),
    *_measuring(3300, None, None),
    # Inputs and actuators: their main value, observed.
    _primary(SENSOR, (3202,), 5600, NUMERIC, state_class=_MEASUREMENT),
    _primary(SENSOR, (3305,), 5800, NUMERIC, units_decide=True),
    _primary(BINARY_SENSOR, (3302,), 5500, BOOLEAN, device_class=BinarySensorDeviceClass.OCCUPANCY),
    _primary(BINARY_SENSOR, (3200, 3342, 3347), 5500, BOOLEAN),
    _primary(SWITCH, (3201,), 5550, BOOLEAN),
    _primary(SWITCH, (3306, 3311, 3312), 5850, BOOLEAN),
    Rule(
        platform=NUMBER,
        objects=_ids(3306, 3311),
        resources=_ids(5851),
        types=NUMERIC,
        unit=PERCENTAGE,
        observe=True,
    ),
    _primary(NUMBER, (3343,), 5851, NUMERIC, unit=PERCENTAGE),
    _primary(NUMBER, (3203,), 5650, NUMERIC),
    _primary(NUMBER, (3308,), 5900, NUMERIC),
    # IPSO resources many objects share.
    Rule(platform=SENSOR, resources=_ids(5501), types=NUMERIC, state_class=_TOTAL_INCREASING),
    Rule(
        platform=SENSOR,
        resources=_ids(5518),
        types=TIME,
        device_class=_D.TIMESTAMP,
        category=_DIAGNOSTIC,
        enabled=False,
    ),
    Rule(platform=None, resources=_ids(6050)),
    Rule(
        platform=SENSOR, resources=_ids(5701, 5751, 6042, 6049), category=_DIAGNOSTIC, enabled=False
    ),
    Rule(
        platform=TEXT_PLATFORM,
        resources=_ids(5750),
        operations=_ops(RW),
        types=TEXT,
        category=_CONFIG,
        enabled=False,
    ),
    Rule(
        platform=NUMBER,
        resources=_ids(5821),
        operations=_ops(RW),
        types=NUMERIC,
        category=_CONFIG,
        enabled=False,
    ),
    Rule(
        platform=SENSOR,
        resources=RANGE_LIMITS,
        types=NUMERIC,
        units_decide=True,
        category=_DIAGNOSTIC,
        enabled=False,
    ),
    Rule(platform=BUTTON, resources=_ids(5605), operations=_ops(E), category=_CONFIG),
    # Anything else, by type and operations.
    Rule(platform=SENSOR, multiple=True, operations=READABLE, units_decide=True),
    Rule(platform=BINARY_SENSOR, types=BOOLEAN, operations=_ops(R)),
    Rule(platform=SWITCH, types=BOOLEAN, operations=_ops(RW)),
    Rule(platform=SENSOR, types=NUMERIC, operations=_ops(R), units_decide=True),
    Rule(platform=NUMBER, types=NUMERIC, operations=_ops(RW)),
    Rule(platform=SENSOR, types=TEXTUAL, operations=_ops(R)),
    Rule(platform=TEXT_PLATFORM, types=TEXT, operations=_ops(RW)),
    Rule(platform=SENSOR, types=TIME, operations=READABLE, device_class=_D.TIMESTAMP),
    Rule(platform=SENSOR, types=LINK, operations=READABLE, category=_DIAGNOSTIC, enabled=False),
    Rule(platform=BUTTON, operations=_ops(E)),
)


class Role(StrEnum):
    """Which of a resource's entities a spec describes; all but VALUE come from functionalities."""

    VALUE = "value"
    ALARM = "alarm"
    ALARM_EVENTS = "alarm_events"
    EVENTS = "events"
    PAYLOAD = "payload"


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionEntity:
    """A row for protocol functionalities: an entity a resource gets beside its value."""

    needs: Callable[[ResourceSettings], bool]
    role: Role
    platform: Platform
    translation_key: str
    device_class: str | None = None


def _alarmed(settings: ResourceSettings) -> bool:
    """An alarm, or a measurement (whose unreadable values raise parse_error)."""
    return settings.alarm is not None or settings.measurement is not None


FUNCTION_ENTITIES: tuple[FunctionEntity, ...] = (
    FunctionEntity(
        needs=_alarmed,
        role=Role.ALARM,
        platform=BINARY_SENSOR,
        translation_key="alarm",
        device_class=BinarySensorDeviceClass.PROBLEM,
    ),
    FunctionEntity(
        needs=_alarmed, role=Role.ALARM_EVENTS, platform=EVENT, translation_key="alarm_events"
    ),
    FunctionEntity(
        needs=lambda settings: settings.event is not None,
        role=Role.EVENTS,
        platform=EVENT,
        translation_key="resource_events",
    ),
    FunctionEntity(
        needs=lambda settings: settings.custom_action,
        role=Role.PAYLOAD,
        platform=EVENT,
        translation_key="payload_events",
    ),
)
# A measurement is a sensor with long-term statistics whatever its row says.
_MEASURED = Rule(platform=SENSOR, state_class=_MEASUREMENT, units_decide=True)
_NOT_NUMERIC_CLASSES = frozenset({_D.DATE, _D.ENUM, _D.TIMESTAMP})


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """What one resource of an object becomes, for every instance of that object."""

    platform: Platform
    object_id: int
    resource_id: int
    object_name: str
    resource_name: str
    resource_type: ResourceType
    multiple: bool
    translation_key: str | None
    primary: bool
    device_class: str | None
    state_class: SensorStateClass | None
    unit: str | None
    category: EntityCategory | None
    enabled: bool
    minimum: float | None
    maximum: float | None
    role: Role = Role.VALUE
    value_names: ValueNames | None = None
    measurement: MeasurementSettings | None = None
    alarm: AlarmSettings | None = None
    event: EventSettings | None = None

    def plain_name(self, instance_id: int) -> str:
        """ "<object> [<instance>] <resource>", from the DDF."""
        if instance_id == 0:
            return f"{self.object_name} {self.resource_name}"
        return f"{self.object_name} {instance_id} {self.resource_name}"

    def name(self, instance_id: int) -> str | None:
        """The entity name, or None when the translation key or device class names it."""
        if self.translation_key is not None and instance_id == 0:
            return None
        if self.primary:
            if self.device_class is not None and instance_id == 0:
                return None
            return self.object_name if instance_id == 0 else f"{self.object_name} {instance_id}"
        if self.translation_key is not None:
            return f"{self.resource_name} {instance_id}"
        return self.plain_name(instance_id)


@dataclass(frozen=True, slots=True)
class Observation:
    """A resource to observe right after registration, with its notification attributes."""

    resource_id: int
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
def find_rule(object_id: int, resource: ResourceDef) -> Rule | None:
    """The first rule that matches, or None when none does.

    Cached: every registration asks for every resource of every instance it lists, and
    RULES never changes (ResourceDef is frozen, so equal definitions share an answer).
    """
    return next((rule for rule in RULES if rule.matches(object_id, resource)), None)


def describe(
    obj: ObjectDef, resource: ResourceDef, protocol: ObjectProtocol | None = None
) -> EntitySpec | None:
    """The value entity ``resource`` of ``obj`` gets, or None when it gets none.

    A measured extreme or range limit takes the unit and device class of the object's
    Sensor Value sensor (a measurement's unit included) when that one has a unit.
    """
    spec = _describe_alone(obj, resource, protocol)
    value = obj.resources.get(SENSOR_VALUE)
    if (
        spec is None
        or spec.measurement is not None
        or spec.platform is not SENSOR
        or resource.id not in IN_VALUE_UNITS
        or resource.type not in NUMERIC
        or value is None
    ):
        return spec
    value_spec = _describe_alone(obj, value, protocol)
    if value_spec is None or value_spec.platform is not SENSOR or value_spec.unit is None:
        return spec
    return replace(spec, unit=value_spec.unit, device_class=value_spec.device_class)


def _describe_alone(
    obj: ObjectDef, resource: ResourceDef, protocol: ObjectProtocol | None
) -> EntitySpec | None:
    settings = _settings(obj, resource, protocol)
    if settings is not None and settings.measurement is not None:
        return _measurement_spec(obj, resource, settings.measurement)
    rule = find_rule(obj.id, resource)
    if rule is None or rule.platform is None:
        return None
    enabled = rule.enabled
    if protocol is not None:
        if not protocol.shown(resource.id):
            return None
        enabled = True
    unit, device_class, state_class = _units_and_classes(rule, resource)
    value_range = resource.value_range
    return EntitySpec(
        platform=rule.platform,
        object_id=obj.id,
        resource_id=resource.id,
        object_name=obj.name,
        resource_name=resource.name,
        resource_type=resource.type,
        multiple=resource.multiple,
        translation_key=rule.translation_key,
        primary=rule.primary,
        device_class=device_class,
        state_class=state_class,
        unit=unit,
        category=rule.category,
        enabled=enabled,
        minimum=value_range.minimum if value_range else None,
        maximum=value_range.maximum if value_range else None,
        value_names=rule.value_names,
    )


def _units_and_classes(
    rule: Rule, resource: ResourceDef
) -> tuple[str | None, str | None, SensorStateClass | None]:
    """The rule's unit and classes; what it leaves open comes from the DDF's Units."""
    derived = ha_unit(resource.units) if resource.type in NUMERIC else None
    if derived is None:
        return rule.unit, rule.device_class, rule.state_class
    if not rule.units_decide:
        return rule.unit or derived.native, rule.device_class, rule.state_class
    return (
        rule.unit or derived.native,
        rule.device_class or derived.device_class,
        rule.state_class or derived.state_class,
    )


def _settings(
    obj: ObjectDef, resource: ResourceDef, protocol: ObjectProtocol | None
) -> ResourceSettings | None:
    """The protocol's settings of a resource; objects holding secrets never have any, and
    only a readable resource has values to measure, alarm on or pass on."""
    if protocol is None or obj.id in PROTECTED_OBJECTS or not resource.operations.readable:
        return None
    return protocol.settings(resource.id)


def _measurement_spec(
    obj: ObjectDef, resource: ResourceDef, measurement: MeasurementSettings
) -> EntitySpec:
    """A measurement sensor: the row's unit and device class unless the protocol names a
    unit; a device class that cannot be a measurement is left out."""
    row = find_rule(obj.id, resource)
    rule = _MEASURED if row is None or row.platform is None else row
    unit, device_class, _state_class = _units_and_classes(rule, resource)
    if measurement.unit is not None and measurement.unit != unit:
        chosen = _unit_named(measurement.unit)
        unit, device_class = chosen.native, chosen.device_class
    if device_class is not None and not _measurable(device_class):
        device_class = None
    value_range = resource.value_range
    return EntitySpec(
        platform=SENSOR,
        object_id=obj.id,
        resource_id=resource.id,
        object_name=obj.name,
        resource_name=resource.name,
        resource_type=resource.type,
        multiple=resource.multiple,
        translation_key=rule.translation_key if rule.platform is SENSOR else None,
        primary=rule.primary,
        device_class=device_class,
        state_class=_MEASUREMENT,
        unit=unit,
        category=None,
        enabled=True,
        minimum=value_range.minimum if value_range else None,
        maximum=value_range.maximum if value_range else None,
        measurement=measurement,
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
    return sensor_class not in _NOT_NUMERIC_CLASSES and (allowed is None or _MEASUREMENT in allowed)


def function_specs(
    obj: ObjectDef, resource: ResourceDef, protocol: ObjectProtocol | None
) -> list[EntitySpec]:
    """The entities the protocol's functionalities add to a resource (FUNCTION_ENTITIES)."""
    settings = _settings(obj, resource, protocol)
    if settings is None:
        return []
    return [
        EntitySpec(
            platform=row.platform,
            object_id=obj.id,
            resource_id=resource.id,
            object_name=obj.name,
            resource_name=resource.name,
            resource_type=resource.type,
            multiple=resource.multiple,
            translation_key=row.translation_key,
            primary=False,
            device_class=row.device_class,
            state_class=None,
            unit=None,
            category=_function_category(row.role, settings),
            enabled=True,
            minimum=None,
            maximum=None,
            role=row.role,
            measurement=settings.measurement,
            alarm=settings.alarm,
            event=settings.event,
        )
        for row in FUNCTION_ENTITIES
        if row.needs(settings)
    ]


def _function_category(role: Role, settings: ResourceSettings) -> EntityCategory | None:
    """An alarm only a measurement's parse errors raise is a diagnostic."""
    alarm_roles = (Role.ALARM, Role.ALARM_EVENTS)
    return _DIAGNOSTIC if role in alarm_roles and settings.alarm is None else None


def describe_object(obj: ObjectDef, protocol: ObjectProtocol | None = None) -> list[EntitySpec]:
    """The entities of one instance of ``obj``, by resource id (its value entity first)."""
    specs: list[EntitySpec] = []
    for rid in sorted(obj.resources):
        resource = obj.resources[rid]
        value = describe(obj, resource, protocol)
        if value is not None:
            specs.append(value)
        specs.extend(function_specs(obj, resource, protocol))
    return specs


def observations(obj: ObjectDef, protocol: ObjectProtocol | None = None) -> list[Observation]:
    """The resources of ``obj`` to observe after registration."""
    if obj.id in PROTECTED_OBJECTS:
        return []
    if protocol is not None:
        return [
            Observation(rid, settings.pmin, settings.pmax, settings.gt, settings.lt, settings.st)
            for rid, settings in sorted(protocol.resources.items())
            if settings.observes and rid in obj.resources
        ]
    result = []
    for rid in sorted(obj.resources):
        rule = find_rule(obj.id, obj.resources[rid])
        if rule is not None and rule.observe:
            result.append(Observation(rid))
    return result
