"""Texts: writable string resources."""

from __future__ import annotations

from homeassistant.components.text import TextEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MTextDescription
from .entity import LwM2MEntity, async_setup_platform_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.TEXT, async_add_entities, LwM2MText)


class LwM2MText(LwM2MEntity, TextEntity):
    """Setting it writes the resource."""

    entity_description: LwM2MTextDescription

    @property
    def native_value(self) -> str | None:
        value = self.resource_value
        return None if value is None else str(value)[: self.native_max]

    async def async_set_value(self, value: str) -> None:
        await self.async_write_value(value)
