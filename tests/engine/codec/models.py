"""Hand-written object definitions for codec tests: Device (/3) and an all-types object."""

from __future__ import annotations

from custom_components.lwm2m.engine import ObjectDef, Operations, ResourceDef, ResourceType

R, RW, E = Operations.R, Operations.R | Operations.W, Operations.E
T = ResourceType


def _resource(
    resource_id: int,
    name: str,
    kind: ResourceType,
    operations: Operations = R,
    *,
    multiple: bool = False,
) -> ResourceDef:
    return ResourceDef(
        id=resource_id, name=name, type=kind, operations=operations, multiple=multiple
    )


DEVICE = ObjectDef(
    id=3,
    name="Device",
    multiple=False,
    mandatory=True,
    resources={
        resource.id: resource
        for resource in (
            _resource(0, "Manufacturer", T.STRING),
            _resource(1, "Model Number", T.STRING),
            _resource(2, "Serial Number", T.STRING),
            _resource(3, "Firmware Version", T.STRING),
            _resource(4, "Reboot", T.NONE, E),
            _resource(5, "Factory Reset", T.NONE, E),
            _resource(6, "Available Power Sources", T.INTEGER, multiple=True),
            _resource(7, "Power Source Voltage", T.INTEGER, multiple=True),
            _resource(8, "Power Source Current", T.INTEGER, multiple=True),
            _resource(9, "Battery Level", T.INTEGER),
            _resource(10, "Memory Free", T.INTEGER),
            _resource(11, "Error Code", T.INTEGER, multiple=True),
            _resource(12, "Reset Error Code", T.NONE, E),
            _resource(13, "Current Time", T.TIME, RW),
            _resource(14, "UTC Offset", T.STRING, RW),
            _resource(15, "Timezone", T.STRING, RW),
            _resource(16, "Supported Binding and Modes", T.STRING),
            _resource(17, "Device Type", T.STRING),
            _resource(18, "Hardware Version", T.STRING),
            _resource(19, "Software Version", T.STRING),
            _resource(20, "Battery Status", T.INTEGER),
            _resource(21, "Memory Total", T.INTEGER),
        )
    },
)

TYPES_OBJECT_ID = 32769
VALUE_TYPES: tuple[ResourceType, ...] = (
    T.STRING,
    T.INTEGER,
    T.UNSIGNED_INTEGER,
    T.FLOAT,
    T.BOOLEAN,
    T.OPAQUE,
    T.TIME,
    T.OBJLNK,
    T.CORELNK,
)
MULTIPLE_OFFSET = 100
"""Resource ``n`` of the types object is single; resource ``n + 100`` is multiple."""
EXECUTE_RESOURCE_ID = 300

TYPES_OBJECT = ObjectDef(
    id=TYPES_OBJECT_ID,
    name="Every Type",
    multiple=True,
    resources={
        **{
            index: _resource(index, f"Single {kind}", kind, RW)
            for index, kind in enumerate(VALUE_TYPES)
        },
        **{
            MULTIPLE_OFFSET + index: _resource(
                MULTIPLE_OFFSET + index, f"Multiple {kind}", kind, RW, multiple=True
            )
            for index, kind in enumerate(VALUE_TYPES)
        },
        EXECUTE_RESOURCE_ID: _resource(EXECUTE_RESOURCE_ID, "Trigger", T.NONE, E),
    },
)


def single_resource_id(kind: ResourceType) -> int:
    return VALUE_TYPES.index(kind)


def multiple_resource_id(kind: ResourceType) -> int:
    return MULTIPLE_OFFSET + VALUE_TYPES.index(kind)


class InMemoryModel:
    """An ObjectLookup over a fixed set of object definitions."""

    def __init__(self, *definitions: ObjectDef) -> None:
        self._definitions = {definition.id: definition for definition in definitions}

    def get(self, object_id: int, version: str | None = None) -> ObjectDef | None:
        return self._definitions.get(object_id)


MODEL = InMemoryModel(DEVICE, TYPES_OBJECT)
EMPTY_MODEL = InMemoryModel()
