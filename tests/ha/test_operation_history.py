"""The operation history: bounded per device, kept across restarts, written soon enough."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.lwm2m.engine import Path, RequestFailedError, RequestTimeoutError
from custom_components.lwm2m.operation_history import (
    HISTORY_LENGTH,
    SAVE_DELAY,
    OperationHistory,
    acting_as,
)

KEY = "lwm2m.history"
PATH = Path.parse("/3/0/0")


async def test_entries_say_what_happened_and_who_asked(hass: HomeAssistant) -> None:
    history = OperationHistory(hass)
    with acting_as("user-1"), history.track("dev", "read", PATH):
        pass
    with pytest.raises(RequestFailedError), history.track("dev", "write", PATH):
        raise RequestFailedError("dev", PATH, "4.05")
    with pytest.raises(RequestTimeoutError), history.track("dev", "execute", PATH):
        raise RequestTimeoutError("dev", PATH)
    rows = [(e.operation, e.result, e.user_id) for e in history.entries("dev")]
    assert rows == [
        ("execute", "timeout", None),
        ("write", "4.05", None),
        ("read", "2.05", "user-1"),
    ]
    assert history.entries("other") == []


async def test_the_last_thousand_per_device_survive_a_restart(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    history = OperationHistory(hass)
    for _ in range(HISTORY_LENGTH + 5):
        with history.track("dev", "read", PATH):
            pass
    with history.track("other", "delete", Path.parse("/3303/1")):
        pass
    await history.async_save()

    again = OperationHistory(hass)
    await again.async_load()
    assert len(again.entries("dev")) == HISTORY_LENGTH
    assert [e.operation for e in again.entries("other")] == ["delete"]


async def test_a_request_cut_off_by_a_stop_reads_as_interrupted(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    history = OperationHistory(hass)
    with history.track("dev", "read", PATH):
        await history.async_save()  # Home Assistant stops while the request runs
    hass_storage[KEY]["data"] = {
        "devices": {
            "dev": [{**hass_storage[KEY]["data"]["devices"]["dev"][0], "result": "pending"}]
        }
    }
    again = OperationHistory(hass)
    await again.async_load()
    assert again.entries("dev")[0].result == "interrupted"


async def test_a_steady_stream_of_operations_does_not_postpone_the_write(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    history = OperationHistory(hass)
    with history.track("dev", "read", PATH):
        pass
    for _ in range(SAVE_DELAY):  # one more operation every second
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        with history.track("dev", "read", PATH):
            pass
    freezer.tick(timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert KEY in hass_storage
    assert len(hass_storage[KEY]["data"]["devices"]["dev"]) >= SAVE_DELAY
