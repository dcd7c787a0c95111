"""Sensors: readable resources, with units and classes from the mapping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.sensor import RestoreSensor, SensorDeviceClass
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MSensorDescription
from .discovery import EntityTarget
from .engine import parse_measurement
from .entity import LwM2MEntity, async_setup_platform_entities
from .hub import LwM2MHub
from .values.names import name_of

PARALLEL_UPDATES = 0
MAX_STATE_LENGTH = 255


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.SENSOR, async_add_entities, _sensor)


def _sensor(hub: LwM2MHub, target: EntityTarget) -> LwM2MEntity:
    if target.description.measurement is not None:
        return LwM2MMeasurementSensor(hub, target)
    return LwM2MSensor(hub, target)


class LwM2MSensor(LwM2MEntity, RestoreSensor):
    """A resource's value; the last known one after a restart until the device reports."""

    entity_description: LwM2MSensorDescription

    def __init__(self, hub: LwM2MHub, target: EntityTarget) -> None:
        super().__init__(hub, target)
        self._restored: Any = None

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is not None:
            self._restored = last.native_value

    @property
    def native_value(self) -> Any:
        value = self.resource_value
        if value is None:
            return self._restored
        names = self.entity_description.value_names
        if names is not None:
            return name_of(names, value)
        if self.device_class == SensorDeviceClass.TIMESTAMP:
            return value if isinstance(value, datetime) else None
        if isinstance(value, bool | int | float):
            return int(value) if isinstance(value, bool) else value
        return str(value)[:MAX_STATE_LENGTH]


class LwM2MMeasurementSensor(LwM2MSensor):
    """A device protocol's measurement: the value read by the seed 000 rules (booleans 0/1,
    scientific notation, leading-zero octal, 0x hex); unreadable values leave it unknown
    and raise the resource's parse_error alarm instead."""

    @property
    def native_value(self) -> Any:
        value = self.resource_value
        if value is None:
            return self._restored
        try:
            return parse_measurement(value)
        except ValueError:
            return None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        measurement = self.entity_description.measurement
        assert measurement is not None  # the platform makes this class for measurements
        attributes = super().extra_state_attributes or {}
        return {**attributes, "measurement_type": measurement.type, "series": measurement.series}
