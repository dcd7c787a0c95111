"""Event entities of device protocols: alarms raised and cleared, reported values, raw
payloads for custom actions."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MEventDescription, Role
from .device_protocols.raw_payload import payload_attributes
from .discovery import EntityTarget
from .entity import LwM2MEntity, async_setup_platform_entities
from .entity_table import PAYLOAD_RECEIVED, VALUE_RECEIVED
from .hub import LwM2MHub
from .values.json_forms import to_response

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.EVENT, async_add_entities, _event)


def _event(hub: LwM2MHub, target: EntityTarget) -> LwM2MEntity:
    role = target.description.role
    if role is Role.ALARM_EVENTS:
        return LwM2MAlarmEvents(hub, target)
    if role is Role.PAYLOAD:
        return LwM2MPayloadEvents(hub, target)
    return LwM2MValueEvents(hub, target)


class _LwM2MEvents(LwM2MEntity, EventEntity):
    """Fires on values the device reports for the resource."""

    entity_description: LwM2MEventDescription
    listens_to_reports = True

    @property
    def extra_state_attributes(self) -> None:
        return None

    def _fire(self, event_type: str, attributes: dict[str, Any]) -> None:
        self._trigger_event(event_type, attributes)
        self.async_write_ha_state()


class LwM2MAlarmEvents(_LwM2MEvents):
    """``alarm_raised`` / ``alarm_cleared`` with severity, type, status, text and value."""

    def __init__(self, hub: LwM2MHub, target: EntityTarget) -> None:
        super().__init__(hub, target)
        self._tracker = hub.alarm_tracker(target.endpoint, target.path)

    @callback
    def value_reported(self, value: Any) -> None:
        for change in self._tracker.latest:  # the hub fed the tracker the value first
            attributes = change.alarm.attributes()
            self._fire(change.event, {key: to_response(item) for key, item in attributes.items()})


class LwM2MValueEvents(_LwM2MEvents):
    """``value_received`` on every reported value, with the protocol's type and text."""

    @callback
    def value_reported(self, value: Any) -> None:
        event = self.entity_description.event
        assert event is not None  # the mapping only makes this entity for an event
        self._fire(
            VALUE_RECEIVED, {"type": event.type, "text": event.text, "value": to_response(value)}
        )


class LwM2MPayloadEvents(_LwM2MEvents):
    """``payload_received`` with the raw bytes as ``hex`` and ``base64`` (custom action)."""

    _unrecorded_attributes = frozenset({"hex", "base64"})

    @callback
    def value_reported(self, value: Any) -> None:
        self._fire(PAYLOAD_RECEIVED, payload_attributes(value))
