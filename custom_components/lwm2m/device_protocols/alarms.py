"""Alarms of a device protocol: what raises and clears one, as a small state machine.

A resource's alarm is *raised* by a value that meets its condition and *cleared* by the
first value that no longer does:

* with a threshold (``above`` and/or ``below``), the value read as a measurement (seed 000
  rules) must be above ``above`` or below ``below``;
* without one, the value must be "set": a number or boolean other than 0/false, text that
  reads as such a number, any other non-blank text, or a non-empty opaque value.

A value that must be read as a number (the resource sends a measurement, or its alarm has a
threshold) but is not one raises the ``parse_error`` alarm instead, and nothing else; the
next readable value clears it. An unknown value (``None``) changes nothing.

A raised alarm keeps the value that raised it until it clears. Its status is the
configured one (ACTIVE, or ACKNOWLEDGED for a known condition); a cleared alarm reads
CLEARED. A configured status of CLEARED records alarms that are already dealt with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ..engine import parse_measurement

PARSE_ERROR = "parse_error"
RAISED = "alarm_raised"
CLEARED = "alarm_cleared"


class Severity(StrEnum):
    CRITICAL = "CRITICAL"
    MAJOR = "MAJOR"
    MINOR = "MINOR"
    WARNING = "WARNING"


class AlarmStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    CLEARED = "CLEARED"


@dataclass(frozen=True, slots=True)
class AlarmSettings:
    """The alarm a device protocol sets on a resource (every field but the thresholds is
    mandatory, as in Cumulocity's device protocols)."""

    severity: Severity
    type: str
    status: AlarmStatus
    text: str
    above: float | None = None
    below: float | None = None

    @property
    def has_threshold(self) -> bool:
        return self.above is not None or self.below is not None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "severity": self.severity.value,
            "type": self.type,
            "status": self.status.value,
            "text": self.text,
        }
        if self.above is not None:
            data["above"] = self.above
        if self.below is not None:
            data["below"] = self.below
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlarmSettings:
        return cls(
            severity=Severity(data["severity"]),
            type=str(data["type"]),
            status=AlarmStatus(data["status"]),
            text=str(data["text"]),
            above=_optional_float(data.get("above")),
            below=_optional_float(data.get("below")),
        )


PARSE_ERROR_SEVERITY = Severity.MAJOR


@dataclass(frozen=True, slots=True)
class Alarm:
    """A raised (or, with status CLEARED, a cleared) alarm and the value behind it."""

    severity: Severity
    type: str
    status: AlarmStatus
    text: str
    value: Any

    def attributes(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "type": self.type,
            "status": self.status.value,
            "text": self.text,
            "value": self.value,
        }


@dataclass(frozen=True, slots=True)
class AlarmChange:
    """An alarm that was raised or cleared; ``alarm.value`` is the value that did it."""

    event: str  # RAISED or CLEARED
    alarm: Alarm


def alarm_for(settings: AlarmSettings | None, measured: bool, value: Any) -> Alarm | None:
    """The alarm ``value`` calls for, or None when it calls for none."""
    needs_number = measured or (settings is not None and settings.has_threshold)
    number: int | float | None = None
    if needs_number:
        try:
            number = parse_measurement(value)
        except ValueError as err:
            return Alarm(PARSE_ERROR_SEVERITY, PARSE_ERROR, AlarmStatus.ACTIVE, str(err), value)
    if settings is None:
        return None
    if settings.has_threshold:
        assert number is not None  # a threshold makes the value a measurement
        met = _beyond(settings, number)
    else:
        met = _is_set(value)
    if not met:
        return None
    return Alarm(settings.severity, settings.type, settings.status, settings.text, value)


def _beyond(settings: AlarmSettings, number: float) -> bool:
    above, below = settings.above, settings.below
    return (above is not None and number > above) or (below is not None and number < below)


def _is_set(value: Any) -> bool:
    if isinstance(value, bytes):
        return bool(value)
    if isinstance(value, str) and not value.strip():
        return False
    try:
        return parse_measurement(value) != 0
    except ValueError:
        return True


class AlarmTracker:
    """One resource's alarm over time: feed it values, it tells what was raised or cleared."""

    def __init__(self, settings: AlarmSettings | None, *, measured: bool) -> None:
        self.settings = settings
        self.measured = measured
        self.active: Alarm | None = None
        self.last: Alarm | None = None  # the active alarm, or the last one, cleared
        self.latest: list[AlarmChange] = []  # what the latest value raised or cleared

    def start(self, value: Any) -> None:
        """Take the value known before any news (after a restart) without reporting it."""
        self.update(value)

    def update(self, value: Any) -> list[AlarmChange]:
        self.latest = self._changes(value)
        return self.latest

    def _changes(self, value: Any) -> list[AlarmChange]:
        if value is None:
            return []
        wanted = alarm_for(self.settings, self.measured, value)
        previous = self.active
        if wanted is None:
            if previous is None:
                return []
            return [self._clear(previous, value)]
        if previous is not None and previous.type == wanted.type:
            return []
        changes = [] if previous is None else [self._clear(previous, value)]
        self.active = self.last = wanted
        changes.append(AlarmChange(RAISED, wanted))
        return changes

    def _clear(self, alarm: Alarm, value: Any) -> AlarmChange:
        self.active = None
        self.last = replace(alarm, status=AlarmStatus.CLEARED)
        return AlarmChange(CLEARED, replace(self.last, value=value))

    def attributes(self) -> dict[str, Any]:
        """The binary sensor's attributes: the active alarm, else the last one, else the
        configured alarm with no value."""
        if self.last is not None:
            return self.last.attributes()
        if self.settings is None:
            return {"severity": None, "type": None, "status": None, "text": None, "value": None}
        settings = self.settings
        return Alarm(
            settings.severity, settings.type, AlarmStatus.CLEARED, settings.text, None
        ).attributes()


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
