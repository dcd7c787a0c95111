"""The options-flow form for one resource's functionalities: schema, and settings from it.

Sections: measurement, alarm, event and observation; ``show`` and ``custom_action`` on top.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import voluptuous as vol
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from ..device_protocols.alarms import AlarmSettings, AlarmStatus, Severity
from ..device_protocols.settings import EventSettings, MeasurementSettings, ResourceSettings

SHOW = "show"
CUSTOM_ACTION = "custom_action"
MEASUREMENT = "measurement"
ALARM = "alarm"
EVENT = "event"
OBSERVATION = "observation"
ENABLED = "enabled"
TYPE = "type"
SERIES = "series"
UNIT = "unit"
SEVERITY = "severity"
STATUS = "status"
TEXT = "text"
ABOVE = "above"
BELOW = "below"
OBSERVE = "observe"
PERIODS = ("pmin", "pmax")
CONDITIONS = ("gt", "lt", "st")

_TEXT = TextSelector()
_NUMBER = NumberSelector(NumberSelectorConfig(step="any", mode=NumberSelectorMode.BOX))
_PERIOD = NumberSelector(NumberSelectorConfig(min=0, step=1, mode=NumberSelectorMode.BOX))


class FunctionsFormError(ValueError):
    """An answer that cannot be saved; ``key`` names the translated error."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _select(options: list[str], translation_key: str) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=options, mode=SelectSelectorMode.DROPDOWN, translation_key=translation_key
        )
    )


def _option(value: Severity | AlarmStatus) -> str:
    """Select options are lower case (translation keys); the stored values upper case."""
    return value.value.lower()


def _optional(key: str, current: Any) -> vol.Optional:
    return vol.Optional(key, description={"suggested_value": current})


def functions_schema(settings: ResourceSettings, *, numeric: bool) -> vol.Schema:
    """The form, filled in with ``settings``; value conditions only for a numeric resource."""
    measurement, alarm, event = settings.measurement, settings.alarm, settings.event
    fields: dict[Any, Any] = {
        vol.Required(SHOW, default=settings.show): BooleanSelector(),
        vol.Required(CUSTOM_ACTION, default=settings.custom_action): BooleanSelector(),
    }
    fields[vol.Required(MEASUREMENT)] = section(
        vol.Schema(
            {
                vol.Required(ENABLED, default=measurement is not None): BooleanSelector(),
                _optional(TYPE, measurement and measurement.type): _TEXT,
                _optional(SERIES, measurement and measurement.series): _TEXT,
                _optional(UNIT, measurement and measurement.unit): _TEXT,
            }
        ),
        {"collapsed": measurement is None},
    )
    fields[vol.Required(ALARM)] = section(
        vol.Schema(
            {
                vol.Required(ENABLED, default=alarm is not None): BooleanSelector(),
                vol.Required(
                    SEVERITY, default=_option(alarm.severity if alarm else Severity.MAJOR)
                ): _select([_option(severity) for severity in Severity], "alarm_severity"),
                _optional(TYPE, alarm and alarm.type): _TEXT,
                vol.Required(
                    STATUS, default=_option(alarm.status if alarm else AlarmStatus.ACTIVE)
                ): _select([_option(status) for status in AlarmStatus], "alarm_status"),
                _optional(TEXT, alarm and alarm.text): _TEXT,
                _optional(ABOVE, alarm and alarm.above): _NUMBER,
                _optional(BELOW, alarm and alarm.below): _NUMBER,
            }
        ),
        {"collapsed": alarm is None},
    )
    fields[vol.Required(EVENT)] = section(
        vol.Schema(
            {
                vol.Required(ENABLED, default=event is not None): BooleanSelector(),
                _optional(TYPE, event and event.type): _TEXT,
                _optional(TEXT, event and event.text): _TEXT,
            }
        ),
        {"collapsed": event is None},
    )
    observation: dict[Any, Any] = {
        vol.Required(OBSERVE, default=settings.observe): BooleanSelector()
    }
    for key in PERIODS:
        observation[_optional(key, getattr(settings, key))] = _PERIOD
    for key in CONDITIONS if numeric else ():
        observation[_optional(key, getattr(settings, key))] = _NUMBER
    fields[vol.Required(OBSERVATION)] = section(
        vol.Schema(observation), {"collapsed": not settings.observe}
    )
    return vol.Schema(fields)


def settings_from_input(before: ResourceSettings, data: dict[str, Any]) -> ResourceSettings:
    """The resource's settings after the form; raises FunctionsFormError."""
    observation = data[OBSERVATION]
    pmin, pmax = (_whole(observation.get(key)) for key in PERIODS)
    if pmin is not None and pmax is not None and pmin > pmax:
        raise FunctionsFormError("pmin_above_pmax")
    gt, lt, st = (_number(observation.get(key)) for key in CONDITIONS)
    settings = replace(
        before,
        show=bool(data[SHOW]),
        custom_action=bool(data[CUSTOM_ACTION]),
        measurement=_measurement(data[MEASUREMENT]),
        alarm=_alarm(data[ALARM]),
        event=_event(data[EVENT]),
        observe=bool(observation[OBSERVE]),
        pmin=pmin,
        pmax=pmax,
        gt=gt,
        lt=lt,
        st=st,
    )
    if settings.observe and not settings.observes:
        raise FunctionsFormError("observe_needs_functionality")
    return settings


def _measurement(data: dict[str, Any]) -> MeasurementSettings | None:
    if not data[ENABLED]:
        return None
    kind, series = _filled(data, TYPE), _filled(data, SERIES)
    if kind is None or series is None:
        raise FunctionsFormError("measurement_incomplete")
    return MeasurementSettings(kind, series, _filled(data, UNIT))


def _alarm(data: dict[str, Any]) -> AlarmSettings | None:
    if not data[ENABLED]:
        return None
    kind, text = _filled(data, TYPE), _filled(data, TEXT)
    if kind is None or text is None:
        raise FunctionsFormError("alarm_incomplete")
    return AlarmSettings(
        Severity(data[SEVERITY].upper()),
        kind,
        AlarmStatus(data[STATUS].upper()),
        text,
        above=_number(data.get(ABOVE)),
        below=_number(data.get(BELOW)),
    )


def _event(data: dict[str, Any]) -> EventSettings | None:
    if not data[ENABLED]:
        return None
    kind, text = _filled(data, TYPE), _filled(data, TEXT)
    if kind is None or text is None:
        raise FunctionsFormError("event_incomplete")
    return EventSettings(kind, text)


def _filled(data: dict[str, Any], key: str) -> str | None:
    text = str(data.get(key) or "").strip()
    return text or None


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
