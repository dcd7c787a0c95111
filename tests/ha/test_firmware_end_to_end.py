"""Firmware updates end to end: Home Assistant's update entity, the real server and a
simulated device over loopback UDP."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path as FsPath
from typing import Any

import pytest
from aiocoap.numbers.codes import Code
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.lwm2m.const import (
    CONF_COAP_PORT,
    EVENT_FIRMWARE_UPDATE_FAILED,
    EVENT_FIRMWARE_UPDATE_FINISHED,
)
from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.firmware.library import FirmwareLibrary
from simulator import Quirks, SimulatedDevice

from .firmware_helpers import KB, UPDATE, StateRecorder, add_image, fetch, image_bytes
from .test_end_to_end import expected_lingering_timers, live_entry, loopback

__all__ = ["expected_lingering_timers", "live_entry", "loopback"]

PACKAGE_URI = Path.of(5, 0, 1)
STATE = Path.of(5, 0, 3)
UPDATE_RESULT = Path.of(5, 0, 5)
DELIVERY_METHOD = Path.of(5, 0, 9)
FIRMWARE_VERSION = Path.of(3, 0, 3)


@pytest.fixture
def library(live_entry: MockConfigEntry) -> FirmwareLibrary:
    library: FirmwareLibrary = live_entry.runtime_data.firmware.library
    return library


@pytest.fixture
async def device(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> AsyncIterator[SimulatedDevice]:
    simulated = SimulatedDevice("sim-1", auto_update=False)
    simulated.firmware.step = 0.01
    await simulated.start()
    await simulated.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
    await hass.async_block_till_done(wait_background_tasks=True)
    yield simulated
    await simulated.stop()


async def _install(hass: HomeAssistant, **data: str) -> None:
    await hass.services.async_call(
        "update", "install", {"entity_id": UPDATE, **data}, blocking=True
    )


async def test_pull_of_256_kb_shows_progress_and_the_new_version(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    tmp_path: FsPath,
) -> None:
    before = hass.states.get(UPDATE)
    assert before is not None
    assert (before.state, before.attributes["installed_version"]) == (STATE_OFF, "1.0.0")
    await add_image(hass, library, tmp_path, size=256 * KB, version="1.0.1", models=("SIM-100",))
    live_entry.runtime_data.firmware.images_changed()
    await hass.async_block_till_done()
    offered = hass.states.get(UPDATE)
    assert (offered.state, offered.attributes["latest_version"]) == (STATE_ON, "1.0.1")
    assert offered.attributes["release_summary"].startswith("sim-firmware 1.0.1 (SIM-100")
    assert "entity_picture" not in offered.attributes  # the icon shows, not a missing brand

    recorder = StateRecorder(hass, UPDATE)
    started = time.monotonic()
    await _install(hass)
    recorder.stop()

    in_progress = [state for state in recorder.states if state.attributes["in_progress"]]
    percents = [state.attributes["update_percentage"] for state in in_progress]
    assert percents == sorted(percents)
    assert percents[0] == 0
    assert percents[-1] == 100
    assert len(set(percents)) > 50
    transferred = next(
        state.last_updated.timestamp()
        for state in in_progress
        if state.attributes["update_percentage"] == 100
    )
    first = in_progress[0].last_updated.timestamp()
    rate = 256 / max(transferred - first, 1e-3)
    print(  # the figure the note reports
        f"pull 256 KB: {len(percents)} progress states, {len(set(percents))} distinct "
        f"percents, transfer {rate:.0f} KB/s, whole update {time.monotonic() - started:.2f} s"
    )
    after = hass.states.get(UPDATE)
    assert after.attributes["in_progress"] is False
    assert after.attributes["update_percentage"] is None
    assert (after.state, after.attributes["installed_version"]) == (STATE_OFF, "1.0.1")
    assert after.attributes["phase"] == "succeeded"
    assert after.attributes["method"] == "pull"
    assert device.value(FIRMWARE_VERSION) == "1.0.1"

    uri = str(device.value(PACKAGE_URI))
    assert uri.startswith(f"coap://127.0.0.1:{live_entry.data[CONF_COAP_PORT]}/fw/")
    answer = await fetch(device, uri)
    assert answer.code == Code.NOT_FOUND


async def test_success_with_the_same_version_is_success_with_a_warning(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    library: FirmwareLibrary,
    tmp_path: FsPath,
) -> None:
    """Update Result 1 from a device whose Firmware Version stays: installed, a warning."""
    same = SimulatedDevice("sim-1", auto_update=False, quirks=Quirks(firmware_keeps_version=True))
    same.firmware.step = 0.01
    finished = async_capture_events(hass, EVENT_FIRMWARE_UPDATE_FINISHED)
    failed = async_capture_events(hass, EVENT_FIRMWARE_UPDATE_FAILED)
    await same.start()
    try:
        await same.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
        await hass.async_block_till_done(wait_background_tasks=True)
        await add_image(hass, library, tmp_path, size=4 * KB, version="1.0.1")
        live_entry.runtime_data.firmware.images_changed()
        await hass.async_block_till_done()
        await _install(hass)
    finally:
        await same.stop()
    after = hass.states.get(UPDATE)
    assert after.attributes["phase"] == "succeeded"
    assert (after.attributes["error"], after.attributes["warning"]) == (None, "version_unchanged")
    assert after.attributes["installed_version"] == "1.0.0"
    assert failed == []
    assert [(event.data["version"], event.data["warning"]) for event in finished] == [
        ("1.0.0", "version_unchanged")
    ]


async def test_push_for_a_device_that_only_takes_pushes(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    tmp_path: FsPath,
) -> None:
    device.set_value(DELIVERY_METHOD, 1)
    await add_image(hass, library, tmp_path, size=64 * KB, version="1.0.1")
    recorder = StateRecorder(hass, UPDATE)
    started = time.monotonic()
    await _install(hass, version="1.0.1")
    elapsed = time.monotonic() - started
    recorder.stop()

    percents = recorder.attribute("update_percentage", lambda s: s.attributes["in_progress"])
    assert percents == sorted(percents)
    assert percents[-1] == 100
    print(  # the figure the note reports
        f"push 64 KB: {len(set(percents))} distinct percents, whole update {elapsed:.2f} s "
        f"({64 / elapsed:.0f} KB/s)"
    )
    after = hass.states.get(UPDATE)
    assert (after.state, after.attributes["installed_version"]) == (STATE_OFF, "1.0.1")
    assert after.attributes["method"] == "push"
    assert device.firmware.package == image_bytes(64 * KB)
    assert device.value(PACKAGE_URI) == ""


async def test_a_failing_update_result_is_a_translated_error(
    hass: HomeAssistant, library: FirmwareLibrary, device: SimulatedDevice, tmp_path: FsPath
) -> None:
    device.firmware.update_result = 8
    await add_image(hass, library, tmp_path, size=8 * KB, version="1.0.1")
    with pytest.raises(HomeAssistantError) as raised:
        await _install(hass)
    assert raised.value.translation_key == "firmware_update_failed"
    assert str(raised.value) == (
        "The firmware update of sim-1 failed: the device could not install the image"
    )
    after = hass.states.get(UPDATE)
    assert after.attributes["in_progress"] is False
    assert (after.attributes["phase"], after.attributes["error"]) == ("failed", "update_failed")
    assert after.attributes["update_result"] == 8
    assert after.attributes["installed_version"] == "1.0.0"


async def test_an_unknown_version_is_refused(
    hass: HomeAssistant, library: FirmwareLibrary, device: SimulatedDevice, tmp_path: FsPath
) -> None:
    await add_image(hass, library, tmp_path, size=8 * KB, version="1.0.1", models=("OTHER",))
    with pytest.raises(ServiceValidationError) as raised:
        await _install(hass, version="1.0.1")
    assert raised.value.translation_key == "firmware_no_image"
    assert hass.states.get(UPDATE).attributes["latest_version"] == "1.0.0"


async def test_a_device_reboot_mid_download_fails_the_update_clearly(
    hass: HomeAssistant, library: FirmwareLibrary, device: SimulatedDevice, tmp_path: FsPath
) -> None:
    device.firmware.stall_after = 20
    await add_image(hass, library, tmp_path, size=256 * KB, version="1.0.1")
    install = hass.async_create_task(_install(hass))
    await _until(lambda: device.firmware.stalled)
    midway = hass.states.get(UPDATE)
    assert midway.attributes["in_progress"] is True
    assert 0 < midway.attributes["update_percentage"] < 100

    await device.reboot()
    with pytest.raises(HomeAssistantError) as raised:
        await install
    assert raised.value.translation_key == "firmware_connection_lost"
    after = hass.states.get(UPDATE)
    assert after.attributes["in_progress"] is False
    assert (after.attributes["phase"], after.attributes["error"]) == ("failed", "connection_lost")
    assert after.attributes["installed_version"] == "1.0.0"


async def test_an_update_under_way_resumes_after_the_entry_reloads(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    live_entry: MockConfigEntry,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    tmp_path: FsPath,
) -> None:
    device.firmware.stall_after = 20
    await add_image(hass, library, tmp_path, size=256 * KB, version="1.0.1")
    install = hass.async_create_task(_install(hass))
    await _until(lambda: device.firmware.stalled)
    old_uri = str(device.value(PACKAGE_URI))
    # Saved at the phase change already: a restart without an unload resumes it too.
    await _until(lambda: "lwm2m.firmware_updates" in hass_storage)
    saved = hass_storage["lwm2m.firmware_updates"]["data"]["devices"]["sim-1"]
    assert (saved["phase"], saved["image_version"]) == ("transferring", "1.0.1")
    assert saved["image_sha256"]
    assert "uri" not in str(saved).lower()  # the download URI stays in memory

    assert await hass.config_entries.async_unload(live_entry.entry_id)
    with pytest.raises(HomeAssistantError) as raised:
        await install
    assert raised.value.translation_key == "firmware_handed_over"
    assert await hass.config_entries.async_setup(live_entry.entry_id)
    await hass.async_block_till_done()
    resumed = hass.states.get(UPDATE)
    assert resumed.attributes["in_progress"] is True
    assert resumed.attributes["phase"] == "transferring"

    device.firmware.stall_after = None  # the new download goes through
    recorder = StateRecorder(hass, UPDATE)
    await device.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
    status = await live_entry.runtime_data.firmware.async_wait("sim-1")
    await hass.async_block_till_done(wait_background_tasks=True)
    recorder.stop()
    assert status.phase.value == "succeeded"
    after = hass.states.get(UPDATE)
    assert after.attributes["in_progress"] is False
    assert after.attributes["installed_version"] == "1.0.1"
    assert str(device.value(PACKAGE_URI)) != old_uri
    assert (await fetch(device, old_uri)).code == Code.NOT_FOUND


async def test_the_state_saved_at_a_phase_change_keeps_the_delivery_method(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    live_entry: MockConfigEntry,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    tmp_path: FsPath,
) -> None:
    device.firmware.stall_after = 2
    await add_image(hass, library, tmp_path, size=16 * KB, version="1.0.1")
    install = hass.async_create_task(_install(hass))
    await device.wait_until(lambda: device.firmware.stalled)
    saved = copy.deepcopy(hass_storage["lwm2m.firmware_updates"])
    assert saved["data"]["devices"]["sim-1"]["method"] == "pull"

    assert await hass.config_entries.async_unload(live_entry.entry_id)
    with pytest.raises(HomeAssistantError):
        await install
    hass_storage["lwm2m.firmware_updates"] = saved  # as if Home Assistant had stopped dead
    await device.stop()
    device.firmware.power_cycle()
    device.firmware.stall_after = None
    device.set_value(STATE, 2)  # the download made it before the restart after all
    device.set_value(UPDATE_RESULT, 0)
    assert await hass.config_entries.async_setup(live_entry.entry_id)
    await device.start()
    since = len(device.requests)
    await device.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
    status = await live_entry.runtime_data.firmware.async_wait("sim-1")
    assert (status.phase, status.method) == ("succeeded", "pull")
    assert not any(record.path == "/5/0/1" for record in device.requests[since:])
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(UPDATE).attributes["installed_version"] == "1.0.1"


async def test_an_update_whose_image_is_gone_after_a_reload_fails_as_interrupted(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    tmp_path: FsPath,
) -> None:
    device.firmware.stall_after = 10
    image = await add_image(hass, library, tmp_path, size=64 * KB, version="1.0.1")
    install = hass.async_create_task(_install(hass))
    await _until(lambda: device.firmware.stalled)
    assert await hass.config_entries.async_unload(live_entry.entry_id)
    with pytest.raises(HomeAssistantError):
        await install
    library.file_of(image.sha256).unlink()

    assert await hass.config_entries.async_setup(live_entry.entry_id)
    await hass.async_block_till_done()
    after = hass.states.get(UPDATE)
    assert after.attributes["in_progress"] is False
    assert (after.attributes["phase"], after.attributes["error"]) == ("failed", "interrupted")


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 - a simulator flag, no event
            await asyncio.sleep(0.01)


async def test_release_notes_list_the_images_that_fit(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    tmp_path: FsPath,
) -> None:
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "update/release_notes", "entity_id": UPDATE})
    assert (await client.receive_json())["result"] is None
    await add_image(hass, library, tmp_path, size=8 * KB, version="1.0.1", models=("SIM-100",))
    await add_image(hass, library, tmp_path, size=4 * KB, version="1.2.0")
    await add_image(hass, library, tmp_path, size=2 * KB, version="9.0", models=("OTHER",))
    await client.send_json_auto_id({"type": "update/release_notes", "entity_id": UPDATE})
    assert (await client.receive_json())["result"] == (
        "- sim-firmware 1.2.0 (any model, 4 KB)\n- sim-firmware 1.0.1 (SIM-100, 8 KB)"
    )
