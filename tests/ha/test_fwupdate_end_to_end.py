"""The shell's fwupdate end to end: the lwm2m.command action, the real server, a simulated
device over loopback UDP and, for firmware that is not registered, a download server of
its own that the device fetches the image from."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import CONF_COAP_PORT, DOMAIN
from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.firmware.library import FirmwareLibrary
from simulator import SimulatedDevice
from tests.engine.firmware.image_server import ImageServer, images

from .firmware_helpers import KB, UPDATE, StateRecorder, add_image, image_bytes
from .test_end_to_end import expected_lingering_timers, live_entry, loopback
from .test_firmware_end_to_end import device, library

__all__ = ["device", "expected_lingering_timers", "images", "library", "live_entry", "loopback"]

PACKAGE_URI = Path.of(5, 0, 1)
FIRMWARE_VERSION = Path.of(3, 0, 3)


async def _fwupdate(hass: HomeAssistant, arguments: str) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "command",
        {"endpoint": "sim-1", "command": f"fwupdate {arguments}"},
        blocking=True,
        return_response=True,
    )


async def test_firmware_that_is_not_registered_comes_from_the_url(
    hass: HomeAssistant,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    images: ImageServer,
    tmp_path: FsPath,
) -> None:
    await add_image(hass, library, tmp_path, size=4 * KB, version="1.0.1", name="other-fw")
    await add_image(
        hass, library, tmp_path, size=4 * KB, version="1.0.1", name="demo-fw", models=("OTHER",)
    )
    uri = images.add("demo.bin", image_bytes(64 * KB))
    recorder = StateRecorder(hass, UPDATE)
    result = await _fwupdate(hass, f"/demo-fw/1.0.1/{uri}")
    recorder.stop()

    assert result == {
        "command": "fwupdate",
        "path": "/5/0",
        "name": "demo-fw",
        "version": "1.0.1",
        "source": "url",
        "installed_version": "1.0.1",
    }
    assert device.value(PACKAGE_URI) == uri
    assert device.firmware.package == image_bytes(64 * KB)
    assert "demo.bin" in images.requested
    running = [state for state in recorder.states if state.attributes["in_progress"]]
    assert running
    assert {state.attributes["update_percentage"] for state in running} == {None}
    assert {state.attributes["image"] for state in running} == {"demo-fw"}
    after = hass.states.get(UPDATE)
    assert after.attributes["in_progress"] is False
    assert after.attributes["installed_version"] == "1.0.1"
    assert (after.attributes["phase"], after.attributes["method"]) == ("succeeded", "pull")
    assert device.value(FIRMWARE_VERSION) == "1.0.1"


async def test_a_download_the_url_refuses_fails_as_the_entitys_install_would(
    hass: HomeAssistant, device: SimulatedDevice, images: ImageServer
) -> None:
    with pytest.raises(HomeAssistantError) as raised:
        await _fwupdate(hass, f"demo-fw 1.0.1 {images.uri('missing.bin')}")
    assert raised.value.translation_key == "firmware_invalid_uri"
    assert str(raised.value) == (
        "The firmware update of sim-1 failed: the device could not use the download URI"
    )
    after = hass.states.get(UPDATE)
    assert after.attributes["in_progress"] is False
    assert (after.attributes["phase"], after.attributes["error"]) == ("failed", "invalid_uri")
    assert after.attributes["update_result"] == 7
    assert after.attributes["installed_version"] == "1.0.0"


async def test_a_url_the_device_cannot_download_from_is_refused_before_it_is_written(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    with pytest.raises(HomeAssistantError) as raised:
        await _fwupdate(hass, "/demo-fw/1.0.1/https://192.0.2.1/fw.bin")
    assert raised.value.translation_key == "firmware_unsupported_protocol"
    assert not any(record.path == "/5/0/1" for record in device.requests)
    assert hass.states.get(UPDATE).attributes["error"] == "unsupported_protocol"


async def test_a_registered_image_of_that_name_and_version_is_installed_instead(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    library: FirmwareLibrary,
    device: SimulatedDevice,
    images: ImageServer,
    tmp_path: FsPath,
) -> None:
    await add_image(
        hass, library, tmp_path, size=64 * KB, version="1.0.1", name="demo-fw", models=("SIM-100",)
    )
    recorder = StateRecorder(hass, UPDATE)
    result = await _fwupdate(hass, f"/demo-fw/1.0.1/{images.uri('demo.bin')}")
    recorder.stop()

    assert (result["source"], result["installed_version"]) == ("library", "1.0.1")
    served_at = f"coap://127.0.0.1:{live_entry.data[CONF_COAP_PORT]}/fw/"
    assert str(device.value(PACKAGE_URI)).startswith(served_at)
    assert device.firmware.package == image_bytes(64 * KB)
    assert images.requested == []
    percents = recorder.attribute("update_percentage", lambda s: s.attributes["in_progress"])
    assert percents == sorted(percents)
    assert (percents[0], percents[-1]) == (0, 100)
    after = hass.states.get(UPDATE)
    assert (after.attributes["installed_version"], after.attributes["image"]) == (
        "1.0.1",
        "demo-fw",
    )


async def test_an_update_from_a_url_resumes_after_the_entry_reloads(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    live_entry: MockConfigEntry,
    device: SimulatedDevice,
    images: ImageServer,
) -> None:
    device.firmware.stall_after = 2
    uri = images.add("demo.bin", image_bytes(16 * KB))
    command = hass.async_create_task(_fwupdate(hass, f"/demo-fw/1.0.1/{uri}"))
    await device.wait_until(lambda: device.firmware.stalled)
    assert await hass.config_entries.async_unload(live_entry.entry_id)
    with pytest.raises(HomeAssistantError) as raised:
        await command
    assert raised.value.translation_key == "firmware_handed_over"
    saved = hass_storage["lwm2m.firmware_updates"]["data"]["devices"]["sim-1"]
    assert (saved["phase"], saved["image_uri"]) == ("transferring", uri)

    device.firmware.stall_after = None
    assert await hass.config_entries.async_setup(live_entry.entry_id)
    await device.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
    status = await live_entry.runtime_data.firmware.async_wait("sim-1")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (status.phase, status.image_uri) == ("succeeded", uri)
    after = hass.states.get(UPDATE)
    assert (after.attributes["in_progress"], after.attributes["installed_version"]) == (
        False,
        "1.0.1",
    )
    assert device.firmware.package == image_bytes(16 * KB)
