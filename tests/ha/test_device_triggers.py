"""Device triggers through Home Assistant's automation component, against the real
server and a simulated device over loopback UDP: each trigger type starts an automation,
with the value, path and attributes in its variables."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any

import pytest
from aiocoap.numbers.codes import Code
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import CONF_BOOTSTRAP_PORT
from custom_components.lwm2m.engine import DeviceCredentials, Path, SecurityMode
from simulator import BootstrapError, SimulatedDevice

from .automation_helpers import (
    APPLICATION_TYPE,
    ON_OFF,
    SENSOR_VALUE,
    device_trigger,
    graceless_entry,
    protocol_device,
    ran,
    register,
    registered_device,
    runs,
    runs_after,
    set_up_automations,
    set_value,
    simulated,
)
from .devices import device_of
from .firmware_helpers import KB, add_image
from .live_network import expected_lingering_timers, live_entry, loopback

__all__ = [
    "expected_lingering_timers",
    "graceless_entry",
    "live_entry",
    "loopback",
    "protocol_device",
    "ran",
    "simulated",
]


async def test_registered_and_deregistered(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    device = await registered_device(hass, simulated, live_entry)
    await set_up_automations(
        hass,
        [
            {"name": "back", "triggers": [device_trigger(device.id, "registered")]},
            {"name": "gone", "triggers": [device_trigger(device.id, "deregistered")]},
            {"name": "lost", "triggers": [device_trigger(device.id, "went_offline")]},
        ],
    )

    await simulated.deregister()
    await hass.async_block_till_done()
    await register(hass, simulated, live_entry)

    assert [run["name"] for run in runs(ran)] == ["gone", "back"]
    gone, back = runs(ran)
    assert gone["attributes"] == {"reason": "deregistered"}
    assert (gone["type"], gone["path"], gone["value"]) == ("deregistered", None, None)
    assert gone["device_id"] == device.id
    assert back["description"] == "LwM2M registered (sim-1)"


async def test_values_received_by_one_resource_and_by_any(
    hass: HomeAssistant,
    protocol_device: dr.DeviceEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    device = protocol_device
    await set_up_automations(
        hass,
        [
            {
                "name": "switch",
                "triggers": [device_trigger(device.id, "value_received", path=ON_OFF)],
            },
            {"name": "any", "triggers": [device_trigger(device.id, "any_value_received")]},
        ],
    )

    switch = Path.parse(ON_OFF)
    # The switch is observed: a change comes as a notification. A Send of the same value
    # is a report too, changed or not.
    notified = await runs_after(hass, "switch", 1, set_value(simulated, switch, True))
    sent = await runs_after(hass, "switch", 1, simulated.send([switch]))
    for run in (*notified, *sent):
        assert (run["path"], run["value"]) == (ON_OFF, True)
        attributes = run["attributes"]
        assert (attributes["type"], attributes["text"]) == ("switched", "The light was switched")
        assert (attributes["hex"], attributes["length"]) == (b"True".hex(), 4)

    application = Path.parse(APPLICATION_TYPE)
    simulated.set_value(application, "Boiler")
    (run,) = await runs_after(hass, "any", 1, simulated.send([application]))
    assert (run["path"], run["value"]) == (APPLICATION_TYPE, "Boiler")
    assert run["attributes"]["base64"] == "Qm9pbGVy"
    assert len(runs(ran, "any")) == 3
    assert len(runs(ran, "switch")) == 2


async def test_alarms_raised_and_cleared_by_one_resource_and_by_any(
    hass: HomeAssistant,
    protocol_device: dr.DeviceEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    device = protocol_device
    await set_up_automations(
        hass,
        [
            {
                "name": "hot",
                "triggers": [device_trigger(device.id, "alarm_raised", path=SENSOR_VALUE)],
            },
            {
                "name": "cool",
                "triggers": [device_trigger(device.id, "alarm_cleared", path=SENSOR_VALUE)],
            },
            {"name": "any raised", "triggers": [device_trigger(device.id, "any_alarm_raised")]},
            {"name": "any cleared", "triggers": [device_trigger(device.id, "any_alarm_cleared")]},
            {
                "name": "critical",
                "triggers": [device_trigger(device.id, "any_alarm_raised", severity=["critical"])],
            },
            {
                "name": "major or minor",
                "triggers": [
                    device_trigger(
                        device.id, "alarm_raised", path=SENSOR_VALUE, severity=["major", "minor"]
                    )
                ],
            },
        ],
    )
    temperature = Path.parse(SENSOR_VALUE)

    (hot,) = await runs_after(hass, "hot", 1, set_value(simulated, temperature, 35.5))
    assert (hot["type"], hot["path"], hot["value"]) == ("alarm_raised", SENSOR_VALUE, 35.5)
    assert hot["attributes"] == {
        "severity": "MAJOR",
        "type": "overheat",
        "status": "ACTIVE",
        "text": "Too hot",
    }
    assert hot["description"] == f"LwM2M alarm raised (sim-1 {SENSOR_VALUE})"
    # A hotter value keeps the alarm raised: nothing new to run for.
    (cool,) = await runs_after(
        hass, "cool", 1, _values(simulated, (temperature, 36.0), (temperature, 21.0))
    )
    assert (cool["value"], cool["attributes"]["status"]) == (21.0, "CLEARED")

    assert [run["name"] for run in runs(ran)] == [
        "hot",
        "any raised",
        "major or minor",
        "cool",
        "any cleared",
    ]
    assert runs(ran, "any raised")[0]["path"] == SENSOR_VALUE


async def _values(device: SimulatedDevice, *values: tuple[Path, Any]) -> None:
    for path, value in values:
        device.set_value(path, value)
        await device.send([path])


async def test_went_offline_when_the_registration_lifetime_runs_out(
    hass: HomeAssistant,
    graceless_entry: MockConfigEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
) -> None:
    device = await registered_device(hass, simulated, graceless_entry)
    await set_up_automations(
        hass,
        [
            {"name": "lost", "triggers": [device_trigger(device.id, "went_offline")]},
            {"name": "gone", "triggers": [device_trigger(device.id, "deregistered")]},
        ],
    )
    (lost,) = await runs_after(hass, "lost", 1, simulated.update(lifetime=1))
    assert lost["attributes"] == {"reason": "expired"}
    assert [run["name"] for run in runs(ran)] == ["lost"]


async def test_bootstrap_finished_and_failed(
    hass: HomeAssistant, live_entry: MockConfigEntry, ran: list[Event[Mapping[str, Any]]]
) -> None:
    data = live_entry.runtime_data
    record = DeviceCredentials("boot-1", SecurityMode.NO_SEC)
    await data.hub.async_set_credentials({**data.storage.credentials, "boot-1": record})
    bootstrap_server = ("127.0.0.1", live_entry.data[CONF_BOOTSTRAP_PORT])
    booting = SimulatedDevice("boot-1", auto_update=False)
    await booting.start()
    try:
        await booting.bootstrap(bootstrap_server)
        await booting.register_from_bootstrap()
        await hass.async_block_till_done(wait_background_tasks=True)
        device = device_of(hass, "boot-1")
        assert device is not None
        await set_up_automations(
            hass,
            [
                {"name": "done", "triggers": [device_trigger(device.id, "bootstrap_finished")]},
                {"name": "failed", "triggers": [device_trigger(device.id, "bootstrap_failed")]},
            ],
        )

        (done,) = await runs_after(hass, "done", 1, booting.bootstrap(bootstrap_server))
        assert done["attributes"] == {"secure": False}

        booting.faults.add("DELETE", "/0", Code.INTERNAL_SERVER_ERROR, times=3)
        attempt = asyncio.ensure_future(booting.bootstrap(bootstrap_server, timeout=15))
        (failed,) = await runs_after(hass, "failed", 1, asyncio.sleep(0))
        assert failed["attributes"] == {
            "step": "delete /0",
            "code": "5.00",
            "reason": failed["attributes"]["reason"],
        }
        attempt.cancel()
        with contextlib.suppress(asyncio.CancelledError, BootstrapError):
            await attempt
    finally:
        await booting.stop()


async def test_firmware_update_finished_and_failed(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    simulated: SimulatedDevice,
    ran: list[Event[Mapping[str, Any]]],
    tmp_path: FsPath,
) -> None:
    simulated.firmware.step = 0.01
    device = await registered_device(hass, simulated, live_entry)
    await set_up_automations(
        hass,
        [
            {"name": "done", "triggers": [device_trigger(device.id, "firmware_update_finished")]},
            {"name": "failed", "triggers": [device_trigger(device.id, "firmware_update_failed")]},
        ],
    )
    library = live_entry.runtime_data.firmware.library
    await add_image(hass, library, tmp_path, size=4 * KB, version="1.0.1")

    (done,) = await runs_after(hass, "done", 1, _install(hass))
    assert done["attributes"] == {
        "image": "sim-firmware",
        "previous_version": "1.0.0",
        "version": "1.0.1",
    }

    await add_image(hass, library, tmp_path, size=4 * KB, version="1.0.2")
    simulated.firmware.update_result = 8
    (failed,) = await runs_after(hass, "failed", 1, _install(hass, fails=True))
    assert failed["attributes"] == {
        "image": "sim-firmware",
        "previous_version": "1.0.1",
        "version": "1.0.2",
        "error": "update_failed",
        "result": 8,
    }


async def _install(hass: HomeAssistant, *, fails: bool = False) -> None:
    call = hass.services.async_call(
        "update", "install", {"entity_id": "update.sim_1_firmware"}, blocking=True
    )
    if not fails:
        await call
        return
    with pytest.raises(HomeAssistantError):
        await call
