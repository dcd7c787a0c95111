"""Firmware updates from an image on another server: the device downloads it from there."""

from __future__ import annotations

import json

import pytest

from custom_components.lwm2m.engine import (
    DeliveryMethod,
    ErrorKey,
    ExternalImage,
    FirmwareProgress,
    FirmwareStatus,
    FirmwareUpdater,
    LwM2MServer,
    Phase,
)
from custom_components.lwm2m.engine.clock import ManualClock
from tests.engine.server.harness import EventLog

from .firmware_harness import (
    DELIVERY,
    PACKAGE_URI,
    PROTOCOLS,
    VERSION,
    DeviceFactory,
)
from .image_server import ImageServer

DATA = bytes(range(256)) * 64  # 16 KB


def external(uri: str) -> ExternalImage:
    return ExternalImage("vendor.bin", "1.0.1", uri)


async def test_the_device_downloads_the_image_from_its_own_uri(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog, images: ImageServer
) -> None:
    device = await make_device()
    uri = images.add("vendor.bin", DATA)
    first = updater.start("sim-1", external(uri))
    assert (first.image_uri, first.image_sha256, first.progress) == (uri, None, None)
    status = await updater.wait("sim-1")
    assert status.phase is Phase.SUCCEEDED, status
    assert (status.method, status.installed_version) == (DeliveryMethod.PULL, "1.0.1")
    assert device.value(PACKAGE_URI) == uri
    assert device.firmware.package == DATA
    assert device.value(VERSION) == "1.0.1"
    assert "vendor.bin" in images.requested
    progress = [event.status for event in events.of(FirmwareProgress)]
    assert {item.progress for item in progress} == {None}
    assert list(dict.fromkeys(item.phase for item in progress)) == [
        Phase.TRANSFERRING,
        Phase.UPDATING,
        Phase.SUCCEEDED,
    ]
    assert uri not in repr(status)
    assert uri not in repr(external(uri))


async def test_an_image_the_other_server_lacks_is_an_invalid_uri(
    updater: FirmwareUpdater, make_device: DeviceFactory, images: ImageServer
) -> None:
    await make_device()
    updater.start("sim-1", external(images.uri("missing.bin")))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error, status.result) == (Phase.FAILED, ErrorKey.INVALID_URI, 7)


@pytest.mark.parametrize(
    ("uri", "delivery", "protocols", "error", "written"),
    [
        ("http://127.0.0.1/fw.bin", 2, {0: 0, 1: 1}, ErrorKey.UNSUPPORTED_PROTOCOL, False),
        ("coap://127.0.0.1/fw.bin", 1, {0: 0}, ErrorKey.UNSUPPORTED_DELIVERY, False),
        ("https://127.0.0.1/fw.bin", 2, {0: 3}, ErrorKey.UNSUPPORTED_PROTOCOL, True),
    ],
)
async def test_the_device_must_take_the_uris_scheme(
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    uri: str,
    delivery: int,
    protocols: dict[int, int],
    error: ErrorKey,
    written: bool,
) -> None:
    device = await make_device()
    device.set_value(DELIVERY, delivery)
    device.set_value(PROTOCOLS, protocols)
    updater.start("sim-1", external(uri))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, error)
    assert any(
        record.path == "/5/0/1" and record.method == "PUT" for record in device.requests
    ) is (written)


async def test_an_image_on_another_server_is_never_pushed(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    await make_device()
    with pytest.raises(ValueError, match="pushed"):
        updater.start("sim-1", external("coap://127.0.0.1/fw.bin"), method=DeliveryMethod.PUSH)
    assert not updater.in_progress("sim-1")


async def test_a_saved_update_from_another_server_resumes_from_its_uri(
    clock: ManualClock,
    server: LwM2MServer,
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    images: ImageServer,
) -> None:
    device = await make_device()
    uri = images.add("vendor.bin", DATA)
    device.firmware.stall_after = 2
    updater.start("sim-1", external(uri))
    await device.wait_until(lambda: device.firmware.stalled)
    saved = json.loads(json.dumps(updater.export_state()))
    assert saved["devices"]["sim-1"]["image_uri"] == uri
    assert "image_sha256" not in saved["devices"]["sim-1"]
    await updater.close()

    revived = FirmwareUpdater(server, clock=clock)
    device.firmware.stall_after = None
    since = len(device.requests)
    revived.import_state(saved, lambda sha256: None)
    status = await revived.wait("sim-1")
    await revived.close()
    assert (status.phase, status.installed_version) == (Phase.SUCCEEDED, "1.0.1")
    assert (status.image_uri, status.image_name) == (uri, "vendor.bin")
    reset, again = [record.payload for record in device.requests[since:] if record.path == "/5/0/1"]
    assert uri.encode() not in reset  # from Downloading back to idle,
    assert uri.encode() in again  # then the same URI once more
    assert device.firmware.package == DATA


async def test_a_saved_update_from_a_uri_no_device_downloads_is_interrupted(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    await make_device()
    saved = FirmwareStatus(
        phase=Phase.TRANSFERRING,
        method=DeliveryMethod.PULL,
        image_name="vendor.bin",
        image_version="1.0.1",
        image_uri="ftp://127.0.0.1/fw.bin",
    )
    updater.import_state({"version": 1, "devices": {"sim-1": saved.to_dict()}}, lambda _: None)
    status = updater.status("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.INTERRUPTED)
