"""Fixtures and helpers for the server tests: a server on a free loopback port, events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
import pytest_socket

from custom_components.lwm2m.engine import LwM2MEvent, LwM2MServer, ObjectRegistry, SecurityPolicy
from custom_components.lwm2m.engine.clock import ManualClock
from custom_components.lwm2m.engine.transport import udp as transport
from simulator import SimulatedDevice

E = TypeVar("E", bound=LwM2MEvent)
REGISTRY = ObjectRegistry.default()
DeviceFactory = Callable[..., Awaitable[SimulatedDevice]]


class EventLog:
    """Every event a server emitted, with a way to await the next matching one."""

    def __init__(self) -> None:
        self.events: list[LwM2MEvent] = []
        self._waiters: list[tuple[Callable[[LwM2MEvent], bool], asyncio.Future[LwM2MEvent]]] = []

    def __call__(self, event: LwM2MEvent) -> None:
        self.events.append(event)
        for waiter in list(self._waiters):
            matches, future = waiter
            if not future.done() and matches(event):
                future.set_result(event)
                self._waiters.remove(waiter)

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)]

    def next(
        self, kind: type[E], where: Callable[[E], bool] = lambda _: True, limit: float = 10
    ) -> Awaitable[E]:
        """The next event of ``kind`` matching ``where``, emitted after this call (the
        waiter is registered at once, so call it before triggering the event)."""

        def matches(event: LwM2MEvent) -> bool:
            return isinstance(event, kind) and where(event)

        future: asyncio.Future[LwM2MEvent] = asyncio.get_running_loop().create_future()
        self._waiters.append((matches, future))

        async def wait() -> E:
            async with asyncio.timeout(limit):
                event = await future
            assert isinstance(event, kind)
            return event

        return wait()


def make_server(**options: Any) -> LwM2MServer:
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "policy": SecurityPolicy.OPEN,
        "request_timeout": 5.0,
        "accept_timeout": 0.5,
    }
    settings.update(options)
    return LwM2MServer(REGISTRY, **settings)


@pytest.fixture
def loopback(socket_enabled: None) -> None:
    """Sockets on, and connect() allowed to loopback in every spelling aiocoap uses
    (it checks routes by connecting to IPv4-mapped IPv6 addresses)."""
    pytest_socket.socket_allow_hosts(
        ["127.0.0.1", "::ffff:127.0.0.1", "::1"], allow_unix_socket=True
    )


@pytest.fixture
def clock() -> ManualClock:
    """Time that moves only when a test advances it; a module hands it to its server through
    ``server_options``."""
    return ManualClock()


@pytest.fixture
def server_options() -> dict[str, Any]:
    """make_server's keywords for the ``server`` fixture; a module overrides this to change them."""
    return {}


@pytest.fixture
async def server(loopback: None, server_options: dict[str, Any]) -> AsyncIterator[LwM2MServer]:
    instance = make_server(**server_options)
    await instance.start()
    yield instance
    await instance.stop()


@pytest.fixture
async def registered_device(server: LwM2MServer) -> AsyncIterator[DeviceFactory]:
    """Simulated devices registered with ``server`` (no automatic updates); they stop
    with the test. Takes the endpoint (default ``sim-1``) and SimulatedDevice's options."""
    devices: list[SimulatedDevice] = []

    async def make(endpoint: str = "sim-1", **options: Any) -> SimulatedDevice:
        options.setdefault("auto_update", False)
        device = SimulatedDevice(endpoint, **options)
        devices.append(device)
        await device.start()
        await device.register(("127.0.0.1", server.port))
        return device

    yield make
    for device in devices:
        await device.stop()


@pytest.fixture
def events(server: LwM2MServer) -> EventLog:
    log = EventLog()
    server.add_listener(log)
    return log


@pytest.fixture
def fresh_coap_warnings() -> Iterator[None]:
    """The server's CoAP logger shows each kind of warning once per process; a test that
    provokes many kinds restores that memory after itself, so later tests still see
    their first warning."""
    seen = transport._ONCE_FILTER._seen
    saved = set(seen)
    yield
    seen.clear()
    seen.update(saved)


@pytest.fixture
def expected_lingering_timers() -> bool:
    """aiocoap keeps a timer per received message for its deduplication window (247 s)
    and does not cancel them on shutdown; they are harmless."""
    return True
