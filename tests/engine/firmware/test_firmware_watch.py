"""Following State and Update Result: by observation, or by polling when that fails."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.lwm2m.engine import (
    ErrorKey,
    FirmwareProgress,
    FirmwareUpdater,
    LwM2MError,
    LwM2MServer,
    NotificationReceived,
    Observation,
    Path,
    Phase,
    RequestFailedError,
)
from custom_components.lwm2m.engine.clock import ManualClock
from custom_components.lwm2m.engine.firmware.updater import DEFAULT_POLL_INTERVAL, FirmwareTimeouts
from custom_components.lwm2m.engine.server.observations import ObservationTarget
from simulator import SimulatedDevice
from tests.engine.server.harness import EventLog

from .firmware_harness import (
    KB,
    RESULT,
    STATE,
    DeviceFactory,
    make_image,
)

TEMPERATURE = Path.of(3303, 0, 5700)


async def _refuse(endpoint: str, path: Path, **options: Any) -> Observation:
    raise RequestFailedError(endpoint, path, "4.05")


async def _answer_without_observing(endpoint: str, path: Path, **options: Any) -> Observation:
    async def cancel(endpoint: str, target: ObservationTarget, active: bool) -> None:
        pass

    return Observation(endpoint, ObservationTarget((path,)), {}, b"", cancel)


async def _poll_through(
    clock: ManualClock, device: SimulatedDevice, updater: FirmwareUpdater, events: EventLog
) -> None:
    """Drive a polled update: each step needs one poll to be seen."""
    verifying = events.next(FirmwareProgress, lambda event: event.status.phase is Phase.VERIFYING)
    updater.start("sim-1", make_image(16 * KB))
    await verifying
    await device.wait_until(lambda: device.value(STATE) == 2)
    updating = events.next(FirmwareProgress, lambda event: event.status.phase is Phase.UPDATING)
    clock.advance(DEFAULT_POLL_INTERVAL)
    await updating
    await device.wait_until(lambda: device.value(RESULT) == 1)
    clock.advance(DEFAULT_POLL_INTERVAL)


@pytest.mark.parametrize("observe", [_refuse, _answer_without_observing])
async def test_a_device_that_cannot_observe_is_polled(
    clock: ManualClock,
    server: LwM2MServer,
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    events: EventLog,
    monkeypatch: pytest.MonkeyPatch,
    observe: Any,
) -> None:
    device = await make_device()
    monkeypatch.setattr(server, "observe", observe)
    await _poll_through(clock, device, updater, events)
    status = await updater.wait("sim-1")
    assert (status.phase, status.installed_version) == (Phase.SUCCEEDED, "1.0.1")


async def test_a_polled_device_that_stops_answering(
    clock: ManualClock,
    server: LwM2MServer,
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    device = await make_device()
    monkeypatch.setattr(server, "observe", _refuse)
    read = server.read
    unanswered = asyncio.Event()

    async def watched_read(endpoint: str, path: Path, **options: Any) -> dict[Path, Any]:
        try:
            return await read(endpoint, path, **options)
        except LwM2MError:
            unanswered.set()
            raise

    monkeypatch.setattr(server, "read", watched_read)
    device.firmware.stall_after = 2
    image = make_image(16 * KB)
    updater.start("sim-1", image)
    await device.wait_until(lambda: device.firmware.stalled)
    await device.stop()
    clock.advance(DEFAULT_POLL_INTERVAL)
    await unanswered.wait()
    clock.advance(DEFAULT_POLL_INTERVAL)  # the next poll is on its way when time runs out
    clock.advance(FirmwareTimeouts().limit(Phase.TRANSFERRING, image.size))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.TIMEOUT)


async def test_notifications_of_other_resources_pass_by(
    server: LwM2MServer, updater: FirmwareUpdater, make_device: DeviceFactory, events: EventLog
) -> None:
    device = await make_device()
    device.firmware.stall_after = 1
    updater.start("sim-1", make_image(8 * KB))
    await device.wait_until(lambda: device.firmware.stalled)
    await server.observe("sim-1", TEMPERATURE)
    notified = events.next(NotificationReceived, lambda event: event.path == TEMPERATURE)
    device.set_value(TEMPERATURE, 30.5)
    await notified
    assert updater.status("sim-1").phase is Phase.TRANSFERRING
    device.firmware.resume_download()
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED


async def test_observations_are_cancelled_afterwards_unless_kept_for_others(
    server: LwM2MServer, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    await make_device()
    await server.observe("sim-1", Path.of(5, 0, 5))
    updater.start("sim-1", make_image(4 * KB))
    assert server.is_observed("sim-1", Path.of(5, 0, 5))
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED
    assert not server.is_observed("sim-1", Path.of(5, 0, 3))
    assert server.is_observed("sim-1", Path.of(5, 0, 5))
