"""How the simulated objects react: derived values and what Execute does."""

from __future__ import annotations

from datetime import UTC, datetime

from custom_components.lwm2m.engine import Path

from .defaults import SERVER_OBJECT, TEMPERATURE_OBJECT
from .objects import ObjectStore

SENSOR_VALUE = 5700
MIN_MEASURED = 5601
MAX_MEASURED = 5602
RESET_MIN_MAX = 5605
SENSOR_TIMESTAMP = 5518
SERVER_LIFETIME = 1
REGISTRATION_UPDATE_TRIGGER = 8

_MEASURING_OBJECTS = frozenset({TEMPERATURE_OBJECT, 3301, 3304, 3315, 3316, 3317, 3323, 3328})


def follow_sensor_value(store: ObjectStore, path: Path) -> list[Path]:
    """After a Sensor Value changed: min/max measured and the timestamp follow it.

    Returns the other resource paths that changed.
    """
    if path.ids[0] not in _MEASURING_OBJECTS or path.resource_id != SENSOR_VALUE:
        return []
    instance = store.instance(path)
    value = store.resource(path)
    if instance is None or isinstance(value, bool) or not isinstance(value, int | float):
        return []
    changed: list[Path] = []
    low, high = instance.get(MIN_MEASURED), instance.get(MAX_MEASURED)
    if isinstance(low, int | float) and value < low:
        instance[MIN_MEASURED] = float(value)
        changed.append(path.parent.child(MIN_MEASURED))
    if isinstance(high, int | float) and value > high:
        instance[MAX_MEASURED] = float(value)
        changed.append(path.parent.child(MAX_MEASURED))
    if SENSOR_TIMESTAMP in instance:
        instance[SENSOR_TIMESTAMP] = datetime.now(UTC).replace(microsecond=0)
        changed.append(path.parent.child(SENSOR_TIMESTAMP))
    return changed


def reset_min_max(store: ObjectStore, path: Path) -> list[Path]:
    """Execute on Reset Min and Max Measured Values: both become the current value."""
    if path.ids[0] not in _MEASURING_OBJECTS or path.resource_id != RESET_MIN_MAX:
        return []
    instance = store.instance(path)
    if instance is None or SENSOR_VALUE not in instance:
        return []
    current = instance[SENSOR_VALUE]
    instance[MIN_MEASURED] = instance[MAX_MEASURED] = current
    return [path.parent.child(MIN_MEASURED), path.parent.child(MAX_MEASURED)]


def is_update_trigger(path: Path) -> bool:
    return path.ids[0] == SERVER_OBJECT and path.resource_id == REGISTRATION_UPDATE_TRIGGER


def is_server_lifetime(path: Path) -> bool:
    return path.ids[0] == SERVER_OBJECT and path.resource_id == SERVER_LIFETIME
