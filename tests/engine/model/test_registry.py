"""ObjectRegistry: the bundled model, user DDF imports and version selection."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine import (
    DDFError,
    ObjectDef,
    ObjectLookup,
    ObjectRegistry,
    Operations,
    ResourceType,
    ValueRange,
)
from tests.engine.model.ddf_builder import ddf, item, obj

R, W, E = Operations.R, Operations.W, Operations.E
RW = R | W


def _resource_facts(
    registry: ObjectRegistry, object_id: int, resource_id: int
) -> tuple[str, ResourceType, Operations, bool]:
    definition = registry.get(object_id)
    assert definition is not None, f"/{object_id} is missing"
    resource = definition.resource(resource_id)
    assert resource is not None, f"/{object_id}/0/{resource_id} is missing"
    return resource.name, resource.type, resource.operations, resource.multiple


@pytest.mark.parametrize(
    ("object_id", "name", "multiple", "mandatory"),
    [
        (0, "LWM2M Security", True, True),
        (1, "LwM2M Server", True, True),
        (3, "Device", False, True),
        (4, "Connectivity Monitoring", False, False),
        (5, "Firmware Update", False, False),
        (6, "Location", False, False),
        (3303, "Temperature", True, False),
        (3311, "Light Control", True, False),
    ],
)
def test_default_has_the_core_objects(
    object_id: int, name: str, multiple: bool, mandatory: bool
) -> None:
    definition = ObjectRegistry.default().get(object_id)
    assert definition is not None
    assert (definition.name, definition.multiple, definition.mandatory) == (
        name,
        multiple,
        mandatory,
    )
    assert definition.urn.startswith(f"urn:oma:lwm2m:{'oma' if object_id < 1024 else 'ext'}:")


@pytest.mark.parametrize(
    ("object_id", "resource_id", "facts"),
    [
        (0, 0, ("LWM2M Server URI", ResourceType.STRING, Operations.NONE, False)),
        (0, 2, ("Security Mode", ResourceType.INTEGER, Operations.NONE, False)),
        (1, 0, ("Short Server ID", ResourceType.INTEGER, R, False)),
        (1, 1, ("Lifetime", ResourceType.INTEGER, RW, False)),
        (1, 4, ("Disable", ResourceType.NONE, E, False)),
        (3, 0, ("Manufacturer", ResourceType.STRING, R, False)),
        (3, 4, ("Reboot", ResourceType.NONE, E, False)),
        (3, 11, ("Error Code", ResourceType.INTEGER, R, True)),
        (3, 13, ("Current Time", ResourceType.TIME, RW, False)),
        (4, 4, ("IP Addresses", ResourceType.STRING, R, True)),
        (5, 0, ("Package", ResourceType.OPAQUE, W, False)),
        (5, 1, ("Package URI", ResourceType.STRING, RW, False)),
        (5, 2, ("Update", ResourceType.NONE, E, False)),
        (6, 0, ("Latitude", ResourceType.FLOAT, R, False)),
        (6, 5, ("Timestamp", ResourceType.TIME, R, False)),
        (3303, 5700, ("Sensor Value", ResourceType.FLOAT, R, False)),
        (3311, 5850, ("On/Off", ResourceType.BOOLEAN, RW, False)),
    ],
)
def test_default_resources(
    object_id: int, resource_id: int, facts: tuple[str, ResourceType, Operations, bool]
) -> None:
    assert _resource_facts(ObjectRegistry.default(), object_id, resource_id) == facts


def test_default_details() -> None:
    registry = ObjectRegistry.default()
    device = registry.get(3)
    assert device is not None
    assert device.resources[4].mandatory is True
    assert device.resources[11].value_range == ValueRange(0, 32)
    location = registry.get(6)
    assert location is not None
    assert location.resources[0].units == "lat"
    assert location.version == "1.0"
    assert location.urn == "urn:oma:lwm2m:oma:6"
    temperature = registry.get(3303)
    assert temperature is not None
    assert temperature.version == "1.1"
    assert registry.get(3303, "1.1") is temperature
    assert registry.get(3, "7.7") is None
    assert registry.get(65000) is None


def test_default_gives_independent_registries_sharing_definitions() -> None:
    first, second = ObjectRegistry.default(), ObjectRegistry.default()
    assert first is not second
    assert first.get(3) is second.get(3)
    first.add_ddf(ddf(obj("3", name="Patched Device", version="1.2")))
    second_device = second.get(3)
    assert second_device is not None
    assert second_device.name == "Device"
    assert second.user_objects() == []


def test_registry_satisfies_object_lookup() -> None:
    lookup: ObjectLookup = ObjectRegistry.default()
    assert lookup.get(3) is not None


def test_add_ddf_replaces_bundled_definition_of_same_id_and_version() -> None:
    registry = ObjectRegistry.default()
    bundled = registry.get(3303)
    assert bundled is not None
    (added,) = registry.add_ddf(
        ddf(obj("3303", name="My Temperature", version=bundled.version, items=[item("5700")]))
    )
    assert registry.get(3303) is added
    assert registry.get(3303, bundled.version) is added
    assert added.name == "My Temperature"
    assert registry.user_objects() == [added]
    assert sum(1 for o in registry.objects() if o.id == 3303) == 1


def test_new_versions_live_side_by_side() -> None:
    registry = ObjectRegistry.default()
    bundled = registry.get(3303)
    assert bundled is not None
    older, newer = registry.add_ddf(
        ddf(obj("3303", name="Old", version="1.0"), obj("3303", name="New", version="2.0"))
    )
    assert registry.get(3303, "1.0") is older
    assert registry.get(3303, "1.1") is bundled
    assert registry.get(3303, "2.0") is newer
    assert registry.get(3303, "2") is newer, "versions are compared as numbers"
    assert registry.get(3303) is newer
    assert [o.version for o in registry.objects() if o.id == 3303] == ["1.0", "1.1", "2.0"]


def test_user_version_beats_newer_bundled_version() -> None:
    registry = ObjectRegistry.default()
    (older,) = registry.add_ddf(ddf(obj("3", name="Old Device", version="1.0")))
    assert registry.get(3) is older
    bundled = registry.get(3, "1.2")
    assert bundled is not None
    assert bundled.name == "Device"


def test_newest_bundled_version_wins_without_user_definitions() -> None:
    registry = ObjectRegistry(
        [ObjectDef(7, "v1.10", version="1.10"), ObjectDef(7, "v1.2", version="1.2")]
    )
    found = registry.get(7)
    assert found is not None
    assert found.name == "v1.10"
    assert registry.user_objects() == []


def test_get_with_an_invalid_version_finds_nothing() -> None:
    assert ObjectRegistry.default().get(3, "latest") is None


def test_add_and_user_objects_are_sorted() -> None:
    registry = ObjectRegistry()
    b = ObjectDef(20000, "B", version="1.1")
    a2 = ObjectDef(10, "A", version="2.0")
    a1 = ObjectDef(10, "A", version="1.0")
    for definition in (b, a2, a1):
        registry.add(definition)
    assert registry.user_objects() == [a1, a2, b]
    assert list(registry.objects()) == [a1, a2, b]
    assert registry.get(10) is a2


def test_failed_import_changes_nothing() -> None:
    registry = ObjectRegistry.default()
    with pytest.raises(DDFError):
        registry.add_ddf(ddf(obj("3303", version="9.0"), obj("3304", items=[item("1", type_="?")])))
    assert registry.get(3303, "9.0") is None
    assert registry.user_objects() == []


def test_empty_registry() -> None:
    registry = ObjectRegistry()
    assert registry.get(3) is None
    assert list(registry.objects()) == []


def test_objects_covers_the_whole_bundle() -> None:
    definitions = list(ObjectRegistry.default().objects())
    assert len(definitions) > 300
    keys = [(o.id, o.version) for o in definitions]
    assert keys == sorted(set(keys))
