"""Numbers: writable numeric resources, bounded by the DDF's range."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MNumberDescription
from .engine import ResourceType
from .entity import LwM2MEntity, async_setup_platform_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.NUMBER, async_add_entities, LwM2MNumber)


class LwM2MNumber(LwM2MEntity, NumberEntity):
    """Setting it writes the resource; integers step by 1."""

    entity_description: LwM2MNumberDescription

    @property
    def native_value(self) -> float | None:
        value = self.resource_value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    async def async_set_native_value(self, value: float) -> None:
        if self.entity_description.resource_type is not ResourceType.FLOAT:
            await self.async_write_value(int(value))
        else:
            await self.async_write_value(value)
