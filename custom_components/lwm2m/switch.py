"""Switches: writable boolean resources."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MSwitchDescription
from .entity import LwM2MEntity, async_setup_platform_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.SWITCH, async_add_entities, LwM2MSwitch)


class LwM2MSwitch(LwM2MEntity, SwitchEntity):
    """Turning it on or off writes the resource."""

    entity_description: LwM2MSwitchDescription

    @property
    def is_on(self) -> bool | None:
        value = self.resource_value
        return None if value is None else bool(value)

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.async_write_value(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.async_write_value(False)
