"""Binary sensors: readable boolean resources, and the alarms of device protocols."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MBinarySensorDescription, Role
from .discovery import EntityTarget
from .entity import LwM2MEntity, async_setup_platform_entities
from .hub import LwM2MHub
from .values.json_forms import to_response
from .values.names import error_name

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(
        hass, entry, Platform.BINARY_SENSOR, async_add_entities, _binary_sensor
    )


def _binary_sensor(hub: LwM2MHub, target: EntityTarget) -> LwM2MEntity:
    if target.description.role is Role.ALARM:
        return LwM2MAlarmSensor(hub, target)
    return LwM2MBinarySensor(hub, target)


class LwM2MBinarySensor(LwM2MEntity, BinarySensorEntity):
    """On when the resource is true; a multiple resource while any of its instances is.

    With ``value_names`` (the device's Error Code) the attributes list the codes that are
    set and what each one means.
    """

    entity_description: LwM2MBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        if not self.entity_description.multiple:
            value = self.resource_value
            return None if value is None else bool(value)
        instances = self.hub.resource_instances(self.endpoint, self.path)
        return any(bool(value) for value in instances.values()) if instances else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        attributes = super().extra_state_attributes
        if self.entity_description.value_names is None or attributes is None:
            return attributes
        codes = [
            int(value)
            for value in attributes["values"].values()
            if isinstance(value, int) and not isinstance(value, bool) and value != 0
        ]
        return {**attributes, "codes": codes, "errors": [error_name(code) for code in codes]}


class LwM2MAlarmSensor(LwM2MEntity, BinarySensorEntity):
    """On while the resource's alarm is raised; the attributes describe the alarm."""

    entity_description: LwM2MBinarySensorDescription

    _attr_device_class = BinarySensorDeviceClass.PROBLEM
    listens_to_reports = True

    def __init__(self, hub: LwM2MHub, target: EntityTarget) -> None:
        super().__init__(hub, target)
        self._tracker = hub.alarm_tracker(target.endpoint, target.path)

    @property
    def is_on(self) -> bool:
        return self._tracker.active is not None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {key: to_response(value) for key, value in self._tracker.attributes().items()}

    @callback
    def value_reported(self, value: Any) -> None:
        if self._tracker.latest:  # the hub fed the tracker the value first
            self.async_write_ha_state()
