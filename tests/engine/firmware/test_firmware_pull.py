"""Firmware updates by pull: the device downloads the image from the server's own port."""

from __future__ import annotations

import pytest
import pytest_socket  # type: ignore[import-untyped]
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    DeliveryMethod,
    ErrorKey,
    FirmwareProgress,
    FirmwareUpdateFinished,
    FirmwareUpdater,
    LwM2MServer,
    Phase,
)
from custom_components.lwm2m.engine.clock import ManualClock
from custom_components.lwm2m.engine.firmware.updater import FirmwareTimeouts
from tests.engine.server.harness import EventLog

from .firmware_harness import (
    KB,
    PACKAGE_URI,
    VERSION,
    DeviceFactory,
    fetch,
    make_image,
    percents,
)


async def test_pull_of_a_256_kb_image(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    image = make_image(256 * KB)
    finished = events.next(FirmwareUpdateFinished)
    first = updater.start("sim-1", image)
    assert (first.phase, first.percent, first.image_version) == (Phase.TRANSFERRING, 0, "2.0.0")
    status = await updater.wait("sim-1")
    assert status.phase is Phase.SUCCEEDED, status
    assert (await finished).status == status
    assert status.method is DeliveryMethod.PULL
    assert (status.percent, status.result, status.error) == (100, 1, None)
    assert (status.previous_version, status.installed_version) == ("1.0.0", "1.0.1")
    assert device.value(VERSION) == "1.0.1"
    assert device.firmware.package == image.data
    seen = percents(events)
    assert seen == sorted(seen)
    assert seen[0] == 0
    assert seen[-1] == 100
    assert len(set(seen)) > 90  # every whole percent, more or less, not every block
    phases = [event.status.phase for event in events.of(FirmwareProgress)]
    assert list(dict.fromkeys(phases)) == [
        Phase.TRANSFERRING,
        Phase.VERIFYING,
        Phase.UPDATING,
        Phase.SUCCEEDED,
    ]
    assert len(events.of(FirmwareUpdateFinished)) == 1
    uri = device.value(PACKAGE_URI)
    assert (await fetch(device, uri)).code == Code.NOT_FOUND


async def test_the_chosen_method_is_announced_before_the_transfer(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    await make_device()
    chosen = events.next(FirmwareProgress, lambda event: event.status.method is not None)
    updater.start("sim-1", make_image(256 * KB))
    status = (await chosen).status
    assert (status.phase, status.percent, status.method) == (
        Phase.TRANSFERRING,
        0,
        DeliveryMethod.PULL,
    )
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED


async def test_the_uri_names_the_servers_own_port(
    server: LwM2MServer, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    device.firmware.stall_after = 1
    updater.start("sim-1", make_image(8 * KB))
    await device.wait_until(lambda: device.firmware.stalled)
    uri = device.value(PACKAGE_URI)
    prefix = f"coap://127.0.0.1:{server.port}/fw/"
    assert uri.startswith(prefix)
    assert len(uri) - len(prefix) >= 22  # 128 random bits
    assert (await fetch(device, prefix + "guessed")).code == Code.NOT_FOUND
    assert (await fetch(device, prefix[:-1])).code == Code.NOT_FOUND
    device.firmware.resume_download()
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED


@pytest.mark.parametrize("updater_options", [{"advertised_host": "::1"}])
async def test_an_advertised_host_goes_into_the_uri(
    server: LwM2MServer, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    updater.start("sim-1", make_image(8 * KB))
    status = await updater.wait("sim-1")
    assert device.value(PACKAGE_URI).startswith(f"coap://[::1]:{server.port}/fw/")
    assert (status.error, status.result) == (ErrorKey.CONNECTION_LOST, 4)  # the server is not there


@pytest.fixture
def second_address(loopback: None) -> str:
    pytest_socket.socket_allow_hosts(
        ["127.0.0.1", "::ffff:127.0.0.1", "::1", "127.0.0.2", "::ffff:127.0.0.2"],
        allow_unix_socket=True,
    )
    return "127.0.0.2"


async def test_another_device_cannot_use_the_uri(
    second_address: str, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    other = await make_device("sim-2", host=second_address)
    device.firmware.stall_after = 2
    updater.start("sim-1", make_image(8 * KB))
    await device.wait_until(lambda: device.firmware.stalled)
    uri = device.value(PACKAGE_URI)
    assert (await fetch(other, uri)).code == Code.FORBIDDEN
    device.firmware.resume_download()
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED
    assert (await fetch(device, uri)).code == Code.NOT_FOUND


async def test_the_transfer_limit_grows_with_the_image_and_the_uri_expires(
    clock: ManualClock, updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.firmware.stall_after = 2
    image = make_image(64 * KB)
    limit = FirmwareTimeouts().limit(Phase.TRANSFERRING, image.size)
    assert limit == 60 + 64
    updater.start("sim-1", image)
    await device.wait_until(lambda: device.firmware.stalled)
    uri = device.value(PACKAGE_URI)
    clock.advance(limit - 1)
    assert updater.status("sim-1").phase is Phase.TRANSFERRING
    assert (await fetch(device, uri)).code == Code.CONTENT
    finished = events.next(FirmwareUpdateFinished)
    clock.advance(2)
    status = (await finished).status
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.TIMEOUT)
    assert not updater.in_progress("sim-1")
    assert (await fetch(device, uri)).code == Code.NOT_FOUND


async def test_without_a_server_address_pull_fails(
    server: LwM2MServer,
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await make_device()
    monkeypatch.setattr(server, "local_uri_base", lambda endpoint: None)
    updater.start("sim-1", make_image(4 * KB), method=DeliveryMethod.PULL)
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.NO_SERVER_ADDRESS)
