"""Binary sensors: readable boolean resources."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .entity import LwM2MEntity, async_setup_platform_entities
from .hub import LwM2MHub
from .targets import EntityTarget

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(
        hass, entry, Platform.BINARY_SENSOR, async_add_entities, LwM2MBinarySensor
    )


class LwM2MBinarySensor(LwM2MEntity, BinarySensorEntity):
    """On when the resource is true."""

    def __init__(self, hub: LwM2MHub, target: EntityTarget) -> None:
        super().__init__(hub, target)
        self._attr_device_class = target.spec.device_class  # type: ignore[assignment]

    @property
    def is_on(self) -> bool | None:
        value = self.resource_value
        return None if value is None else bool(value)
