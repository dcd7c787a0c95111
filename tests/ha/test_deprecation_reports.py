"""The suite fails a test during which Home Assistant reported a deprecated call."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame

from tests.ha_deprecations import DeprecationReports, is_deprecation_report


async def test_a_report_from_the_frame_helper_is_caught(
    hass: HomeAssistant, home_assistant_deprecations: DeprecationReports
) -> None:
    frame.report_usage(
        "calls a retired helper",
        core_behavior=frame.ReportBehavior.LOG,
        breaks_in_ha_version="2099.1.0",
    )
    messages = [record.getMessage() for record in home_assistant_deprecations.records]
    assert len(messages) == 1
    assert "calls a retired helper" in messages[0]
    assert "This will stop working in Home Assistant 2099.1.0" in messages[0]
    home_assistant_deprecations.records.clear()  # the deliberate report must not fail this test


def _record(name: str, message: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord(name, level, "/somewhere/module.py", 1, message, None, None)


def test_deprecation_wording_from_home_assistant_loggers_counts() -> None:
    assert is_deprecation_report(
        _record("homeassistant.helpers.entity", "'x' is deprecated. Please rename 'x'")
    )


def test_other_records_do_not_count() -> None:
    assert not is_deprecation_report(_record("homeassistant.setup", "Setup of lwm2m failed"))
    assert not is_deprecation_report(
        _record("custom_components.lwm2m", "resource 5 is deprecated in the DDF")
    )
    assert not is_deprecation_report(
        _record("homeassistant.core", "something deprecated", logging.INFO)
    )
