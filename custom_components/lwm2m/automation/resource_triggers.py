"""Device triggers on what a device reports for one resource (or any of them): a value
received by a resource with a *Send event* or *custom action*, an alarm raised or cleared."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo

from ..device_protocols.alarms import CLEARED, RAISED
from ..device_protocols.raw_payload import payload_attributes
from ..engine import Path
from ..hub import LwM2MHub
from ..signals import signal_received
from ..values.json_forms import to_response
from .devices import LinkedDevice
from .resources import Function, FunctionTarget, alarm_tracker, function_targets, resource_value
from .variables import trigger_variables

VALUE_RECEIVED: Final = "value_received"
ALARM_RAISED: Final = RAISED
ALARM_CLEARED: Final = CLEARED
# Which functionality of a resource each trigger needs.
RESOURCE_TRIGGERS: Final[dict[str, frozenset[Function]]] = {
    VALUE_RECEIVED: frozenset({Function.EVENT, Function.PAYLOAD}),
    ALARM_RAISED: frozenset({Function.ALARM}),
    ALARM_CLEARED: frozenset({Function.ALARM}),
}

# What one report of a resource makes of it: (value, attributes) per run.
Runs = Iterator[tuple[Any, dict[str, Any]]]


def attach_resource_trigger(
    hass: HomeAssistant,
    device: LinkedDevice,
    trigger_type: str,
    path: Path | None,
    severities: frozenset[str] | None,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Run ``action`` for each value the device reports for ``path`` (None: for any of
    its resources with the functionality the trigger needs); an alarm trigger runs it
    for each alarm the values raise or clear (of ``severities``, when given)."""
    job = HassJob(action, f"LwM2M {trigger_type} trigger of {device.endpoint}")
    needs = RESOURCE_TRIGGERS[trigger_type]
    runs: Callable[[LwM2MHub, list[FunctionTarget]], Runs] = (
        _AlarmRuns(trigger_type, severities) if Function.ALARM in needs else _values_received
    )

    @callback  # runs at once: what the hub found for this report is read right away
    def _reported(paths: set[Path]) -> None:
        hub = device.hub(hass)
        if hub is None:
            return
        wanted = paths if path is None else paths & {path}
        if not wanted:
            return
        by_path: dict[Path, list[FunctionTarget]] = {}
        for item in function_targets(hub, device.endpoint):
            if item.path in wanted and item.function in needs:
                by_path.setdefault(item.path, []).append(item)
        for reported, items in sorted(by_path.items()):
            for value, attributes in runs(hub, items):
                variables = trigger_variables(
                    trigger_info,
                    device_id=device.device_id,
                    endpoint=device.endpoint,
                    trigger_type=trigger_type,
                    path=str(reported),
                    value=value,
                    attributes=attributes,
                )
                hass.async_run_hass_job(job, variables)

    return async_dispatcher_connect(
        hass, signal_received(device.entry_id, device.endpoint), _reported
    )


def _values_received(hub: LwM2MHub, items: list[FunctionTarget]) -> Runs:
    """One reported value with what its functionalities say of it: the event's ``type``
    and ``text`` (Send event), its bytes as ``hex`` and ``base64`` (custom action)."""
    value = resource_value(hub, items[0].target)
    if value is None:
        return
    attributes: dict[str, Any] = {}
    for item in items:
        event = item.target.description.event
        if item.function is Function.EVENT and event is not None:
            attributes.update(type=event.type, text=event.text)
        elif item.function is Function.PAYLOAD:
            attributes.update(payload_attributes(value))
    yield to_response(value), attributes


class _AlarmRuns:
    """The alarms of the trigger's resources as the hub's trackers (the ones the alarm
    entities read) find them: a run per alarm the reported value raised or cleared, with
    the alarm's severity, type, status and text and the value that raised or cleared it."""

    def __init__(self, event: str, severities: frozenset[str] | None) -> None:
        self.event = event
        self.severities = severities

    def __call__(self, hub: LwM2MHub, items: list[FunctionTarget]) -> Runs:
        for change in alarm_tracker(hub, items[0].target).latest:  # the hub fed it first
            alarm = change.alarm
            if change.event != self.event:
                continue
            if self.severities is not None and alarm.severity.lower() not in self.severities:
                continue
            attributes = alarm.attributes()
            value = attributes.pop("value")
            yield to_response(value), {key: to_response(item) for key, item in attributes.items()}
