"""The bootstrap server's rules: formats, refusals, retries with backoff, concurrency."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import aiocoap
import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    BootstrapFailed,
    BootstrapFinished,
    BootstrapServer,
    ContentFormat,
    CredentialStore,
    DeviceCredentials,
    LwM2MEvent,
    SecurityMode,
)
from custom_components.lwm2m.engine.bootstrap import sequence as bootstrap_sequence
from custom_components.lwm2m.engine.bootstrap.server import _local_uri
from custom_components.lwm2m.engine.clock import ManualClock, Timer
from custom_components.lwm2m.engine.requests.exchange import exchange_lifetime, tuning
from simulator import BootstrapError, SimulatedDevice
from simulator.records import RequestRecord
from simulator.transport import open_context
from tests.engine.server.harness import REGISTRY
from tests.tinydtls import requires_tinydtls

from .harness import (
    KEYS,
    NO_SEC_CSV,
    PSK_CSV,
    DeviceFactory,
    Stack,
    bootstrap_psk,
    start_stack,
    stop_stack,
)


def writes(device: SimulatedDevice) -> list[RequestRecord]:
    return [record for record in device.requests if record.method == "PUT"]


async def raw_post(port: int, query: tuple[str, ...]) -> aiocoap.Message:
    context = await open_context(None)
    try:
        message = aiocoap.Message(code=Code.POST, uri=f"coap://127.0.0.1:{port}/bs")
        message.opt.uri_query = query
        response: aiocoap.Message = await context.request(message).response
        return response
    finally:
        await context.shutdown()


# --- content formats ----------------------------------------------------------------------


@requires_tinydtls
@pytest.mark.parametrize(
    "pct",
    [
        ContentFormat.TLV,
        ContentFormat.SENML_JSON,
        ContentFormat.SENML_CBOR,
        ContentFormat.LWM2M_JSON,
        ContentFormat.LWM2M_CBOR,
    ],
)
async def test_writes_use_the_preferred_format(
    stack: Stack, make_device: DeviceFactory, pct: ContentFormat
) -> None:
    device = await make_device("meter-a")
    await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-a"), pct=pct)
    assert [record.content_format for record in writes(device)] == [pct, pct, pct]
    assert device.instances(1)[0][1] == 600


async def test_writes_without_pct_are_tlv(stack: Stack, make_device: DeviceFactory) -> None:
    device = await make_device("plain-meter")
    await device.bootstrap(stack.bootstrap_address)
    assert {record.content_format for record in writes(device)} == {ContentFormat.TLV}


async def test_unwritable_pct_falls_back_to_tlv(stack: Stack, make_device: DeviceFactory) -> None:
    device = await make_device("plain-meter")
    await device.bootstrap(stack.bootstrap_address, pct=ContentFormat.TEXT)
    assert {record.content_format for record in writes(device)} == {ContentFormat.TLV}


async def test_refused_format_falls_back_to_tlv(stack: Stack, make_device: DeviceFactory) -> None:
    device = await make_device("plain-meter")
    device.faults.add("PUT", "/0/1", Code.UNSUPPORTED_CONTENT_FORMAT)
    await device.bootstrap(stack.bootstrap_address, pct=ContentFormat.SENML_CBOR)
    formats = [record.content_format for record in writes(device)]
    assert formats == [ContentFormat.SENML_CBOR, ContentFormat.TLV, ContentFormat.TLV]


# --- refusals -----------------------------------------------------------------------------


async def test_unknown_endpoint_is_forbidden(stack: Stack, make_device: DeviceFactory) -> None:
    device = await make_device("stranger")
    failed = stack.events.next(BootstrapFailed)
    with pytest.raises(BootstrapError, match="4.03"):
        await device.bootstrap(stack.bootstrap_address)
    event = await failed
    assert (event.endpoint, event.step, event.code, event.reason) == (
        "stranger",
        "request",
        "4.03",
        "unknown endpoint",
    )
    assert device.requests == []


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ((), b"missing endpoint name"),
        (("ep=plain-meter", "pct=cbor"), b"bad preferred content format"),
    ],
)
async def test_malformed_request_is_a_bad_request(
    stack: Stack, query: tuple[str, ...], reason: bytes
) -> None:
    response = await raw_post(stack.bootstrap.port, query)
    assert response.code == Code.BAD_REQUEST
    assert response.payload == reason
    assert stack.events.events == []


async def test_psk_endpoint_must_bootstrap_over_dtls(
    stack: Stack, make_device: DeviceFactory
) -> None:
    device = await make_device("meter-a")
    with pytest.raises(BootstrapError, match="endpoint requires DTLS"):
        await device.bootstrap(stack.bootstrap_address)


@requires_tinydtls
async def test_identity_of_another_device_is_forbidden(
    stack: Stack, make_device: DeviceFactory
) -> None:
    device = await make_device("meter-a")
    failed = stack.events.next(BootstrapFailed)
    with pytest.raises(BootstrapError, match="identity does not match endpoint"):
        await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-b"))
    assert (await failed).code == "4.03"


async def test_row_without_any_server_uri_is_refused(loopback: None) -> None:
    running = await start_stack()
    running.store.set_all([DeviceCredentials(endpoint="bare", security_mode=SecurityMode.NO_SEC)])
    device = SimulatedDevice("bare", auto_update=False)
    await device.start()
    try:
        with pytest.raises(BootstrapError, match="no LwM2M server URI"):
            await device.bootstrap(running.bootstrap_address)
        running.bootstrap.server_uri = "coap://lwm2m.example:5683"
        await device.bootstrap(running.bootstrap_address)
        assert device.instances(0)[1][0] == "coap://lwm2m.example:5683"
    finally:
        await device.stop()
        await stop_stack(running)


@requires_tinydtls
async def test_default_uris_for_rows_without_url(loopback: None) -> None:
    running = await start_stack(
        secure_server_uri="coaps://lwm2m.example:5684", bootstrap_uri="coaps://bs.example:5784"
    )
    running.load(PSK_CSV)
    row = running.store.get("meter-a")
    assert row is not None
    running.store.update(replace(row, server_url=None))
    device = SimulatedDevice("meter-a", auto_update=False)
    await device.start()
    try:
        await device.bootstrap(running.secure_bootstrap_address, psk=bootstrap_psk("meter-a"))
        security = device.instances(0)
        assert security[3][0] == "coaps://lwm2m.example:5684"
        assert security[0][0] == "coaps://bs.example:5784"
    finally:
        await device.stop()
        await stop_stack(running)


# --- failing steps ------------------------------------------------------------------------


async def test_failed_write_is_retried(stack: Stack, make_device: DeviceFactory) -> None:
    device = await make_device("plain-meter")
    device.faults.add("PUT", "/0/1", Code.INTERNAL_SERVER_ERROR)
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.bootstrap_address)
    await finished
    assert [record.path for record in writes(device)] == ["/0/1", "/0/1", "/1/0"]
    assert stack.events.of(BootstrapFailed) == []


@pytest.mark.parametrize(
    ("method", "path", "code", "step"),
    [
        ("PUT", "/1/0", Code.BAD_REQUEST, "write /1/0"),
        ("PUT", "/0/1", Code.INTERNAL_SERVER_ERROR, "write /0/1"),
        ("DELETE", "/0", Code.METHOD_NOT_ALLOWED, "delete /0"),
        ("DELETE", "/1", Code.SERVICE_UNAVAILABLE, "delete /1"),
        ("POST", "/bs", Code.NOT_ACCEPTABLE, "finish"),
    ],
)
async def test_step_failing_every_attempt_is_reported(
    stack: Stack, make_device: DeviceFactory, method: str, path: str, code: Code, step: str
) -> None:
    device = await make_device("plain-meter")
    device.faults.add(method, path, code, times=3)
    failed = stack.events.next(BootstrapFailed)
    attempt = asyncio.create_task(device.bootstrap(stack.bootstrap_address))
    event = await failed
    attempt.cancel()
    assert (event.step, event.code, event.attempts) == (step, code.dotted, 3)
    tried = [r for r in device.requests if r.method == method and r.path == path]
    assert len(tried) == 3
    assert stack.events.of(BootstrapFinished) == []
    assert "plain-meter" not in stack.bootstrap.active


async def test_repeated_failures_of_one_step_warn_once(
    stack: Stack, make_device: DeviceFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.lwm2m.engine.bootstrap.server")
    device = await make_device("plain-meter")
    for _ in range(2):
        device.faults.add("DELETE", "/1", Code.SERVICE_UNAVAILABLE, times=3)
        failed = stack.events.next(BootstrapFailed)
        attempt = asyncio.create_task(device.bootstrap(stack.bootstrap_address))
        assert (await failed).step == "delete /1"
        attempt.cancel()
    outcomes = [r for r in caplog.records if "after 3 attempts" in r.getMessage()]
    assert [r.levelno for r in outcomes] == [logging.WARNING, logging.DEBUG]


@requires_tinydtls
async def test_failed_discover_chooses_ids_blind(stack: Stack, make_device: DeviceFactory) -> None:
    """Without the discover answer the generated bootstrap account cannot be found:
    it lands on the next free id instead of the client's account."""
    device = await make_device("meter-a")
    device.faults.add("GET", "/", Code.NOT_FOUND)
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-a"))
    event = await finished
    assert (event.security_instance, event.bootstrap_instance) == (3, 4)
    assert set(device.instances(0)) == {0, 3, 4}


async def test_unexpected_failure_is_reported(
    stack: Stack, make_device: DeviceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("no free instance id from 3 on")

    monkeypatch.setattr(bootstrap_sequence, "plan_bootstrap", broken)
    device = await make_device("plain-meter")
    failed = stack.events.next(BootstrapFailed)
    attempt = asyncio.create_task(device.bootstrap(stack.bootstrap_address))
    event = await failed
    attempt.cancel()
    assert (event.step, event.code) == ("sequence", None)
    assert "no free instance id" in event.reason


RESPONSE_BOUND = exchange_lifetime(tuning())


class SignallingClock(ManualClock):
    """A manual clock that lets a test await the next back-off timer being set (each
    request's response bound, CoAP's EXCHANGE_LIFETIME, is no back-off)."""

    def __init__(self) -> None:
        super().__init__()
        self.delays: list[float] = []
        self._scheduled = asyncio.Event()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        if delay < RESPONSE_BOUND:
            self.delays.append(delay)
            self._scheduled.set()
        return super().call_later(delay, callback)

    async def next_timer(self) -> None:
        await self._scheduled.wait()
        self._scheduled.clear()


@pytest.fixture
async def slow_stack(loopback: None) -> AsyncIterator[tuple[Stack, SignallingClock]]:
    clock = SignallingClock()
    running = await start_stack(clock=clock, retry_delay=10.0, attempts=3)
    running.load(NO_SEC_CSV)
    yield running, clock
    await stop_stack(running)


async def test_retries_back_off_on_the_injected_clock(
    slow_stack: tuple[Stack, SignallingClock], make_device: DeviceFactory
) -> None:
    running, clock = slow_stack
    device = await make_device("plain-meter")
    device.faults.add("PUT", "/0/1", Code.INTERNAL_SERVER_ERROR, times=2)
    finished = running.events.next(BootstrapFinished)
    attempt = asyncio.create_task(device.bootstrap(running.bootstrap_address))
    await clock.next_timer()
    assert len(writes(device)) == 1
    clock.advance(9.9)
    await asyncio.sleep(0)
    assert len(writes(device)) == 1
    clock.advance(0.1)
    await clock.next_timer()
    assert len(writes(device)) == 2
    clock.advance(20)
    await finished
    await attempt
    assert clock.delays == [10.0, 20.0]
    assert len(writes(device)) == 4


async def test_new_request_restarts_a_running_bootstrap(
    slow_stack: tuple[Stack, SignallingClock], make_device: DeviceFactory
) -> None:
    running, clock = slow_stack
    device = await make_device("plain-meter")
    device.faults.add("PUT", "/0/1", Code.INTERNAL_SERVER_ERROR)
    first = asyncio.create_task(device.bootstrap(running.bootstrap_address))
    await clock.next_timer()
    assert running.bootstrap.active == {"plain-meter"}
    finished = running.events.next(BootstrapFinished)
    await device.bootstrap(running.bootstrap_address)
    await finished
    first.cancel()
    assert running.bootstrap.active == frozenset()
    assert running.events.of(BootstrapFailed) == []


async def test_stop_abandons_running_bootstraps(
    slow_stack: tuple[Stack, SignallingClock], make_device: DeviceFactory
) -> None:
    running, clock = slow_stack
    device = await make_device("plain-meter")
    device.faults.add("PUT", "/0/1", Code.INTERNAL_SERVER_ERROR)
    attempt = asyncio.create_task(device.bootstrap(running.bootstrap_address))
    await clock.next_timer()
    await running.bootstrap.stop()
    assert running.bootstrap.active == frozenset()
    attempt.cancel()
    with pytest.raises(RuntimeError, match="not running"):
        _ = running.bootstrap.port


# --- many devices -------------------------------------------------------------------------


def many_rows(count: int, port: int) -> str:
    lines = ["endpoint id,lwm2m server url,securityMode"]
    lines += [f"fleet-{n:03d},coap://127.0.0.1:{port},NO_SEC" for n in range(count)]
    return "\n".join(lines) + "\n"


async def test_concurrent_bootstraps(stack: Stack, make_device: DeviceFactory) -> None:
    stack.load(many_rows(40, stack.server.port))
    names = [f"fleet-{n:03d}" for n in range(40)]
    devices = [await make_device(name) for name in names]
    finished = [
        stack.events.next(BootstrapFinished, lambda event, name=name: event.endpoint == name)
        for name in names
    ]
    loop = asyncio.get_running_loop()
    began = loop.time()
    # 40 bootstraps of a dozen writes each: a loaded 2-core machine took over the device's
    # default 30 s, so the deadline here is a hang guard only.
    await asyncio.gather(
        *(device.bootstrap(stack.bootstrap_address, timeout=120) for device in devices)
    )
    await asyncio.gather(*finished)
    elapsed = loop.time() - began
    assert all(device.instances(1)[0][0] == 1 for device in devices)
    logging.getLogger(__name__).info("40 concurrent bootstraps in %.3f s", elapsed)


@requires_tinydtls
async def test_concurrent_dtls_bootstraps(stack: Stack, make_device: DeviceFactory) -> None:
    devices = {name: await make_device(name) for name in KEYS}
    await asyncio.gather(
        *(
            device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk(name))
            for name, device in devices.items()
        )
    )
    for device in devices.values():
        await device.register_from_bootstrap()
    assert set(KEYS) <= set(stack.server.registrations)


# --- small parts --------------------------------------------------------------------------


async def test_listener_failure_does_not_stop_others(
    stack: Stack, make_device: DeviceFactory, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[LwM2MEvent] = []

    def broken(event: LwM2MEvent) -> None:
        raise RuntimeError("listener bug")

    remove = stack.bootstrap.add_listener(broken)
    stack.bootstrap.add_listener(seen.append)
    device = await make_device("plain-meter")
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.bootstrap_address)
    await finished
    remove()
    remove()
    assert any(isinstance(event, BootstrapFinished) for event in seen)
    assert "listener" in caplog.text


async def test_start_twice_is_refused(stack: Stack) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        await stack.bootstrap.start()


def test_port_before_start_is_an_error() -> None:
    server = BootstrapServer(CredentialStore(), REGISTRY)
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.port
    assert server.secure_port is None
    assert server.dtls_unavailable_reason is None


class FakeRemote:
    def __init__(self, hostinfo_local: str) -> None:
        self.hostinfo_local = hostinfo_local


@pytest.mark.parametrize(
    ("hostinfo", "secure", "uri"),
    [
        ("[::ffff:127.0.0.1]:5783", False, "coap://127.0.0.1:5783"),
        ("[::ffff:10.0.0.2]", False, "coap://10.0.0.2:5683"),
        ("[::1]:5000", True, "coaps://[::1]:5000"),
        ("192.0.2.1", True, "coaps://192.0.2.1:5684"),
        ("bs.example:7000", False, "coap://bs.example:7000"),
    ],
)
def test_local_uri(hostinfo: str, secure: bool, uri: str) -> None:
    assert _local_uri(FakeRemote(hostinfo), secure) == uri


async def test_plain_only_server_hides_its_resource(loopback: None) -> None:
    server = BootstrapServer(CredentialStore(), REGISTRY, host="127.0.0.1", port=0)
    await server.start()
    context = await open_context(None)
    try:
        assert server.secure_port is None
        message = aiocoap.Message(
            code=Code.GET, uri=f"coap://127.0.0.1:{server.port}/.well-known/core"
        )
        response = await context.request(message).response
        assert b"bs" not in bytes(response.payload)
    finally:
        await context.shutdown()
        await server.stop()
