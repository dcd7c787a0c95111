"""The entity table and its resolver: platforms, classes, units and names for the bundled
object model."""

from __future__ import annotations

from enum import StrEnum
from types import SimpleNamespace

import pytest
from homeassistant.components.sensor import DEVICE_CLASS_UNITS, SensorDeviceClass
from homeassistant.const import EntityCategory, Platform
from homeassistant.helpers.typing import UNDEFINED

from custom_components.lwm2m import units as lwm2m_units
from custom_components.lwm2m.descriptions import Role
from custom_components.lwm2m.device_protocols.settings import (
    DeviceProtocols,
    MeasurementSettings,
    ObjectProtocol,
    ResourceSettings,
)
from custom_components.lwm2m.discovery import (
    AutoObserve,
    describe,
    describe_object,
    device_observations,
    find_row,
    observations,
)
from custom_components.lwm2m.engine import (
    ObjectDef,
    ObjectRegistry,
    Operations,
    Path,
    ResourceDef,
    ResourceType,
    parse_ddf,
)
from custom_components.lwm2m.entity_table import IN_VALUE_UNITS, RANGE_LIMITS, TABLE
from custom_components.lwm2m.units import UNITS, ha_unit
from tests.engine.model import ddf_builder


@pytest.fixture(scope="module")
def registry() -> ObjectRegistry:
    return ObjectRegistry.default()


def _spec(registry: ObjectRegistry, object_id: int, resource_id: int):
    obj = registry.get(object_id)
    assert obj is not None
    return describe(obj, obj.resources[resource_id])


@pytest.mark.parametrize(
    ("object_id", "device_class", "unit", "state_class"),
    [
        (3303, "temperature", "°C", "measurement"),
        (3304, "humidity", "%", "measurement"),
        (3315, "atmospheric_pressure", "hPa", "measurement"),
        (3316, "voltage", "V", "measurement"),
        (3317, "current", "A", "measurement"),
        (3328, "power", "W", "measurement"),
        (3331, "energy", "kWh", "total_increasing"),
        (3301, "illuminance", "lx", "measurement"),
        (3325, None, "ppm", "measurement"),
    ],
)
def test_ipso_sensor_values(
    registry: ObjectRegistry,
    object_id: int,
    device_class: str | None,
    unit: str,
    state_class: str,
) -> None:
    spec = _spec(registry, object_id, 5700)
    assert spec is not None
    assert spec.platform is Platform.SENSOR
    unit_and_classes = (spec.device_class, spec.native_unit_of_measurement, spec.state_class)
    assert unit_and_classes == (device_class, unit, state_class)
    obj = registry.get(object_id)
    assert obj is not None
    row = find_row(object_id, obj.resources[5700])
    assert row is not None
    assert row.primary


@pytest.mark.parametrize(
    ("object_id", "resource_id", "platform"),
    [
        (3200, 5500, Platform.BINARY_SENSOR),
        (3201, 5550, Platform.SWITCH),
        (3311, 5850, Platform.SWITCH),
        (3311, 5851, Platform.NUMBER),
        (3308, 5900, Platform.NUMBER),
        (3303, 5750, Platform.TEXT),
        (3, 4, Platform.BUTTON),
        (3303, 5605, Platform.BUTTON),
        (4, 2, Platform.SENSOR),
    ],
)
def test_platforms(
    registry: ObjectRegistry, object_id: int, resource_id: int, platform: Platform
) -> None:
    spec = _spec(registry, object_id, resource_id)
    assert spec is not None
    assert spec.platform is platform


@pytest.mark.parametrize(
    ("object_id", "resource_id"), [(0, 5), (3, 22), (5, 0), (6, 4), (3303, 6050)]
)
def test_resources_without_entities(
    registry: ObjectRegistry, object_id: int, resource_id: int
) -> None:
    assert _spec(registry, object_id, resource_id) is None


def test_device_details_are_diagnostic(registry: ObjectRegistry) -> None:
    obj = registry.get(3)
    assert obj is not None
    details = (0, 1, 2, 3, 9, 11, 13, 18, 19)
    shown = ObjectProtocol({rid: ResourceSettings(show=True) for rid in details})
    for resource_id in details:
        spec = describe(obj, obj.resources[resource_id], shown)
        assert spec is not None
        assert spec.entity_category is EntityCategory.DIAGNOSTIC
    for resource_id in (3, 9, 11):
        assert _spec(registry, 3, resource_id) is not None
    memory = _spec(registry, 3, 10)
    assert memory is not None
    assert not memory.entity_registry_enabled_default
    signal = _spec(registry, 4, 2)
    assert signal is not None
    assert (signal.device_class, signal.native_unit_of_measurement) == ("signal_strength", "dBm")


ON_REQUEST = [
    *((3, rid) for rid in (0, 1, 2, 6, 13, 14, 15, 16, 17, 18, 19, 21)),
    *((4, rid) for rid in (1, 5, 6, 9, 10, 12, 13)),
    *((3303, rid) for rid in (5518, 5603, 5604, 5701, 6042, 6049)),
    (3311, 5701),
]


@pytest.mark.parametrize(("object_id", "resource_id"), ON_REQUEST)
def test_entities_only_on_request(
    registry: ObjectRegistry, object_id: int, resource_id: int
) -> None:
    """No registry entry by default; the object's device protocol shows it, enabled, under
    the same unique id and description as before."""
    obj = registry.get(object_id)
    assert obj is not None
    assert _spec(registry, object_id, resource_id) is None
    shown = ObjectProtocol({resource_id: ResourceSettings(show=True)})
    spec = describe(obj, obj.resources[resource_id], shown)
    assert spec is not None
    assert spec.entity_registry_enabled_default
    assert spec.entity_category is not None


def _generic(resource_type: ResourceType, operations: Operations, units: str = "") -> ObjectDef:
    resource = ResourceDef(1, "Level", resource_type, operations, units=units)
    return ObjectDef(30001, "Custom", resources={1: resource})


@pytest.mark.parametrize(
    ("resource_type", "operations", "units", "platform", "device_class", "state_class"),
    [
        (ResourceType.FLOAT, Operations.R, "Cel", Platform.SENSOR, "temperature", "measurement"),
        (ResourceType.INTEGER, Operations.R, "", Platform.SENSOR, None, None),
        (ResourceType.INTEGER, Operations.R, "furlong", Platform.SENSOR, None, "measurement"),
        (ResourceType.FLOAT, Operations.R | Operations.W, "s", Platform.NUMBER, None, None),
        (ResourceType.BOOLEAN, Operations.R, "", Platform.BINARY_SENSOR, None, None),
        (ResourceType.BOOLEAN, Operations.R | Operations.W, "", Platform.SWITCH, None, None),
        (ResourceType.STRING, Operations.R, "", Platform.SENSOR, None, None),
        (ResourceType.STRING, Operations.R | Operations.W, "", Platform.TEXT, None, None),
        (ResourceType.TIME, Operations.R, "", Platform.SENSOR, "timestamp", None),
        (ResourceType.NONE, Operations.E, "", Platform.BUTTON, None, None),
    ],
)
def test_generic_rules(
    resource_type: ResourceType,
    operations: Operations,
    units: str,
    platform: Platform,
    device_class: str | None,
    state_class: str | None,
) -> None:
    obj = _generic(resource_type, operations, units)
    spec = describe(obj, obj.resources[1])
    assert spec is not None
    assert (spec.platform, spec.device_class, getattr(spec, "state_class", None)) == (
        platform,
        device_class,
        state_class,
    )
    assert spec.name == "Custom Level"
    second = describe(obj, obj.resources[1], instance_id=2)
    assert second is not None
    assert second.name == "Custom 2 Level"


def test_write_only_and_opaque_resources_get_no_entity() -> None:
    for resource_type, operations in (
        (ResourceType.INTEGER, Operations.W),
        (ResourceType.OPAQUE, Operations.R),
    ):
        obj = _generic(resource_type, operations)
        assert describe(obj, obj.resources[1]) is None


def _name(registry: ObjectRegistry, object_id: int, resource_id: int, instance_id: int) -> object:
    obj = registry.get(object_id)
    assert obj is not None
    description = describe(obj, obj.resources[resource_id], instance_id=instance_id)
    assert description is not None
    return description.name


def test_names(registry: ObjectRegistry) -> None:
    assert _name(registry, 3303, 5700, 0) is UNDEFINED  # the device class names it
    assert _name(registry, 3303, 5700, 1) == "Temperature 1"
    assert _name(registry, 3311, 5850, 0) == "Light Control"
    assert _name(registry, 3, 4, 0) is UNDEFINED  # the translation names it
    assert _name(registry, 3, 4, 1) == "Reboot 1"


def test_protocol_replaces_defaults(registry: ObjectRegistry) -> None:
    obj = registry.get(3303)
    assert obj is not None
    protocol = ObjectProtocol({5601: ResourceSettings(show=True, observe=True, pmin=5, pmax=9)})
    specs = describe_object(obj, protocol)
    assert [spec.resource_id for spec in specs] == [5601]
    assert specs[0].entity_registry_enabled_default
    assert [(o.resource_id, o.pmin, o.pmax) for o in observations(obj, protocol)] == [(5601, 5, 9)]
    assert [o.resource_id for o in observations(obj)] == [5700]


def test_protocols_round_trip_and_keep_unknown_settings() -> None:
    stored = {
        "objects": {
            "3303": {
                "resources": {
                    "5700": {
                        "show": True,
                        "observe": True,
                        "pmin": 1,
                        "decoder": {"name": "acme-v2"},
                    }
                }
            }
        }
    }
    protocols = DeviceProtocols.from_dict(stored)
    assert protocols.to_dict() == {
        "objects": {
            "3303": {
                "resources": {
                    "5700": {
                        "decoder": {"name": "acme-v2"},
                        "show": True,
                        "observe": True,
                        "pmin": 1,
                    }
                }
            }
        }
    }


def test_every_unit_fits_its_device_class() -> None:
    for ddf_units, unit in UNITS.items():
        if unit.device_class is not None:
            allowed = DEVICE_CLASS_UNITS[unit.device_class]
            assert unit.native in allowed, ddf_units
    assert ha_unit("") is None
    assert ha_unit("furlong").native == "furlong"


def test_every_row_with_a_device_class_uses_a_valid_unit() -> None:
    for row in TABLE:
        description = row.description
        unit = getattr(description, "native_unit_of_measurement", None)
        sensor = description is not None and description.platform is Platform.SENSOR
        if sensor and description is not None and description.device_class and unit:
            allowed = DEVICE_CLASS_UNITS.get(SensorDeviceClass(description.device_class), set())
            assert unit in allowed, row


def test_whole_bundled_model_maps(registry: ObjectRegistry) -> None:
    """Every object of the bundled model maps without error; every spec is coherent."""
    count = 0
    for obj in registry.objects():
        for spec in describe_object(obj):
            count += 1
            unit = getattr(spec, "native_unit_of_measurement", None)
            if spec.device_class and spec.platform is Platform.SENSOR and unit:
                device_class = SensorDeviceClass(spec.device_class)
                if device_class in DEVICE_CLASS_UNITS:
                    assert unit in DEVICE_CLASS_UNITS[device_class], spec
    assert count > 1000


def test_rows_are_looked_up_once_per_resource_definition() -> None:
    """Registrations ask for the same definitions again and again: the answer is cached
    (a measured extreme also asks for its Sensor Value's; range limits get an entity only
    on request, so by default they ask no further)."""
    obj = ObjectRegistry.default().get(3303)
    assert obj is not None
    first = describe_object(obj)
    before = find_row.cache_info()
    assert describe_object(obj) == first
    after = find_row.cache_info()
    assert after.misses == before.misses
    assert after.hits - before.hits == len(obj.resources) + len(
        (IN_VALUE_UNITS - RANGE_LIMITS) & obj.resources.keys()
    )


def test_functionalities_need_a_readable_resource_and_no_secrets(
    registry: ObjectRegistry,
) -> None:
    measured = ResourceSettings(measurement=MeasurementSettings("m", "s"), custom_action=True)
    device = registry.get(3)
    assert device is not None
    specs = describe_object(device, ObjectProtocol({4: measured, 9: measured}))
    reboot = [spec for spec in specs if spec.resource_id == 4]
    assert [(spec.platform, spec.role) for spec in reboot] == [(Platform.BUTTON, Role.VALUE)]
    battery = [spec for spec in specs if spec.resource_id == 9]
    assert [spec.role for spec in battery] == [
        Role.VALUE,
        Role.ALARM,
        Role.ALARM_EVENTS,
        Role.PAYLOAD,
    ]
    assert battery[0].translation_key == "battery_level"
    assert battery[0].state_class == "measurement"
    presence = registry.get(3302)
    assert presence is not None
    sensor = describe(presence, presence.resources[5500], ObjectProtocol({5500: measured}))
    assert sensor is not None
    assert (sensor.platform, sensor.device_class) == (Platform.SENSOR, None)  # not occupancy
    security = registry.get(0)
    assert security is not None
    assert describe_object(security, ObjectProtocol({5: measured})) == []
    assert observations(security, ObjectProtocol({5: ResourceSettings(observe=True)})) == []


def test_concentration_units_come_from_the_release_enums_when_present(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Newer releases deprecate CONCENTRATION_*: their enums win, the constants stay unread."""

    class UnitOfRatio(StrEnum):
        PARTS_PER_MILLION = "ppm"

    # A stand-in for homeassistant.const without the constant: reading it would raise.
    monkeypatch.setattr(lwm2m_units, "ha_const", SimpleNamespace(UnitOfRatio=UnitOfRatio))
    assert lwm2m_units._concentration("UnitOfRatio", "PARTS_PER_MILLION") == "ppm"


def test_concentration_units_fall_back_to_the_older_constants(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    older_const = SimpleNamespace(CONCENTRATION_MILLIGRAMS_PER_CUBIC_METER="mg/m³")
    monkeypatch.setattr(lwm2m_units, "ha_const", older_const)
    assert lwm2m_units._concentration("UnitOfDensity", "MILLIGRAMS_PER_CUBIC_METER") == "mg/m³"


def test_extremes_and_limits_share_the_sensor_values_unit() -> None:
    """A vendor object whose DDF gives only the Sensor Value a unit: its measured extremes
    and range limits are temperatures too, so Home Assistant converts them alike."""
    (vendor,) = parse_ddf(
        ddf_builder.ddf(
            ddf_builder.obj(
                "33010",
                name="Probe",
                items=[
                    ddf_builder.item(str(rid), name=name, type_="Float", units=units)
                    for rid, name, units in (
                        (5601, "Min Measured Value", ""),
                        (5602, "Max Measured Value", ""),
                        (5603, "Min Range Value", ""),
                        (5700, "Sensor Value", "Cel"),
                        (5701, "Sensor Units", ""),
                    )
                ],
            )
        )
    )
    shown = ObjectProtocol({rid: ResourceSettings(show=True) for rid in vendor.resources})
    specs = {spec.resource_id: spec for spec in describe_object(vendor, shown)}
    for rid in (5601, 5602, 5603, 5700):
        unit_and_class = (_unit(specs[rid]), specs[rid].device_class)
        assert unit_and_class == ("°C", "temperature"), rid
    assert _unit(specs[5701]) is None


def test_a_measurement_unit_carries_over_to_the_extremes() -> None:
    temperature = ObjectRegistry.default().get(3303)
    assert temperature is not None
    fahrenheit = MeasurementSettings("c8y_T", "c8y_T.T", "°F")
    protocol = ObjectProtocol(
        {5700: ResourceSettings(measurement=fahrenheit), 5601: ResourceSettings(show=True)}
    )
    specs = {
        spec.resource_id: spec
        for spec in describe_object(temperature, protocol)
        if spec.role is Role.VALUE
    }
    for rid in (5601, 5700):
        assert (_unit(specs[rid]), specs[rid].device_class) == ("°F", "temperature"), rid


def test_battery_status_is_an_enum_of_words() -> None:
    device = ObjectRegistry.default().get(3)
    assert device is not None
    spec = describe(device, device.resources[20])
    assert spec is not None
    assert spec.device_class == "enum"
    assert spec.value_names is not None
    assert dict(spec.value_names)[0] == "normal"


def _unit(description: object) -> str | None:
    unit: str | None = getattr(description, "native_unit_of_measurement", None)
    return unit


def test_devices_with_the_same_objects_share_their_descriptions(registry: ObjectRegistry) -> None:
    from custom_components.lwm2m.discovery import device_targets
    from custom_components.lwm2m.engine import Path

    links = {Path.of(3, 0): {}, Path.of(3303, 0): {}, Path.of(3303, 1): {}}
    protocols = DeviceProtocols()
    first = device_targets("one", links, registry, protocols)
    second = device_targets("two", links, registry, protocols)
    assert [t.unique_id.removeprefix("one") for t in first.values()] == [
        t.unique_id.removeprefix("two") for t in second.values()
    ]
    for mine, theirs in zip(first.values(), second.values(), strict=True):
        assert mine.description is theirs.description
    # each instance keeps its own (a numbered instance is named differently)
    assert [d.name for d in describe_object(registry.get(3303), None, 1)] == [
        t.description.name for t in first.values() if t.path.ids[:2] == (3303, 1)
    ]
    other = ObjectProtocol(resources={5700: ResourceSettings(show=True)})
    changed = device_targets("three", links, registry, DeviceProtocols({3303: other}))
    assert changed["three-3303-0-5700"].description is not first["one-3303-0-5700"].description


def test_location_is_observed_as_one_instance(registry: ObjectRegistry) -> None:
    """By default one observation covers a Location instance; a device protocol for the
    object observes the resources it marks, one by one."""
    location = registry.get(6)
    assert location is not None
    assert observations(location) == [AutoObserve(None)]
    objects = {Path.of(6, 0): {}, Path.of(3303, 0): {}}
    observed = device_observations(objects, registry, DeviceProtocols())
    assert set(observed) == {Path.of(6, 0), Path.of(3303, 0, 5700)}
    protocol = ObjectProtocol({0: ResourceSettings(show=True, observe=True)})
    assert [o.resource_id for o in observations(location, protocol)] == [0]
