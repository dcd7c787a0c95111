"""Under steady traffic what is on disk stays recent: device state at most 30 s old and
queued requests at most 2 s, in simulated time (the SIGKILL test in
test_kill_while_busy.py checks the same with a real Home Assistant process)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.engine import QueueChanged

from .fake_server import TableServer

TEMPERATURE = "/3303/0/5700"


async def test_device_state_on_disk_is_never_older_than_30_s_under_notifications(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    start = dt_util.utcnow()
    ages = []
    for second in range(1, 121):  # a notification every second for two minutes
        fake_server.notify("dev-1", TEMPERATURE, {TEMPERATURE: float(second)})
        async_fire_time_changed(hass, start + timedelta(seconds=second))
        await hass.async_block_till_done()
        stored = hass_storage.get(f"{DOMAIN}.devices")
        written = stored["data"]["devices"]["dev-1"]["values"].get(TEMPERATURE) if stored else 0
        ages.append(second - written)
    assert max(ages) <= 30, ages


async def test_queued_requests_on_disk_are_never_older_than_2_s_while_queueing(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    start = dt_util.utcnow()
    queued: list[dict[str, Any]] = []
    lags = []
    for tick in range(1, 121):  # a request queued every half second for a minute
        queued = [*queued, {"operation": "read", "path": f"/3303/0/{tick}"}]
        fake_server.table.queue["dev-1"] = queued
        fake_server.emit(QueueChanged("dev-1"))
        async_fire_time_changed(hass, start + timedelta(seconds=tick / 2))
        await hass.async_block_till_done()
        stored = hass_storage.get(f"{DOMAIN}.queue")
        on_disk = len(stored["data"]["requests"].get("dev-1", [])) if stored else 0
        lags.append((tick - on_disk) / 2)  # seconds since the newest request on disk
    assert max(lags) <= 2, lags
