"""Fixtures for the firmware tests: a server and an updater on a manual clock, and
simulated devices that register with it over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    FirmwareImage,
    FirmwareProgress,
    FirmwareUpdater,
    LwM2MServer,
    Path,
)
from custom_components.lwm2m.engine.clock import ManualClock
from simulator import SimulatedDevice
from tests.engine.server.harness import EventLog

DeviceFactory = Callable[..., Awaitable[SimulatedDevice]]

STATE = Path.of(5, 0, 3)
RESULT = Path.of(5, 0, 5)
PACKAGE_URI = Path.of(5, 0, 1)
DELIVERY = Path.of(5, 0, 9)
PROTOCOLS = Path.of(5, 0, 8)
CANCEL = Path.of(5, 0, 10)
VERSION = Path.of(3, 0, 3)
KB = 1024


def make_image(size: int, version: str = "2.0.0", **options: Any) -> FirmwareImage:
    """``size`` bytes that differ from block to block, so a misplaced block shows."""
    data = b"".join(index.to_bytes(4, "big") for index in range(size // 4 + 1))[:size]
    return FirmwareImage(f"image-{size}.bin", version, data, **options)


def percents(events: EventLog, endpoint: str = "sim-1") -> list[int]:
    return [
        event.status.percent for event in events.of(FirmwareProgress) if event.endpoint == endpoint
    ]


async def fetch(device: SimulatedDevice, uri: str) -> Message:
    """A GET of ``uri`` from the device's own socket."""
    return await device.transport.request(Message(code=Code.GET, uri=uri), blockwise=False)


@pytest.fixture
def server_options(clock: ManualClock) -> dict[str, Any]:
    return {"clock": clock}


@pytest.fixture
def updater_options() -> dict[str, Any]:
    return {}


@pytest.fixture
async def updater(
    server: LwM2MServer, clock: ManualClock, updater_options: dict[str, Any]
) -> AsyncIterator[FirmwareUpdater]:
    instance = FirmwareUpdater(server, clock=clock, **updater_options)
    yield instance
    await instance.close()


@pytest.fixture
async def make_device(server: LwM2MServer) -> AsyncIterator[DeviceFactory]:
    """Devices that install in 10 ms and register with the server (unless told not to)."""
    devices: list[SimulatedDevice] = []

    async def make(
        endpoint: str = "sim-1", *, register: bool = True, **options: Any
    ) -> SimulatedDevice:
        options.setdefault("auto_update", False)
        device = SimulatedDevice(endpoint, **options)
        device.firmware.step = 0.01
        devices.append(device)
        await device.start()
        if register:
            await device.register(("127.0.0.1", server.port))
        return device

    yield make
    for device in devices:
        await device.stop()
