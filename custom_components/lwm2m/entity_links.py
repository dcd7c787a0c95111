"""The hub's line to each device's entities: availability changes and resources gone.

One dict per device rather than two dispatcher signals per entity: a fleet of a thousand
devices has tens of thousands of entities, and each signal would cost a connection, a job
and a name of its own.
"""

from __future__ import annotations

from functools import partial
from typing import Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant


class LinkedEntity(Protocol):
    def availability_changed(self) -> None:
        """The device registered, or is gone: the entity's availability may differ."""

    async def resource_gone(self) -> None:
        """The entity's resource is no longer one the device has an entity for."""


class EntityLinks:
    """The entities of each device, by unique id."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self._by_endpoint: dict[str, dict[str, LinkedEntity]] = {}

    def attach(self, endpoint: str, unique_id: str, entity: LinkedEntity) -> CALLBACK_TYPE:
        """Link ``entity``; the returned callback unlinks it."""
        self._by_endpoint.setdefault(endpoint, {})[unique_id] = entity
        return partial(self._detach, endpoint, unique_id, entity)

    def _detach(self, endpoint: str, unique_id: str, entity: LinkedEntity) -> None:
        linked = self._by_endpoint.get(endpoint)
        if linked is None or linked.get(unique_id) is not entity:
            return  # already replaced by the entity that took its unique id
        del linked[unique_id]
        if not linked:
            del self._by_endpoint[endpoint]

    def availability_changed(self, endpoint: str) -> None:
        for entity in list(self._by_endpoint.get(endpoint, {}).values()):
            entity.availability_changed()

    def resource_gone(self, endpoint: str, unique_id: str) -> None:
        entity = self._by_endpoint.get(endpoint, {}).get(unique_id)
        if entity is not None:
            self._hass.async_create_task(entity.resource_gone(), eager_start=True)
