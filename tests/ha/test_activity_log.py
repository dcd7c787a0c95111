"""What an installer can follow in the log at info level: one line per first registration,
deregistration, import, bootstrap and firmware update; nothing per notification."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import CONF_COAP_PORT
from custom_components.lwm2m.engine import (
    DeliveryMethod,
    FirmwareProgress,
    FirmwareStatus,
    FirmwareUpdateFinished,
    Path,
    Phase,
)
from simulator import SimulatedDevice

from .live_network import (
    expected_lingering_timers,
    live_entry,
    loopback,
    registered_device,
    state_change,
)

__all__ = ["expected_lingering_timers", "live_entry", "loopback"]

TEMPERATURE = Path.parse("/3303/0/5700")

CSV = "endpoint id,securityMode\ndev-7,NO_SEC\n"


def info_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.INFO and record.name.startswith("custom_components.lwm2m")
    ]


async def test_a_device_registers_reports_and_leaves(
    hass: HomeAssistant, live_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.lwm2m")
    device = SimulatedDevice("dev-1", auto_update=False)
    async with registered_device(hass, live_entry, device):
        for value in (21.0, 21.5, 22.0):
            await state_change(
                hass,
                "sensor.dev_1_temperature",
                lambda state, text=str(value): state.state == text,
                _notify(device, value),
            )
        await device.update(send_objects=True)
        await device.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))  # again
        await hass.async_block_till_done(wait_background_tasks=True)
        await device.deregister()
        await hass.async_block_till_done()
    objects = len(device.store.objects)
    assert info_lines(caplog) == [
        f"dev-1 registered: LwM2M 1.1, {objects} objects, lifetime 300 s, over plain CoAP",
        "dev-1 is unavailable: deregistered",
    ]


async def _notify(device: SimulatedDevice, value: float) -> None:
    device.set_value(TEMPERATURE, value)


async def test_an_import_is_one_line(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.lwm2m")
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "import_credentials"}
    )
    with uploaded_file("devices.csv", CSV.encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert info_lines(caplog) == [
        "Imported device credentials from devices.csv: 1 added, 0 updated, 0 unchanged"
    ]


async def test_a_firmware_update_is_a_line_when_it_starts_and_when_it_ends(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.lwm2m")
    firmware = loaded_entry.runtime_data.firmware
    running = FirmwareStatus(
        phase=Phase.TRANSFERRING,
        method=DeliveryMethod.PULL,
        image_name="sim-firmware",
        image_version="1.0.1",
    )
    for percent in (0, 40, 100):
        firmware.handle_event(FirmwareProgress("dev-1", status=replace(running, percent=percent)))
    firmware.handle_event(
        FirmwareProgress("dev-1", status=replace(running, phase=Phase.UPDATING, percent=100))
    )
    done = FirmwareStatus(phase=Phase.SUCCEEDED, installed_version="1.0.1")
    firmware.handle_event(FirmwareUpdateFinished("dev-1", status=done))
    await hass.async_block_till_done()
    assert info_lines(caplog) == [
        "Firmware update of dev-1 to sim-firmware 1.0.1 started (pull)",
        "dev-1 runs firmware 1.0.1 now",
    ]
