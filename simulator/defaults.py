"""The objects a simulated device has unless told otherwise, with realistic values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from custom_components.lwm2m.engine import ObjectLookup, ObjectRegistry
from custom_components.lwm2m.engine.model.versions import version_key

from .objects import DeviceObject

SERVER_OBJECT = 1
DEVICE_OBJECT = 3
CONNECTIVITY_OBJECT = 4
FIRMWARE_OBJECT = 5
LOCATION_OBJECT = 6
TEMPERATURE_OBJECT = 3303
LIGHT_CONTROL_OBJECT = 3311

SHORT_SERVER_ID = 1
DEFAULT_PMIN = 0
DEFAULT_PMAX = 300


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _server(lifetime: int, binding: str) -> dict[int, Any]:
    return {
        0: SHORT_SERVER_ID,
        1: lifetime,
        2: DEFAULT_PMIN,
        3: DEFAULT_PMAX,
        4: None,
        6: True,
        7: binding,
        8: None,
        9: None,  # Bootstrap-Request Trigger: executing it is recorded
    }


def _device(now: datetime, serial_number: str) -> dict[int, Any]:
    return {
        0: "Simulated Devices Ltd",
        1: "SIM-100",
        2: serial_number,
        3: "1.0.0",
        4: None,
        5: None,
        6: {0: 1, 1: 5},
        7: {0: 3800, 1: 5000},
        8: {0: 125, 1: 900},
        9: 87,
        10: 15,
        11: {0: 0},
        12: None,
        13: now,
        14: "+01:00",
        15: "Europe/Berlin",
        16: "UQ",
        17: "sensor",
        18: "1.2",
        19: "1.0.0",
        20: 0,
        21: 64,
    }


def _connectivity() -> dict[int, Any]:
    return {
        0: 6,
        1: {0: 6, 1: 7},
        2: -87,
        3: 80,
        4: {0: "10.64.12.23"},
        5: {0: "10.64.12.1"},
        6: 5,
        7: {0: "internet"},
        8: 22317,
        9: 1,
        10: 262,
    }


def _firmware() -> dict[int, Any]:
    return {
        0: b"",
        1: "",
        2: None,
        3: 0,
        5: 0,
        6: "sim-firmware",
        7: "1.0.0",
        8: {0: 0, 1: 1},
        9: 2,
    }


def _location(now: datetime) -> dict[int, Any]:
    return {0: 52.520008, 1: 13.404954, 2: 34.0, 3: 10.0, 5: now, 6: 0.0}


def _temperature(now: datetime) -> dict[int, Any]:
    return {
        5518: now,
        5601: 19.8,
        5602: 23.1,
        5603: -40.0,
        5604: 85.0,
        5605: None,
        5700: 21.5,
        5701: "Cel",
        5750: "Living room",
    }


def _light_control() -> dict[int, Any]:
    return {
        5706: "#FFE4B5",
        5750: "Ceiling light",
        5805: 12.5,
        5820: 0.95,
        5850: True,
        5851: 80,
        5852: 0,
    }


def object_version(object_id: int, lwm2m_version: str, model: ObjectLookup) -> str:
    """The version a device of ``lwm2m_version`` announces for an object.

    The model's version when that version fits the device's LwM2M version; else the
    core objects (/0, /1) take the device's LwM2M version and the others 1.0.
    """
    definition = model.get(object_id)
    if definition is not None and version_key(definition.lwm2m_version) <= version_key(
        lwm2m_version
    ):
        return definition.version
    return lwm2m_version if object_id in (0, SERVER_OBJECT) else "1.0"


def default_objects(
    lwm2m_version: str = "1.1",
    *,
    lifetime: int = 300,
    binding: str = "U",
    serial_number: str = "SN-000001",
    model: ObjectLookup | None = None,
) -> list[DeviceObject]:
    """Server, Device, Connectivity, Firmware, Location, Temperature and Light Control."""
    lookup = model if model is not None else ObjectRegistry.default()
    now = _now()
    instances: dict[int, dict[int, Any]] = {
        SERVER_OBJECT: _server(lifetime, binding),
        DEVICE_OBJECT: _device(now, serial_number),
        CONNECTIVITY_OBJECT: _connectivity(),
        FIRMWARE_OBJECT: _firmware(),
        LOCATION_OBJECT: _location(now),
        TEMPERATURE_OBJECT: _temperature(now),
        LIGHT_CONTROL_OBJECT: _light_control(),
    }
    return [
        DeviceObject(object_id, {0: resources}, object_version(object_id, lwm2m_version, lookup))
        for object_id, resources in instances.items()
    ]
