"""Device triggers on what a device reports for one resource (or any of them): a value
received by a resource with a *Send event* or *custom action*, an alarm raised or cleared."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo

from ..alarms import CLEARED, RAISED, AlarmTracker
from ..engine.path import Path
from ..hub import LwM2MHub
from ..json_values import to_response
from ..raw_payload import payload_attributes
from ..signals import signal_received
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
    runs: Callable[[LwM2MHub, list[FunctionTarget]], Runs]
    if Function.ALARM in needs:
        runs = _AlarmRuns(hass, device, trigger_type, path, severities)
    else:
        runs = _values_received

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
        event = item.target.spec.event
        if item.function is Function.EVENT and event is not None:
            attributes.update(type=event.type, text=event.text)
        elif item.function is Function.PAYLOAD:
            attributes.update(payload_attributes(value))
    yield to_response(value), attributes


class _AlarmRuns:
    """The alarms of the trigger's resources, followed from the values known when it was
    attached (as the alarm entities follow them): a run per alarm raised or cleared, with
    the alarm's severity, type, status and text and the value that raised or cleared it."""

    def __init__(
        self,
        hass: HomeAssistant,
        device: LinkedDevice,
        event: str,
        path: Path | None,
        severities: frozenset[str] | None,
    ) -> None:
        self.event = event
        self.severities = severities
        self.trackers: dict[Path, AlarmTracker] = {}
        hub = device.hub(hass)
        if hub is None:
            return
        for item in function_targets(hub, device.endpoint):
            if item.function is Function.ALARM and path in (None, item.path):
                self.trackers[item.path] = alarm_tracker(hub, item.target)

    def __call__(self, hub: LwM2MHub, items: list[FunctionTarget]) -> Runs:
        target = items[0].target
        tracker = self.trackers.get(target.path)
        if tracker is None or tracker.settings != target.spec.alarm:
            # A resource alarmed since the trigger was attached, or alarmed otherwise now.
            tracker = self.trackers[target.path] = AlarmTracker(
                target.spec.alarm, measured=target.spec.measurement is not None
            )
        for change in tracker.update(resource_value(hub, target)):
            alarm = change.alarm
            if change.event != self.event:
                continue
            if self.severities is not None and alarm.severity.lower() not in self.severities:
                continue
            attributes = alarm.attributes()
            value = attributes.pop("value")
            yield to_response(value), {key: to_response(item) for key, item in attributes.items()}
