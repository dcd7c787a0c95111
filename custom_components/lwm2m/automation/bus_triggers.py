"""Device triggers behind the integration's bus events: registration, bootstrap and
firmware outcomes of one device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant, callback
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo

from ..const import (
    ATTR_DEVICE_ID,
    ATTR_ENDPOINT,
    ATTR_REASON,
    EVENT_BOOTSTRAP_FAILED,
    EVENT_BOOTSTRAP_FINISHED,
    EVENT_DEREGISTERED,
    EVENT_FIRMWARE_UPDATE_FAILED,
    EVENT_FIRMWARE_UPDATE_FINISHED,
    EVENT_REGISTERED,
)
from .devices import LinkedDevice
from .variables import trigger_variables

# Reasons of lwm2m_deregistered (see the hub): the device said goodbye, or its
# credentials were revoked; or its lifetime ran out without an update.
LEFT_REASONS: Final = frozenset({"deregistered", "credentials revoked"})
EXPIRED_REASONS: Final = frozenset({"expired"})


@dataclass(frozen=True, slots=True)
class BusTrigger:
    """A bus event of one device; ``reasons``, when given, are the ``reason``s it takes."""

    event_type: str
    reasons: frozenset[str] | None = None

    def takes(self, data: dict[str, Any], device_id: str) -> bool:
        if data.get(ATTR_DEVICE_ID) != device_id:
            return False
        return self.reasons is None or data.get(ATTR_REASON) in self.reasons


BUS_TRIGGERS: Final[dict[str, BusTrigger]] = {
    "registered": BusTrigger(EVENT_REGISTERED),
    "deregistered": BusTrigger(EVENT_DEREGISTERED, LEFT_REASONS),
    "went_offline": BusTrigger(EVENT_DEREGISTERED, EXPIRED_REASONS),
    "bootstrap_finished": BusTrigger(EVENT_BOOTSTRAP_FINISHED),
    "bootstrap_failed": BusTrigger(EVENT_BOOTSTRAP_FAILED),
    "firmware_update_finished": BusTrigger(EVENT_FIRMWARE_UPDATE_FINISHED),
    "firmware_update_failed": BusTrigger(EVENT_FIRMWARE_UPDATE_FAILED),
}


def attach_bus_trigger(
    hass: HomeAssistant,
    device: LinkedDevice,
    trigger_type: str,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Run ``action`` on each of the device's bus events of ``trigger_type``; the event's
    data (less the device's ids) become ``trigger.attributes``."""
    kind = BUS_TRIGGERS[trigger_type]
    job = HassJob(action, f"LwM2M {trigger_type} trigger of {device.endpoint}")

    @callback
    def _takes(data: dict[str, Any]) -> bool:
        return kind.takes(data, device.device_id)

    @callback
    def _fired(event: Event[dict[str, Any]]) -> None:
        attributes = {
            key: value
            for key, value in event.data.items()
            if key not in (ATTR_DEVICE_ID, ATTR_ENDPOINT)
        }
        variables = trigger_variables(
            trigger_info,
            device_id=device.device_id,
            endpoint=device.endpoint,
            trigger_type=trigger_type,
            attributes=attributes,
        )
        hass.async_run_hass_job(job, variables, event.context)

    return hass.bus.async_listen(kind.event_type, _fired, event_filter=_takes)
