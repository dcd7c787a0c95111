"""Texts: writable string resources."""

from __future__ import annotations

from homeassistant.components.text import TextEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .discovery import EntityTarget
from .entity import LwM2MEntity, async_setup_platform_entities
from .hub import LwM2MHub

PARALLEL_UPDATES = 1
MAX_LENGTH = 255


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.TEXT, async_add_entities, LwM2MText)


class LwM2MText(LwM2MEntity, TextEntity):
    """Setting it writes the resource."""

    def __init__(self, hub: LwM2MHub, target: EntityTarget) -> None:
        super().__init__(hub, target)
        spec = target.spec
        self._attr_native_max = int(spec.maximum) if spec.maximum is not None else MAX_LENGTH

    @property
    def native_value(self) -> str | None:
        value = self.resource_value
        return None if value is None else str(value)[: self._attr_native_max]

    async def async_set_value(self, value: str) -> None:
        await self.async_write_value(value)
