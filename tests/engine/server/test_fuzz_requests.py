"""Random CoAP requests at /rd, /rd/<id>, /dp and /bs: the servers answer or drop them.

Each hypothesis example starts a fresh LwM2M server (or bootstrap server) with a device
that registered properly, sends a batch of random datagrams from a peer that registered
too (so /dp and /rd/<its id> reach the payload parsers), then checks that

* no answer is 5.00 (aiocoap's answer when a resource handler raised),
* nothing reached the event loop's exception handler, nothing was logged at ERROR,
* the proper device is still registered under the same id, and the server still reads
  from it (the bootstrap server still answers a proper bootstrap request).

The ``slow`` variant sends 20,000 seeded random requests to one server.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any

import pytest
from aiocoap.numbers.codes import Code
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.lwm2m.engine import (
    BootstrapServer,
    CredentialStore,
    DeviceCredentials,
    Path,
    SecurityMode,
)

from .coap_fuzzing import (
    CON,
    INTERNAL_SERVER_ERROR,
    URI_PATH,
    URI_QUERY,
    Datagram,
    RawSocket,
    random_request,
    requests,
)
from .device_stub import DEVICE_VALUES, answer_reads, register
from .harness import REGISTRY, make_server
from .raw_peer import RawPeer

FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SERVER_PATHS: list[tuple[str, ...]] = [("rd",), ("dp",), ("bs",), ("rd", "{fuzzer}"), ("rd", "0")]
CHUNK = 50
BOOTSTRAP_PATHS: list[tuple[str, ...]] = [("bs",), ("bs",), ("rd",), ("dp",), ("bs", "x")]


@pytest.fixture
def expected_lingering_timers() -> bool:
    return True


@pytest.fixture(autouse=True)
def _own_warnings(fresh_coap_warnings: None) -> None:
    """Hundreds of malformed datagrams must not use up other tests' first warnings."""


@pytest.fixture
def loud_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.WARNING)
    return caplog


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _run(scenario: Callable[[], Awaitable[Any]]) -> None:
    """Run one example in its own loop; anything handed to the loop's handler fails it."""
    loop_errors: list[dict[str, Any]] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(
            lambda _loop, context: loop_errors.append(context)
        )
        await scenario()

    asyncio.run(main())
    assert not loop_errors, loop_errors


def _registration(endpoint: str) -> Datagram:
    return Datagram(
        kind=CON,
        code=2,
        message_id=1,
        token=b"reg",
        options=(
            (URI_PATH, b"rd"),
            (URI_QUERY, f"ep={endpoint}".encode()),
            (URI_QUERY, b"lt=300"),
            (URI_QUERY, b"lwm2m=1.1"),
            (12, b"\x28"),  # Content-Format 40, link format
        ),
        payload=b'</>;rt="oma.lwm2m";ct="110 112",</1/0>,</3/0>,</3303/0>',
    )


async def _fuzz_server(
    make_datagrams: Callable[[str, str], Iterable[Datagram]], caplog: pytest.LogCaptureFixture
) -> int:
    """Fuzz one server; returns how many datagrams were sent."""
    server = make_server()
    await server.start()
    survivor = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    fuzzer = await RawSocket.open(server.port)
    try:
        location = await register(survivor, server.port, "survivor")
        before = server.registrations["survivor"].registration_id
        fuzzer.send(_registration("fuzzer"))
        await fuzzer.settle()
        fuzzer_id = server.registrations["fuzzer"].registration_id
        number = 0
        for number, datagram in enumerate(make_datagrams(fuzzer_id, before), 1):
            fuzzer.send(datagram)
            if number % CHUNK == 0:  # no more at once than the socket buffers take
                await fuzzer.settle(quiet=0.01)
        await fuzzer.settle()
        sent = number
        assert INTERNAL_SERVER_ERROR not in fuzzer.codes
        assert not _errors(caplog)
        assert server.registrations["survivor"].registration_id == before
        assert location.endswith(before)
        assert await server.read("survivor", Path.of(3, 0, 9)) == {Path.of(3, 0, 9): 87}
    finally:
        fuzzer.close()
        await survivor.stop()
        await server.stop()
    return sent


def _aimed(datagram: Datagram, fuzzer_id: str, survivor_id: str) -> Datagram:
    """Point ``{fuzzer}`` paths at the fuzzing peer's registration; keep off the survivor's."""
    options = []
    for number, value in datagram.options:
        if number == URI_PATH and value == b"{fuzzer}":
            value = fuzzer_id.encode()
        elif (number == URI_PATH and value == survivor_id.encode()) or (
            number == URI_QUERY and value.removeprefix(b"ep=") == b"survivor"
        ):
            value += b"-not"
        options.append((number, value))
    return Datagram(
        datagram.kind,
        datagram.code,
        datagram.message_id,
        datagram.token,
        tuple(options),
        datagram.payload,
        datagram.mutation,
    )


@FUZZ_SETTINGS
@given(batch=st.lists(requests(SERVER_PATHS), min_size=1, max_size=25))
def test_random_requests_to_the_server(
    loopback: None, loud_logs: pytest.LogCaptureFixture, batch: list[Datagram]
) -> None:
    loud_logs.clear()

    def datagrams(fuzzer_id: str, survivor_id: str) -> list[Datagram]:
        return [_aimed(datagram, fuzzer_id, survivor_id) for datagram in batch]

    _run(lambda: _fuzz_server(datagrams, loud_logs))


@pytest.mark.slow
def test_many_random_requests_to_the_server(
    loopback: None, loud_logs: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(2026)

    def datagrams(fuzzer_id: str, survivor_id: str) -> Iterator[Datagram]:
        paths = [[fuzzer_id if part == "{fuzzer}" else part for part in p] for p in SERVER_PATHS]
        for _ in range(20_000):
            yield _aimed(random_request(rng, paths), fuzzer_id, survivor_id)

    sent: list[int] = []

    async def scenario() -> None:
        sent.append(await _fuzz_server(datagrams, loud_logs))

    _run(scenario)
    assert sent == [20_000]


# --- the bootstrap server --------------------------------------------------------------


async def _fuzz_bootstrap(batch: Sequence[Datagram], caplog: pytest.LogCaptureFixture) -> None:
    credentials = CredentialStore(
        [
            DeviceCredentials("fuzz-a", SecurityMode.NO_SEC),
            DeviceCredentials("boot-ok", SecurityMode.NO_SEC),
        ]
    )
    server = BootstrapServer(
        credentials,
        REGISTRY,
        host="127.0.0.1",
        port=0,
        server_uri="coap://127.0.0.1:5683",
        attempts=1,
        request_timeout=0.2,
    )
    await server.start()
    fuzzer = await RawSocket.open(server.port)
    proper = await RawPeer().start()
    try:
        for datagram in batch:
            fuzzer.send(datagram)
        await fuzzer.settle()
        assert INTERNAL_SERVER_ERROR not in fuzzer.codes
        assert not _errors(caplog)
        response = await proper.request(server.port, Code.POST, "/bs?ep=boot-ok")
        assert response.code == Code.CHANGED
    finally:
        fuzzer.close()
        await proper.stop()
        await server.stop()


@FUZZ_SETTINGS
@given(batch=st.lists(requests(BOOTSTRAP_PATHS), min_size=1, max_size=25))
def test_random_requests_to_the_bootstrap_server(
    loopback: None, loud_logs: pytest.LogCaptureFixture, batch: list[Datagram]
) -> None:
    loud_logs.clear()
    _run(lambda: _fuzz_bootstrap(batch, loud_logs))
