"""Fixtures: a server stand-in on loopback and devices that register with it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_socket  # type: ignore[import-untyped]

from simulator import SimulatedDevice

from .stand_in import ServerStandIn

DeviceFactory = Callable[..., Awaitable[SimulatedDevice]]


LOOPBACK_HOSTS = ["127.0.0.1", "::ffff:127.0.0.1"]


@pytest.fixture
def expected_lingering_timers() -> bool:
    """aiocoap leaves its duplicate-detection timers (EXCHANGE_LIFETIME) behind on shutdown."""
    return True


@pytest.fixture
def loopback(socket_enabled: None) -> None:
    """Sockets on loopback, including the IPv4-mapped form aiocoap's udp6 transport uses."""
    pytest_socket.socket_allow_hosts(LOOPBACK_HOSTS, allow_unix_socket=True)


@pytest.fixture
async def server(loopback: None) -> AsyncIterator[ServerStandIn]:
    stand_in = await ServerStandIn.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def make_device(server: ServerStandIn) -> AsyncIterator[DeviceFactory]:
    """Starts (and by default registers) devices; stops them all afterwards."""
    devices: list[SimulatedDevice] = []

    async def make(
        endpoint: str = "sim-1", *, register: bool = True, **options: Any
    ) -> SimulatedDevice:
        options.setdefault("auto_update", False)
        device = SimulatedDevice(endpoint, **options)
        devices.append(device)
        await device.start()
        if register:
            await device.register(server.address)
        return device

    yield make
    for device in devices:
        await device.stop()


@pytest.fixture
async def device(make_device: DeviceFactory) -> SimulatedDevice:
    return await make_device()
