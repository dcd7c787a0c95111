"""Buttons: executable resources."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import device_requests
from .data import LwM2MConfigEntry
from .descriptions import LwM2MButtonDescription
from .entity import LwM2MEntity, async_setup_platform_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.BUTTON, async_add_entities, LwM2MButton)


class LwM2MButton(LwM2MEntity, ButtonEntity):
    """Pressing it executes the resource."""

    entity_description: LwM2MButtonDescription

    async def async_press(self) -> None:
        with self.acting_user():
            await device_requests.async_execute(self.hub, self.endpoint, self.path, None)
