"""Firmware updates by push: the server writes the image into /5/0/0 with Block1."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine import (
    DeliveryMethod,
    ErrorKey,
    FirmwareProgress,
    FirmwareUpdateFinished,
    FirmwareUpdater,
    Operations,
    Path,
    Phase,
)
from custom_components.lwm2m.engine.clock import ManualClock
from custom_components.lwm2m.engine.firmware.updater import FirmwareTimeouts
from tests.engine.server.harness import EventLog

from .firmware_harness import (
    DELIVERY,
    KB,
    VERSION,
    DeviceFactory,
    make_image,
    percents,
)

PACKAGE = Path.of(5, 0, 0)
PACKAGE_PATH = str(PACKAGE)


async def test_a_push_only_device_gets_the_image_pushed(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.set_value(DELIVERY, 1)
    image = make_image(256 * KB)
    updater.start("sim-1", image)
    status = await updater.wait("sim-1")
    assert status.phase is Phase.SUCCEEDED, status
    assert status.method is DeliveryMethod.PUSH
    assert device.firmware.package == image.data
    assert device.value(VERSION) == "1.0.1"
    writes = [record for record in device.requests if record.path == PACKAGE_PATH]
    assert len(writes) == 1  # aiocoap hands the device the reassembled request once
    seen = percents(events)
    assert seen == sorted(seen)
    assert seen[-1] == 100
    assert len(set(seen)) > 90
    assert len(events.of(FirmwareUpdateFinished)) == 1


@pytest.mark.parametrize("updater_options", [{"push_block_exponent": 4}])
async def test_push_when_asked_in_smaller_blocks(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    image = make_image(10 * KB + 7)
    updater.start("sim-1", image, method=DeliveryMethod.PUSH)
    status = await updater.wait("sim-1")
    assert (status.phase, status.method) == (Phase.SUCCEEDED, DeliveryMethod.PUSH)
    assert device.firmware.package == image.data


async def test_a_device_that_goes_away_mid_push(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.set_value(DELIVERY, 1)
    progress = events.next(FirmwareProgress, lambda event: event.status.percent >= 5)
    updater.start("sim-1", make_image(256 * KB))
    await progress
    await device.stop()
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.CONNECTION_LOST)
    assert 5 <= status.percent < 100


async def test_a_device_that_refuses_the_package(
    updater: FirmwareUpdater, make_device: DeviceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = await make_device()
    store = device.state.store
    operations = store.operations

    def read_only_package(path: Path) -> Operations:
        return Operations.R if path == PACKAGE else operations(path)

    monkeypatch.setattr(store, "operations", read_only_package)
    updater.start("sim-1", make_image(4 * KB), method=DeliveryMethod.PUSH)
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.REJECTED)
    assert status.percent < 100


async def test_a_push_that_takes_too_long(
    clock: ManualClock, updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    await make_device()
    image = make_image(256 * KB)
    progress = events.next(FirmwareProgress, lambda event: event.status.percent >= 2)
    updater.start("sim-1", image, method=DeliveryMethod.PUSH)
    await progress
    clock.advance(FirmwareTimeouts().limit(Phase.TRANSFERRING, image.size))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.TIMEOUT)
    assert status.percent < 100
