"""Firmware updates that fail: what the device reports, and what the server finds."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.lwm2m.engine import (
    DeliveryMethod,
    DeviceNotRegisteredError,
    ErrorKey,
    FirmwareUpdateFinished,
    FirmwareUpdater,
    LwM2MServer,
    Path,
    Phase,
    RequestTimeoutError,
    UpdateInProgressError,
)
from simulator import Quirks, default_objects
from tests.engine.server.harness import EventLog

from .firmware_harness import (
    DELIVERY,
    KB,
    PROTOCOLS,
    STATE,
    VERSION,
    DeviceFactory,
    make_image,
)

RESULT_KEYS = [
    (2, ErrorKey.NOT_ENOUGH_FLASH),
    (3, ErrorKey.OUT_OF_RAM),
    (4, ErrorKey.CONNECTION_LOST),
    (5, ErrorKey.INTEGRITY_CHECK_FAILURE),
    (6, ErrorKey.UNSUPPORTED_PACKAGE_TYPE),
    (7, ErrorKey.INVALID_URI),
    (9, ErrorKey.UNSUPPORTED_PROTOCOL),
    (10, ErrorKey.CANCELLED),
    (11, ErrorKey.DEFERRED),
    (77, ErrorKey.UNKNOWN_RESULT),
]


@pytest.mark.parametrize(("result", "key"), RESULT_KEYS)
@pytest.mark.parametrize("method", [DeliveryMethod.PULL, DeliveryMethod.PUSH])
async def test_a_failed_download_ends_with_its_result(
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    events: EventLog,
    result: int,
    key: ErrorKey,
    method: DeliveryMethod,
) -> None:
    device = await make_device()
    device.firmware.download_result = result
    finished = events.next(FirmwareUpdateFinished)
    updater.start("sim-1", make_image(8 * KB), method=method)
    status = (await finished).status
    assert (status.phase, status.error, status.result) == (Phase.FAILED, key, result)
    assert status.percent == 100  # it all arrived; the device turned it down
    assert await updater.wait("sim-1") == status


@pytest.mark.parametrize(
    ("result", "key"), [(8, ErrorKey.UPDATE_FAILED), (2, ErrorKey.NOT_ENOUGH_FLASH)]
)
async def test_a_failed_install_ends_with_its_result(
    updater: FirmwareUpdater, make_device: DeviceFactory, result: int, key: ErrorKey
) -> None:
    device = await make_device()
    device.firmware.update_result = result
    updater.start("sim-1", make_image(8 * KB))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error, status.result) == (Phase.FAILED, key, result)
    assert device.value(VERSION) == "1.0.0"


async def test_an_earlier_failure_result_does_not_count(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    device.set_value(Path.of(5, 0, 5), 5)
    updater.start("sim-1", make_image(8 * KB))
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED


@pytest.mark.parametrize("left_in", [1, 2])
async def test_a_device_left_mid_way_is_reset_first(
    updater: FirmwareUpdater, make_device: DeviceFactory, left_in: int
) -> None:
    device = await make_device()
    device.set_value(STATE, left_in)
    updater.start("sim-1", make_image(8 * KB))
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED
    writes = [record for record in device.requests if record.path == "/5/0/1"]
    assert len(writes) == 2  # the reset (an empty URI), then the download URI


async def test_a_device_that_installs_already_is_busy(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    device.set_value(STATE, 3)
    updater.start("sim-1", make_image(8 * KB))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.DEVICE_BUSY)


@pytest.mark.parametrize(
    ("models", "error"), [(("SIM-100",), None), (("SIM-200", "SIM-300"), ErrorKey.WRONG_MODEL)]
)
async def test_the_image_must_fit_the_model(
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    models: tuple[str, ...],
    error: ErrorKey | None,
) -> None:
    await make_device()
    updater.start("sim-1", make_image(4 * KB, models=models))
    assert (await updater.wait("sim-1")).error is error


async def test_a_device_without_a_model_fits_no_limited_image(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    del device.store.objects[3].instances[0][1]
    updater.start("sim-1", make_image(4 * KB, models=("SIM-100",)))
    assert (await updater.wait("sim-1")).error is ErrorKey.WRONG_MODEL


@pytest.mark.parametrize(
    ("delivery", "protocols", "method", "outcome"),
    [
        (1, {0: 0}, DeliveryMethod.PULL, ErrorKey.UNSUPPORTED_DELIVERY),
        (0, {0: 0}, DeliveryMethod.PUSH, ErrorKey.UNSUPPORTED_DELIVERY),
        (0, {0: 1}, DeliveryMethod.AUTO, ErrorKey.UNSUPPORTED_PROTOCOL),
        (0, {0: 1}, DeliveryMethod.PULL, ErrorKey.UNSUPPORTED_PROTOCOL),
        (2, {0: 1}, DeliveryMethod.AUTO, DeliveryMethod.PUSH),
        (0, {0: 0}, DeliveryMethod.AUTO, DeliveryMethod.PULL),
        (None, None, DeliveryMethod.AUTO, DeliveryMethod.PULL),
    ],
)
async def test_delivery_method_and_protocol_support(
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    delivery: int | None,
    protocols: dict[int, int] | None,
    method: DeliveryMethod,
    outcome: ErrorKey | DeliveryMethod,
) -> None:
    device = await make_device()
    instance = device.store.objects[5].instances[0]
    for path, value in ((DELIVERY, delivery), (PROTOCOLS, protocols)):
        if value is None:
            del instance[path.ids[2]]
        else:
            device.set_value(path, value)
    updater.start("sim-1", make_image(4 * KB), method=method)
    status = await updater.wait("sim-1")
    if isinstance(outcome, ErrorKey):
        assert (status.phase, status.error) == (Phase.FAILED, outcome)
    else:
        assert (status.phase, status.method) == (Phase.SUCCEEDED, outcome)


async def test_a_device_without_object_5(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    objects = [obj for obj in default_objects() if obj.id != 5]
    await make_device(objects=objects)
    updater.start("sim-1", make_image(4 * KB))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.NOT_SUPPORTED)


async def test_a_refused_update_execute_is_rejected(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    del device.store.objects[5].instances[0][2]
    updater.start("sim-1", make_image(4 * KB))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.REJECTED)


async def test_a_device_that_does_not_answer_is_unreachable(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    device = await make_device()
    await device.stop()
    updater.start("sim-1", make_image(4 * KB))
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.UNREACHABLE)


async def test_start_refuses_unknown_devices_and_a_second_update(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    with pytest.raises(DeviceNotRegisteredError):
        updater.start("nobody", make_image(4 * KB))
    assert updater.status("nobody").phase is Phase.IDLE
    device = await make_device()
    device.firmware.stall_after = 1
    updater.start("sim-1", make_image(4 * KB))
    assert updater.in_progress("sim-1")
    with pytest.raises(UpdateInProgressError):
        updater.start("sim-1", make_image(4 * KB))
    device.firmware.resume_download()
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED
    updater.start("sim-1", make_image(4 * KB, version="3.0.0"))
    status = await updater.wait("sim-1")
    assert (status.phase, status.installed_version, status.image_version) == (
        Phase.SUCCEEDED,
        "1.0.2",
        "3.0.0",
    )
    assert dict(updater.statuses) == {"sim-1": status}


async def test_success_without_a_new_version_is_success_with_a_warning(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    """Update Result 1 is success even when Firmware Version did not change; the update
    ends at once (nothing waits for another registration), the unchanged version noted."""
    await make_device(quirks=Quirks(firmware_keeps_version=True))
    updater.start("sim-1", make_image(4 * KB))
    async with asyncio.timeout(10):  # no clock advance: no deadline is involved
        status = await updater.wait("sim-1")
    assert (status.phase, status.error, status.result) == (Phase.SUCCEEDED, None, 1)
    assert (status.installed_version, status.warning) == ("1.0.0", ErrorKey.VERSION_UNCHANGED)


async def test_a_new_version_is_no_warning(
    updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    await make_device()
    updater.start("sim-1", make_image(4 * KB))
    status = await updater.wait("sim-1")
    assert (status.phase, status.installed_version, status.warning) == (
        Phase.SUCCEEDED,
        "1.0.1",
        None,
    )


@pytest.mark.parametrize(
    ("missing", "previous", "installed"),
    [((3,), "1.0.0", "1.0.1"), ((3, 7), None, None)],
)
async def test_versions_from_pkg_version_or_none_at_all(
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    missing: tuple[int, ...],
    previous: str | None,
    installed: str | None,
) -> None:
    device = await make_device()
    del device.store.objects[3].instances[0][3]
    if 7 in missing:
        del device.store.objects[5].instances[0][7]
    updater.start("sim-1", make_image(4 * KB))
    status = await updater.wait("sim-1")
    assert (status.phase, status.previous_version, status.installed_version) == (
        Phase.SUCCEEDED,
        previous,
        installed,
    )


async def test_an_unanswered_update_execute_is_waited_out(
    server: LwM2MServer,
    updater: FirmwareUpdater,
    make_device: DeviceFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await make_device()
    execute = server.execute

    async def execute_and_lose_the_answer(
        endpoint: str, path: Path, args: str | None = None
    ) -> None:
        await execute(endpoint, path, args)
        raise RequestTimeoutError(endpoint, path)

    monkeypatch.setattr(server, "execute", execute_and_lose_the_answer)
    updater.start("sim-1", make_image(4 * KB))
    assert (await updater.wait("sim-1")).phase is Phase.SUCCEEDED


async def test_a_device_gone_before_the_update_began(
    server: LwM2MServer, updater: FirmwareUpdater, make_device: DeviceFactory
) -> None:
    await make_device()
    updater.start("sim-1", make_image(4 * KB))
    server.reject_pending("sim-1")
    status = await updater.wait("sim-1")
    assert (status.phase, status.error) == (Phase.FAILED, ErrorKey.UNREACHABLE)
