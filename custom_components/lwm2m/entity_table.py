"""Which entity a resource becomes: one declarative table, read top to bottom.

Every resource of every object instance a device registers is matched against ``TABLE``;
the first row that matches decides the entity's description, and a row without one means
"no entity". Specific rows (well-known objects and resources) come first, generic ones
(by type and operations) last. ``discovery.py`` reads the table; nothing here decides.

Naming: a row's ``translation_key`` names well-known resources of single-instance objects
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
description but with ``observe`` keeps such a resource observed without an entity of its
own. Rows with ``value_names`` name a resource's codes: an enum sensor's states, or the
meanings a problem sensor lists.

Rows marked ``on_request`` describe an entity nobody wants on every device (identity
strings the device registry already shows, the device's clock and time zone, static
capabilities, range limits, units and quality codes): it gets no registry entry, not even a
disabled one, until the object's device protocol shows the resource.

The user's device protocol for an object (``device_protocols``) replaces the defaults: it
shows exactly the resources it lists and observes the ones it marks. Its functionalities
feed the same table: a resource with a measurement becomes the ``MEASURED`` sensor
whatever its row says, and ``FUNCTION_ROWS`` lists the entities a functionality adds
beside it (an alarm: a problem binary sensor and an event entity; a measurement gets the
same pair for the parse_error alarm; an event: an event entity; a custom action: an event
entity carrying the raw bytes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import ButtonDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
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

from .descriptions import (
    EntityRow,
    FunctionRow,
    LwM2MBinarySensorDescription,
    LwM2MButtonDescription,
    LwM2MEntityDescription,
    LwM2MEventDescription,
    LwM2MNumberDescription,
    LwM2MSensorDescription,
    LwM2MSwitchDescription,
    LwM2MTextDescription,
    LwM2MTrackerDescription,
    LwM2MUpdateDescription,
    Role,
)
from .device_protocols.alarms import CLEARED, RAISED
from .device_protocols.settings import PROTECTED_OBJECTS, ResourceSettings
from .engine import Operations, ResourceType
from .units import PARTS_PER_MILLION
from .values.names import BATTERY_STATUS, DEVICE_ERRORS, NETWORK_BEARERS

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
_D = SensorDeviceClass

# What the event entities of device-protocol functionalities fire.
VALUE_RECEIVED = "value_received"
PAYLOAD_RECEIVED = "payload_received"

# IPSO resources shared by many objects.
SENSOR_VALUE = 5700
MIN_MEASURED = frozenset({5601})
MAX_MEASURED = frozenset({5602})
RANGE_LIMITS = frozenset({5603, 5604})
# Resources in the unit of their object's Sensor Value: their sensors share its unit and
# device class, so Home Assistant converts them alike.
IN_VALUE_UNITS = MIN_MEASURED | MAX_MEASURED | RANGE_LIMITS

Sensor = LwM2MSensorDescription
BinarySensor = LwM2MBinarySensorDescription
Switch = LwM2MSwitchDescription
Number = LwM2MNumberDescription
Text = LwM2MTextDescription
Button = LwM2MButtonDescription
Event = LwM2MEventDescription
Update = LwM2MUpdateDescription
Tracker = LwM2MTrackerDescription


def _ids(*ids: int) -> frozenset[int]:
    return frozenset(ids)


def _ops(*operations: Operations) -> frozenset[Operations]:
    return frozenset(operations)


def _none(**match: Any) -> EntityRow:
    """Resources that get no entity (observed all the same with ``observe=True``)."""
    return EntityRow(description=None, **match)


def _one(
    object_id: int, resource_id: int, description: LwM2MEntityDescription, on_request: bool
) -> EntityRow:
    """The row of one resource of one object."""
    return EntityRow(
        description=description,
        objects=_ids(object_id),
        resources=_ids(resource_id),
        on_request=on_request,
    )


def _device(
    resource_id: int, description: LwM2MEntityDescription, *, on_request: bool = False
) -> EntityRow:
    """A resource of the Device object (/3)."""
    return _one(3, resource_id, description, on_request)


def _connectivity(
    resource_id: int, key: str, *, on_request: bool = False, **fields: Any
) -> EntityRow:
    """A resource of the Connectivity Monitoring object (/4): all diagnostic sensors."""
    description = Sensor(key=key, translation_key=key, entity_category=_DIAGNOSTIC, **fields)
    return _one(4, resource_id, description, on_request)


def _measuring(
    object_id: int,
    device_class: SensorDeviceClass | None,
    unit: str | None,
    state_class: SensorStateClass = _MEASUREMENT,
) -> tuple[EntityRow, ...]:
    """An IPSO sensor object: its Sensor Value, measured extremes and range limits."""
    classes: dict[str, Any] = {"device_class": device_class, "native_unit_of_measurement": unit}
    objects = _ids(object_id)
    return (
        EntityRow(
            description=Sensor(key="sensor_value", state_class=state_class, **classes),
            objects=objects,
            resources=_ids(SENSOR_VALUE),
            types=NUMERIC,
            primary=True,
            observe=True,
        ),
        EntityRow(
            description=Sensor(key="measured_extremes", **classes),
            objects=objects,
            resources=MIN_MEASURED | MAX_MEASURED,
        ),
        EntityRow(
            description=Sensor(key="range_limits", entity_category=_DIAGNOSTIC, **classes),
            objects=objects,
            resources=RANGE_LIMITS,
            on_request=True,
        ),
    )


def _primary(
    description: LwM2MEntityDescription,
    objects: Iterable[int],
    resource_id: int,
    types: frozenset[ResourceType],
) -> EntityRow:
    """The main value of an actuator or input object: named after it and observed."""
    return EntityRow(
        description=description,
        objects=frozenset(objects),
        resources=_ids(resource_id),
        types=types,
        primary=True,
        observe=True,
    )


def _hidden(**fields: Any) -> dict[str, Any]:
    """An entity that starts disabled, in the given category."""
    return {"entity_registry_enabled_default": False, **fields}


TABLE: tuple[EntityRow, ...] = (
    # Never entities: secrets, access control, binary blobs.
    _none(objects=PROTECTED_OBJECTS),
    _none(types=OPAQUE),
    # LwM2M Server (/1): the timing the device was given.
    EntityRow(
        description=Number(
            key="lifetime",
            translation_key="lifetime",
            native_unit_of_measurement=UnitOfTime.SECONDS,
            **_hidden(entity_category=_CONFIG),
        ),
        objects=_ids(1),
        resources=_ids(1),
    ),
    EntityRow(
        description=Number(
            key="default_pmin",
            translation_key="default_pmin",
            native_unit_of_measurement=UnitOfTime.SECONDS,
            **_hidden(entity_category=_CONFIG),
        ),
        objects=_ids(1),
        resources=_ids(2),
    ),
    EntityRow(
        description=Number(
            key="default_pmax",
            translation_key="default_pmax",
            native_unit_of_measurement=UnitOfTime.SECONDS,
            **_hidden(entity_category=_CONFIG),
        ),
        objects=_ids(1),
        resources=_ids(3),
    ),
    _none(objects=_ids(1)),
    # Device (/3). Identity strings land in the device registry; they, the clock, the time
    # zone and the static capabilities become entities only on request (device protocols).
    _device(
        0,
        Sensor(
            key="manufacturer",
            translation_key="manufacturer",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        1,
        Sensor(
            key="model_number",
            translation_key="model_number",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        2,
        Sensor(
            key="serial_number",
            translation_key="serial_number",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        3,
        Sensor(
            key="firmware_version",
            translation_key="firmware_version",
            entity_category=_DIAGNOSTIC,
        ),
    ),
    _device(
        4,
        Button(
            key="reboot",
            translation_key="reboot",
            device_class=ButtonDeviceClass.RESTART,
            entity_category=_CONFIG,
        ),
    ),
    _device(
        5,
        Button(
            key="factory_reset",
            translation_key="factory_reset",
            **_hidden(entity_category=_CONFIG),
        ),
    ),
    _device(
        6,
        Sensor(
            key="available_power_sources",
            translation_key="available_power_sources",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        7,
        Sensor(
            key="power_source_voltage",
            translation_key="power_source_voltage",
            device_class=_D.VOLTAGE,
            native_unit_of_measurement=UnitOfElectricPotential.MILLIVOLT,
            state_class=_MEASUREMENT,
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
    ),
    _device(
        8,
        Sensor(
            key="power_source_current",
            translation_key="power_source_current",
            device_class=_D.CURRENT,
            native_unit_of_measurement=UnitOfElectricCurrent.MILLIAMPERE,
            state_class=_MEASUREMENT,
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
    ),
    _device(
        9,
        Sensor(
            key="battery_level",
            translation_key="battery_level",
            device_class=_D.BATTERY,
            native_unit_of_measurement=PERCENTAGE,
            state_class=_MEASUREMENT,
            entity_category=_DIAGNOSTIC,
        ),
    ),
    _device(
        10,
        Sensor(
            key="memory_free",
            translation_key="memory_free",
            device_class=_D.DATA_SIZE,
            native_unit_of_measurement=UnitOfInformation.KIBIBYTES,
            state_class=_MEASUREMENT,
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
    ),
    EntityRow(
        description=BinarySensor(
            key="error_code",
            translation_key="error_code",
            device_class=BinarySensorDeviceClass.PROBLEM,
            entity_category=_DIAGNOSTIC,
            value_names=DEVICE_ERRORS,
        ),
        objects=_ids(3),
        resources=_ids(11),
        observe=True,
    ),
    _device(
        12,
        Button(
            key="reset_error_code",
            translation_key="reset_error_code",
            **_hidden(entity_category=_CONFIG),
        ),
    ),
    _device(
        13,
        Sensor(
            key="current_time",
            translation_key="current_time",
            device_class=_D.TIMESTAMP,
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        14,
        Text(key="utc_offset", translation_key="utc_offset", **_hidden(entity_category=_CONFIG)),
        on_request=True,
    ),
    _device(
        15,
        Text(key="timezone", translation_key="timezone", **_hidden(entity_category=_CONFIG)),
        on_request=True,
    ),
    _device(
        16,
        Sensor(
            key="supported_binding",
            translation_key="supported_binding",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        17,
        Sensor(
            key="device_type",
            translation_key="device_type",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        18,
        Sensor(
            key="hardware_version",
            translation_key="hardware_version",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        19,
        Sensor(
            key="software_version",
            translation_key="software_version",
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _device(
        20,
        Sensor(
            key="battery_status",
            translation_key="battery_status",
            device_class=_D.ENUM,
            value_names=BATTERY_STATUS,
            entity_category=_DIAGNOSTIC,
        ),
    ),
    _device(
        21,
        Sensor(
            key="memory_total",
            translation_key="memory_total",
            device_class=_D.DATA_SIZE,
            native_unit_of_measurement=UnitOfInformation.KIBIBYTES,
            **_hidden(entity_category=_DIAGNOSTIC),
        ),
        on_request=True,
    ),
    _none(objects=_ids(3)),
    # Connectivity Monitoring (/4).
    _connectivity(0, "network_bearer", device_class=_D.ENUM, value_names=NETWORK_BEARERS),
    _connectivity(
        1,
        "available_network_bearer",
        device_class=_D.ENUM,
        value_names=NETWORK_BEARERS,
        on_request=True,
    ),
    _connectivity(
        2,
        "radio_signal_strength",
        device_class=_D.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=_MEASUREMENT,
    ),
    _connectivity(3, "link_quality", state_class=_MEASUREMENT),
    _connectivity(4, "ip_addresses"),
    _connectivity(5, "router_ip_addresses", on_request=True),
    _connectivity(
        6,
        "link_utilization",
        native_unit_of_measurement=PERCENTAGE,
        state_class=_MEASUREMENT,
        on_request=True,
    ),
    _connectivity(7, "apn"),
    _connectivity(8, "cell_id"),
    _connectivity(9, "smnc", on_request=True),
    _connectivity(10, "smcc", on_request=True),
    EntityRow(
        description=Sensor(
            key="signal_snr",
            translation_key="signal_snr",
            entity_category=_DIAGNOSTIC,
            entity_registry_enabled_default=False,
        ),
        objects=_ids(4),
        resources=_ids(11),
        units_decide=True,
    ),
    _connectivity(12, "lac", on_request=True),
    _connectivity(13, "coverage_enhancement_level", on_request=True),
    _none(objects=_ids(4)),
    # Firmware Update (/5): one update entity on State, which also follows Update Result,
    # the version resources and the images registered in Home Assistant.
    EntityRow(
        description=Update(key="firmware", translation_key="firmware", entity_category=_CONFIG),
        objects=_ids(5),
        resources=_ids(3),
        observe=True,
    ),
    _none(objects=_ids(5), resources=_ids(5), observe=True),
    _none(objects=_ids(5)),
    # Location (/6): one tracker on Latitude that reads the rest of the instance; altitude
    # and speed are also sensors, for their history and statistics.
    EntityRow(
        description=Tracker(key="location", translation_key="location"),
        objects=_ids(6),
        resources=_ids(0),
        observe=True,
    ),
    _none(objects=_ids(6), resources=_ids(1, 3, 5), observe=True),
    EntityRow(
        description=Sensor(key="altitude", translation_key="altitude", state_class=_MEASUREMENT),
        objects=_ids(6),
        resources=_ids(2),
        units_decide=True,
        observe=True,
    ),
    EntityRow(
        description=Sensor(key="speed", translation_key="speed", state_class=_MEASUREMENT),
        objects=_ids(6),
        resources=_ids(6),
        units_decide=True,
        observe=True,
    ),
    _none(objects=_ids(6)),
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
    _primary(Sensor(key="analog_input", state_class=_MEASUREMENT), (3202,), 5600, NUMERIC),
    EntityRow(
        description=Sensor(key="power_measurement"),
        objects=_ids(3305),
        resources=_ids(5800),
        types=NUMERIC,
        primary=True,
        units_decide=True,
        observe=True,
    ),
    _primary(
        BinarySensor(key="presence", device_class=BinarySensorDeviceClass.OCCUPANCY),
        (3302,),
        5500,
        BOOLEAN,
    ),
    _primary(BinarySensor(key="digital_state"), (3200, 3342, 3347), 5500, BOOLEAN),
    _primary(Switch(key="digital_output"), (3201,), 5550, BOOLEAN),
    _primary(Switch(key="on_off"), (3306, 3311, 3312), 5850, BOOLEAN),
    EntityRow(
        description=Number(key="dimmer", native_unit_of_measurement=PERCENTAGE),
        objects=_ids(3306, 3311),
        resources=_ids(5851),
        types=NUMERIC,
        observe=True,
    ),
    _primary(Number(key="dimmer", native_unit_of_measurement=PERCENTAGE), (3343,), 5851, NUMERIC),
    _primary(Number(key="set_point"), (3203,), 5650, NUMERIC),
    _primary(Number(key="positioner"), (3308,), 5900, NUMERIC),
    # IPSO resources many objects share.
    EntityRow(
        description=Sensor(key="counter", state_class=_TOTAL_INCREASING),
        resources=_ids(5501),
        types=NUMERIC,
    ),
    EntityRow(
        description=Sensor(key="timestamp", device_class=_D.TIMESTAMP, entity_category=_DIAGNOSTIC),
        resources=_ids(5518),
        types=TIME,
        on_request=True,
    ),
    _none(resources=_ids(6050)),
    EntityRow(
        description=Sensor(key="details", entity_category=_DIAGNOSTIC),
        resources=_ids(5701, 5751, 6042, 6049),
        on_request=True,
    ),
    EntityRow(
        description=Text(key="application_type", **_hidden(entity_category=_CONFIG)),
        resources=_ids(5750),
        operations=_ops(RW),
        types=TEXT,
    ),
    EntityRow(
        description=Number(key="calibration", **_hidden(entity_category=_CONFIG)),
        resources=_ids(5821),
        operations=_ops(RW),
        types=NUMERIC,
    ),
    EntityRow(
        description=Sensor(key="range_limits", entity_category=_DIAGNOSTIC),
        resources=RANGE_LIMITS,
        types=NUMERIC,
        units_decide=True,
        on_request=True,
    ),
    EntityRow(
        description=Button(key="reset", entity_category=_CONFIG),
        resources=_ids(5605),
        operations=_ops(E),
    ),
    # Anything else, by type and operations.
    EntityRow(
        description=Sensor(key="instances"),
        multiple=True,
        operations=READABLE,
        units_decide=True,
    ),
    EntityRow(description=BinarySensor(key="boolean"), types=BOOLEAN, operations=_ops(R)),
    EntityRow(description=Switch(key="boolean"), types=BOOLEAN, operations=_ops(RW)),
    EntityRow(
        description=Sensor(key="number"), types=NUMERIC, operations=_ops(R), units_decide=True
    ),
    EntityRow(description=Number(key="number"), types=NUMERIC, operations=_ops(RW)),
    EntityRow(description=Sensor(key="text"), types=TEXTUAL, operations=_ops(R)),
    EntityRow(description=Text(key="text"), types=TEXT, operations=_ops(RW)),
    EntityRow(
        description=Sensor(key="time", device_class=_D.TIMESTAMP), types=TIME, operations=READABLE
    ),
    EntityRow(
        description=Sensor(key="object_link", **_hidden(entity_category=_DIAGNOSTIC)),
        types=LINK,
        operations=READABLE,
    ),
    EntityRow(description=Button(key="execute"), operations=_ops(E)),
)


def _alarmed(settings: ResourceSettings) -> bool:
    """An alarm, or a measurement (whose unreadable values raise parse_error)."""
    return settings.alarm is not None or settings.measurement is not None


FUNCTION_ROWS: tuple[FunctionRow, ...] = (
    FunctionRow(
        needs=_alarmed,
        description=BinarySensor(
            key="alarm",
            role=Role.ALARM,
            translation_key="alarm",
            device_class=BinarySensorDeviceClass.PROBLEM,
        ),
    ),
    FunctionRow(
        needs=_alarmed,
        description=Event(
            key="alarm_events",
            role=Role.ALARM_EVENTS,
            translation_key="alarm_events",
            event_types=[RAISED, CLEARED],
        ),
    ),
    FunctionRow(
        needs=lambda settings: settings.event is not None,
        description=Event(
            key="events",
            role=Role.EVENTS,
            translation_key="resource_events",
            event_types=[VALUE_RECEIVED],
        ),
    ),
    FunctionRow(
        needs=lambda settings: settings.custom_action,
        description=Event(
            key="payload",
            role=Role.PAYLOAD,
            translation_key="payload_events",
            event_types=[PAYLOAD_RECEIVED],
        ),
    ),
)

OBSERVED_AS_INSTANCE = frozenset({6})
"""Objects whose default observations are one observation of the whole instance: a
Location fix moves latitude, longitude, altitude, speed and timestamp together, and one
observation costs the device, the server and Home Assistant a sixth of six."""

MEASURED = EntityRow(
    description=Sensor(key="measurement", state_class=_MEASUREMENT), units_decide=True
)
"""A measurement is a sensor with long-term statistics whatever its row says."""
