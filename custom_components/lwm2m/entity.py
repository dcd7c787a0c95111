"""Base of every LwM2M entity: one resource of one object instance of one device."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import device_requests
from .const import DOMAIN
from .data import LwM2MConfigEntry
from .descriptions import LwM2MEntityDescription
from .discovery import EntityTarget
from .engine import Path
from .hub import LwM2MHub
from .operation_history import acting_as
from .signals import (
    signal_new_entities,
    signal_received,
)


@lru_cache(maxsize=65536)
def device_info(endpoint: str) -> DeviceInfo:
    """One ``DeviceInfo`` for all the entities of a device (Home Assistant only reads it)."""
    return DeviceInfo(identifiers={(DOMAIN, endpoint)})


@lru_cache(maxsize=65536)
def _only(path: Path) -> frozenset[Path]:
    """``{path}``, one set for every device's entity on that path (paths are shared)."""
    return frozenset((path,))


class LwM2MEntity(Entity):
    """State from the hub's values of ``target.path``, availability from registration.

    An entity with ``listens_to_reports`` also hears of every value the device reports
    for its resource, changed or not (``value_reported``).
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    listens_to_reports = False

    entity_description: LwM2MEntityDescription

    def __init__(self, hub: LwM2MHub, target: EntityTarget) -> None:
        self.hub = hub
        self.target = target
        self.endpoint = target.endpoint
        self.path: Path = target.path
        self.entity_description = target.description
        self._attr_unique_id = target.unique_id
        self._attr_device_info = device_info(target.endpoint)
        name = target.description.name
        if target.description.translation_key is not None and isinstance(name, str):
            # A numbered instance of a translated resource: its own name, not the translation.
            self._attr_name = name

    @property
    def available(self) -> bool:
        return self.hub.is_available(self.endpoint)

    @property
    def resource_value(self) -> Any:
        """The resource's value; for a multiple resource, its lowest instance's."""
        multiple = self.entity_description.multiple
        return self.hub.resource_value(self.endpoint, self.path, multiple=multiple)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        if not self.entity_description.multiple:
            return None
        return {"values": self.hub.resource_instances(self.endpoint, self.path)}

    async def async_added_to_hass(self) -> None:
        entry_id = self.hub.entry.entry_id
        self.async_on_remove(
            self.hub.value_listeners.listen(self.endpoint, self.watched_paths, self._values_changed)
        )
        self.async_on_remove(
            self.hub.entity_links.attach(self.endpoint, self.target.unique_id, self)
        )
        if self.listens_to_reports:
            self.async_on_remove(
                async_dispatcher_connect(
                    self.hass, signal_received(entry_id, self.endpoint), self._paths_reported
                )
            )

    @property
    def watched_paths(self) -> frozenset[Path]:
        """The resources whose changes change this entity's state."""
        return _only(self.path)

    @callback
    def _values_changed(self, changed: set[Path]) -> None:
        self.async_write_ha_state()

    @callback
    def _paths_reported(self, paths: set[Path]) -> None:
        value = self.resource_value if self.path in paths else None
        if value is not None:
            self.value_reported(value)

    @callback
    def value_reported(self, value: Any) -> None:
        """The device reported ``value`` for this entity's resource."""

    @callback
    def availability_changed(self) -> None:
        # Entities added as their device registers already show it available: a fleet's
        # registration would otherwise write every new entity's state twice.
        shown = self.hass.states.get(self.entity_id) if self.entity_id else None
        if shown is None or (shown.state == STATE_UNAVAILABLE) == self.available:
            self.async_write_ha_state()

    async def resource_gone(self) -> None:
        await self.async_remove()

    async def async_write_value(self, value: Any) -> None:
        with self.acting_user():
            await device_requests.async_write(self.hub, self.endpoint, self.path, value)

    def acting_user(self) -> AbstractContextManager[None]:
        """Requests made inside are recorded as the user of the entity's service call."""
        context = self._context
        return acting_as(context.user_id if context is not None else None)


def async_setup_platform_entities(
    hass: HomeAssistant,
    entry: LwM2MConfigEntry,
    platform: Platform,
    async_add_entities: AddEntitiesCallback,
    entity_class: Callable[[LwM2MHub, EntityTarget], Entity],
) -> None:
    """Add the platform's entities now and whenever the hub finds new ones."""
    hub = entry.runtime_data.hub

    @callback
    def _add(targets: list[EntityTarget]) -> None:
        async_add_entities(entity_class(hub, target) for target in targets)

    entry.async_on_unload(
        async_dispatcher_connect(hass, signal_new_entities(entry.entry_id, platform), _add)
    )
    _add(hub.targets_for(platform))
