"""Updates cut short: device reboots, devices that vanish, server restarts, cancel."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    DeliveryMethod,
    ErrorKey,
    FirmwareImage,
    FirmwareProgress,
    FirmwareStatus,
    FirmwareUpdateFinished,
    FirmwareUpdater,
    LwM2MServer,
    Path,
    Phase,
    UpdateNotCancellableError,
)
from custom_components.lwm2m.engine.clock import ManualClock
from custom_components.lwm2m.engine.firmware.updater import FirmwareTimeouts
from simulator import SimulatedDevice
from tests.engine.server.harness import EventLog, make_server

from .firmware_harness import (
    KB,
    PACKAGE_URI,
    RESULT,
    STATE,
    VERSION,
    DeviceFactory,
    fetch,
    make_image,
    percents,
)


async def stalled_pull(
    updater: FirmwareUpdater, device: SimulatedDevice, image: FirmwareImage, blocks: int = 3
) -> None:
    device.firmware.stall_after = blocks
    updater.start(device.endpoint, image)
    await device.wait_until(lambda: device.firmware.stalled)


# --- the device ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("firmware_result", "error"),
    [(4, ErrorKey.CONNECTION_LOST), (2, ErrorKey.NOT_ENOUGH_FLASH), (0, ErrorKey.INTERRUPTED)],
)
async def test_a_device_rebooting_mid_download(
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    firmware_result: int,
    error: ErrorKey,
) -> None:
    device = await make_device()
    await stalled_pull(updater, device, make_image(64 * KB))
    await device.reboot(firmware_result=firmware_result)
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, error)
    assert 0 < status.percent < 100


async def test_a_device_that_falls_silent_mid_download_times_out(
    clock: ManualClock, updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    image = make_image(16 * KB)
    await stalled_pull(updater, device, image)
    await device.stop()
    finished = events.next(FirmwareUpdateFinished)
    clock.advance(FirmwareTimeouts().limit(Phase.TRANSFERRING, image.size))
    status = (await finished).status
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.TIMEOUT)


async def test_a_device_that_deregisters_mid_download(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    await stalled_pull(updater, device, make_image(16 * KB))
    await device.deregister()
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.CONNECTION_LOST)


async def test_every_phase_has_a_deadline(
    clock: ManualClock, updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.firmware.step = 3600  # installs for an hour
    image = make_image(4 * KB)
    updating = events.next(FirmwareProgress, lambda event: event.status.phase is Phase.UPDATING)
    updater.start("sim-1", image)
    await updating
    await device.wait_until(lambda: device.value(STATE) == 3)
    clock.advance(FirmwareTimeouts().limit(Phase.UPDATING, image.size))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.TIMEOUT)


async def test_a_reboot_into_the_new_firmware_completes_the_update(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.firmware.step = 3600
    updating = events.next(FirmwareProgress, lambda event: event.status.phase is Phase.UPDATING)
    updater.start("sim-1", make_image(4 * KB))
    await updating
    await device.wait_until(lambda: device.value(STATE) == 3)
    await device.reboot(firmware_result=0)
    status = await updater.wait("sim-1")
    assert (status.phase, status.installed_version) == (Phase.SUCCEEDED, "1.0.1")


# --- the server restarting -------------------------------------------------------------


Restart = Callable[[], Awaitable[tuple[LwM2MServer, FirmwareUpdater, dict[str, Any]]]]


@pytest.fixture
async def restart(
    clock: ManualClock, server: LwM2MServer, updater: FirmwareUpdater
) -> AsyncIterator[Restart]:
    """Saves the updater's state, stops it and the server, and starts both again on the
    same port, as a Home Assistant restart does; the new server remembers nothing."""
    started: list[tuple[LwM2MServer, FirmwareUpdater]] = []

    async def restart_now() -> tuple[LwM2MServer, FirmwareUpdater, dict[str, Any]]:
        saved = json.loads(json.dumps(updater.export_state()))
        port = server.port
        await updater.close()
        await server.stop()
        again = make_server(clock=clock, port=port)
        await again.start()
        revived = FirmwareUpdater(again, clock=clock)
        started.append((again, revived))
        return again, revived, saved

    yield restart_now
    for again, revived in started:
        await revived.close()
        await again.stop()


async def test_a_download_cut_by_a_server_restart_starts_again(
    restart: Restart, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    image = make_image(64 * KB)
    await stalled_pull(updater, device, image, blocks=20)
    old_uri = device.value(PACKAGE_URI)
    before = updater.status("sim-1")
    assert (before.phase, before.method) == (Phase.TRANSFERRING, DeliveryMethod.PULL)
    assert before.percent >= 30
    server, revived, saved = await restart()
    events = EventLog()
    server.add_listener(events)
    revived.import_state(saved, {image.sha256: image}.get)
    assert revived.status("sim-1") == before
    assert (await fetch(device, old_uri)).code == Code.NOT_FOUND
    device.firmware.stall_after = None  # the stalled fetch waits on until it is reset
    await device.update()  # the new server does not know it: it registers again
    status = await revived.wait("sim-1")
    assert status.phase is Phase.SUCCEEDED, status
    assert device.value(PACKAGE_URI) != old_uri
    assert device.firmware.package == image.data
    assert percents(events) == sorted(percents(events))
    assert (status.started, status.installed_version) == (before.started, "1.0.1")


async def test_an_install_finished_while_the_server_was_down(
    restart: Restart, updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.firmware.step = 3600
    image = make_image(4 * KB)
    updating = events.next(FirmwareProgress, lambda event: event.status.phase is Phase.UPDATING)
    updater.start("sim-1", image)
    await updating
    _, revived, saved = await restart()
    revived.import_state(saved, {image.sha256: image}.get)
    await device.reboot(firmware_result=0)  # boots the new firmware and registers again
    status = await revived.wait("sim-1")
    assert (status.phase, status.installed_version) == (Phase.SUCCEEDED, "1.0.1")


async def test_a_downloaded_image_is_installed_after_a_restart(
    restart: Restart, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    image = make_image(4 * KB)
    await stalled_pull(updater, device, image, blocks=1)
    _, revived, saved = await restart()
    await device.reboot()
    device.set_value(STATE, 2)  # as if the last block had made it before the restart
    device.set_value(RESULT, 0)
    since = len(device.requests)
    revived.import_state(saved, {image.sha256: image}.get)
    status = await revived.wait("sim-1")
    assert status.phase is Phase.SUCCEEDED, status
    assert not any(record.path == "/5/0/1" for record in device.requests[since:])


async def test_a_failure_while_the_server_was_down(
    restart: Restart, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    image = make_image(4 * KB)
    await stalled_pull(updater, device, image, blocks=1)
    _, revived, saved = await restart()
    revived.import_state(saved, {image.sha256: image}.get)
    await device.reboot(firmware_result=5)
    status = await revived.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.INTEGRITY_CHECK_FAILURE)


async def test_a_download_lost_while_the_server_was_down_is_made_again(
    restart: Restart, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    image = make_image(8 * KB)
    await stalled_pull(updater, device, image, blocks=2)
    _, revived, saved = await restart()
    revived.import_state(saved, {image.sha256: image}.get)
    device.firmware.stall_after = None
    since = len(device.requests)
    await device.reboot(firmware_result=0)
    status = await revived.wait("sim-1")
    assert status.phase is Phase.SUCCEEDED, status
    uri_writes = [record for record in device.requests[since:] if record.path == "/5/0/1"]
    assert len(uri_writes) == 1  # idle already: no reset before the new URI


async def test_without_the_image_a_saved_update_fails_as_interrupted(
    restart: Restart, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    await stalled_pull(updater, device, make_image(4 * KB))
    server, revived, saved = await restart()
    events = EventLog()
    server.add_listener(events)
    revived.import_state(saved, lambda sha256: None)
    status = revived.status("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.INTERRUPTED)
    assert [event.status for event in events.of(FirmwareUpdateFinished)] == [status]


async def test_a_device_that_does_not_come_back_after_a_restart(
    clock: ManualClock, restart: Restart, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    image = make_image(4 * KB)
    await stalled_pull(updater, device, image)
    _, revived, saved = await restart()
    revived.import_state(saved, {image.sha256: image}.get)
    assert revived.in_progress("sim-1")
    clock.advance(FirmwareTimeouts().limit(Phase.TRANSFERRING, image.size))
    status = await revived.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.INTERRUPTED)


async def test_an_update_saved_before_it_reached_the_device_starts_afresh(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    await make_device()
    image = make_image(4 * KB)
    saved = FirmwareStatus(
        phase=Phase.TRANSFERRING,
        image_name=image.name,
        image_version=image.version,
        image_sha256=image.sha256,
        started=1.0,
    )
    updater.import_state(
        {"version": 1, "devices": {"sim-1": saved.to_dict()}}, {image.sha256: image}.get
    )
    status = await updater.wait("sim-1")
    assert (status.phase, status.method) == (Phase.SUCCEEDED, DeliveryMethod.PULL)


async def test_saved_state_round_trip(
    clock: ManualClock, server: LwM2MServer, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    updater.start("sim-1", make_image(4 * KB))
    done = await updater.wait("sim-1")
    saved = json.loads(json.dumps(updater.export_state()))
    assert saved["devices"]["sim-1"]["phase"] == "succeeded"
    assert "data" not in json.dumps(saved)
    await updater.close()
    fresh = FirmwareUpdater(server, clock=clock)
    broken = dict(saved["devices"], bad={"phase": "sideways"}, worse={"percent": 101})
    fresh.import_state({"version": 1, "devices": broken}, lambda sha256: None)
    assert fresh.statuses == {"sim-1": done}
    device.firmware.stall_after = 1
    fresh.start("sim-1", make_image(4 * KB, version="3.0.0"))
    running = fresh.status("sim-1")
    fresh.import_state({"version": 1, "devices": saved["devices"]}, lambda sha256: None)
    assert fresh.status("sim-1") == running  # a running update is not replaced
    with pytest.raises(ValueError, match="saved firmware"):
        fresh.import_state({"version": 99, "devices": {}}, lambda sha256: None)
    await fresh.close()


# --- cancel ----------------------------------------------------------------------------


async def test_cancel_executes_cancel_where_the_device_has_it(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.set_value(Path.of(5, 0, 10), None)
    await stalled_pull(updater, device, make_image(16 * KB))
    uri = device.value(PACKAGE_URI)
    status = await updater.cancel("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.CANCELLED)
    assert events.of(FirmwareUpdateFinished)[-1].status == status
    assert (device.value(STATE), device.value(RESULT)) == (0, 10)
    assert (await fetch(device, uri)).code == Code.NOT_FOUND
    assert not updater.in_progress("sim-1")
    assert await updater.cancel("sim-1") == status


@pytest.mark.parametrize("lwm2m_version", ["1.1", "1.0"])
async def test_cancel_resets_a_device_without_cancel(
    updater: FirmwareUpdater, make_device: DeviceFactory, lwm2m_version: str
) -> None:
    device = await make_device(lwm2m_version=lwm2m_version)
    await stalled_pull(updater, device, make_image(16 * KB))
    status = await updater.cancel("sim-1")
    assert status.error is ErrorKey.CANCELLED
    assert (device.value(STATE), device.value(RESULT), device.value(PACKAGE_URI)) == (0, 0, "")
    cancels = [record for record in device.requests if record.path == "/5/0/10"]
    assert len(cancels) == (1 if lwm2m_version == "1.1" else 0)


async def test_cancel_of_a_push_resets_the_package(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device(lwm2m_version="1.0")
    progress = events.next(FirmwareProgress, lambda event: event.status.percent >= 2)
    updater.start("sim-1", make_image(256 * KB), method=DeliveryMethod.PUSH)
    await progress
    status = await updater.cancel("sim-1")
    assert (status.error, status.method) == (ErrorKey.CANCELLED, DeliveryMethod.PUSH)
    await device.wait_for_request(lambda r: r.path == "/5/0/0" and r.method == "PUT")
    assert device.value(STATE) == 0


async def test_an_install_cannot_be_cancelled(
    updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.firmware.step = 0.2
    updating = events.next(FirmwareProgress, lambda event: event.status.phase is Phase.UPDATING)
    updater.start("sim-1", make_image(4 * KB))
    await updating
    with pytest.raises(UpdateNotCancellableError):
        await updater.cancel("sim-1")
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED
    assert device.value(VERSION) == "1.0.1"


async def test_cancel_of_a_device_that_went_away(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    await stalled_pull(updater, device, make_image(16 * KB))
    await device.stop()
    status = await updater.cancel("sim-1")
    assert status.error is ErrorKey.CANCELLED


async def test_cancel_of_a_device_the_server_let_go(
    server: LwM2MServer, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    await stalled_pull(updater, device, make_image(16 * KB))
    server.reject_pending("sim-1")
    status = await updater.cancel("sim-1")
    assert status.error is ErrorKey.CANCELLED
    assert device.value(STATE) == 1  # nobody told it


async def test_close_leaves_updates_in_progress(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    await stalled_pull(updater, device, make_image(16 * KB))
    uri = device.value(PACKAGE_URI)
    await updater.close()
    assert updater.status("sim-1").phase is Phase.TRANSFERRING
    assert updater.export_state()["devices"]["sim-1"]["phase"] == "transferring"
    assert (await fetch(device, uri)).code == Code.NOT_FOUND
