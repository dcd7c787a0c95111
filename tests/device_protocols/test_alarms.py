"""Alarm logic: what raises and clears an alarm, parse errors, the tracker's transitions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.lwm2m.device_protocols.alarms import (
    CLEARED,
    PARSE_ERROR,
    RAISED,
    AlarmSettings,
    AlarmStatus,
    AlarmTracker,
    Severity,
    alarm_for,
)

DOOR = AlarmSettings(Severity.MINOR, "door_open", AlarmStatus.ACTIVE, "The door is open")
HOT = AlarmSettings(Severity.CRITICAL, "overheat", AlarmStatus.ACKNOWLEDGED, "Too hot", above=30.0)
BAND = AlarmSettings(Severity.WARNING, "out_of_band", AlarmStatus.ACTIVE, "Out", 30.0, 10.0)


@pytest.mark.parametrize(
    ("value", "raised"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (-2.5, True),
        (0.0, False),
        ("true", True),
        ("false", False),
        ("0", False),
        ("0x10", True),
        ("", False),
        ("   ", False),
        ("Door sensor was triggered", True),
        (b"\x00", True),
        (b"", False),
        (datetime(2025, 1, 1, tzinfo=UTC), True),
    ],
)
def test_without_threshold_a_set_value_raises(value: Any, raised: bool) -> None:
    alarm = alarm_for(DOOR, False, value)
    assert (alarm is not None) is raised
    if alarm is not None:
        assert (alarm.type, alarm.severity, alarm.status, alarm.value) == (
            "door_open",
            Severity.MINOR,
            AlarmStatus.ACTIVE,
            value,
        )


@pytest.mark.parametrize(
    ("settings", "value", "raised"),
    [
        (HOT, 30, False),
        (HOT, 30.5, True),
        (HOT, "0x1F", True),  # 31
        (HOT, "036", False),  # octal 30
        (HOT, "3.1e1", True),
        (BAND, 20, False),
        (BAND, 9.99, True),
        (BAND, 31, True),
        (BAND, "012", False),  # octal 10: not below 10
    ],
)
def test_thresholds(settings: AlarmSettings, value: Any, raised: bool) -> None:
    alarm = alarm_for(settings, False, value)
    assert (alarm is not None) is raised


@pytest.mark.parametrize("value", ["abc", "-029", "1,5", "nan", b"\x01"])
def test_a_value_that_must_be_a_number_and_is_not_raises_parse_error(value: Any) -> None:
    for settings, measured in ((None, True), (HOT, False), (DOOR, True)):
        alarm = alarm_for(settings, measured, value)
        assert alarm is not None
        assert (alarm.type, alarm.severity, alarm.status) == (
            PARSE_ERROR,
            Severity.MAJOR,
            AlarmStatus.ACTIVE,
        )
        assert alarm.value == value
        assert alarm.text


def test_a_measurement_without_alarm_settings_only_raises_parse_errors() -> None:
    assert alarm_for(None, True, 42) is None
    assert alarm_for(None, False, "abc") is None


def test_tracker_raises_once_keeps_the_raising_value_and_clears() -> None:
    tracker = AlarmTracker(HOT, measured=True)
    assert tracker.update(20) == []
    changes = tracker.update(31)
    assert [change.event for change in changes] == [RAISED]
    assert changes[0].alarm.value == 31
    assert tracker.update(35) == []  # still raised: no news, the raising value stays
    assert tracker.attributes() == {
        "severity": "CRITICAL",
        "type": "overheat",
        "status": "ACKNOWLEDGED",
        "text": "Too hot",
        "value": 31,
    }
    assert tracker.update(None) == []
    changes = tracker.update(25)
    assert [(change.event, change.alarm.status, change.alarm.value) for change in changes] == [
        (CLEARED, AlarmStatus.CLEARED, 25)
    ]
    assert tracker.active is None
    assert tracker.attributes()["status"] == "CLEARED"
    assert tracker.attributes()["value"] == 31


def test_tracker_switches_between_parse_error_and_the_configured_alarm() -> None:
    tracker = AlarmTracker(HOT, measured=True)
    changes = tracker.update("hot!")
    assert [(c.event, c.alarm.type) for c in changes] == [(RAISED, PARSE_ERROR)]
    changes = tracker.update(40)
    assert [(c.event, c.alarm.type) for c in changes] == [
        (CLEARED, PARSE_ERROR),
        (RAISED, "overheat"),
    ]
    changes = tracker.update(10)
    assert [(c.event, c.alarm.type) for c in changes] == [(CLEARED, "overheat")]


def test_start_takes_the_known_value_silently() -> None:
    tracker = AlarmTracker(DOOR, measured=False)
    tracker.start(True)
    assert tracker.active is not None
    assert tracker.update(True) == []
    assert [change.event for change in tracker.update(False)] == [CLEARED]


def test_attributes_before_any_alarm() -> None:
    assert AlarmTracker(DOOR, measured=False).attributes() == {
        "severity": "MINOR",
        "type": "door_open",
        "status": "CLEARED",
        "text": "The door is open",
        "value": None,
    }
    assert set(AlarmTracker(None, measured=True).attributes().values()) == {None}


def test_settings_round_trip() -> None:
    for settings in (DOOR, HOT, BAND):
        assert AlarmSettings.from_dict(settings.to_dict()) == settings
    assert "above" not in DOOR.to_dict()
