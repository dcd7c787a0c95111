"""Less travelled paths of the server, over loopback UDP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import aiocoap
import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    ContentFormat,
    InvalidResponseError,
    LwM2MError,
    LwM2MServer,
    NotificationReceived,
    Path,
    RequestFailedError,
    Updated,
)
from custom_components.lwm2m.engine.clock import ManualClock
from custom_components.lwm2m.engine.transport.udp import (
    abandon_exchange,
    bound_port,
    peer_address,
    peer_identity,
)

from .device_stub import DEVICE_VALUES, answer_reads, register
from .harness import (
    EventLog,
    make_server,
)
from .raw_peer import RawPeer

TEMPERATURE = Path.of(3303, 0, 5700)


@pytest.fixture
async def peer(server: LwM2MServer) -> AsyncIterator[RawPeer]:
    device = await RawPeer(answer_reads(dict(DEVICE_VALUES))).start()
    await register(device, server.port, "edge")
    yield device
    await device.stop()


def answer(code: Code, **options: Any) -> Any:
    return lambda request: aiocoap.Message(code=code, **options)


async def test_operation_argument_errors(server: LwM2MServer, peer: RawPeer) -> None:
    with pytest.raises(ValueError, match="cannot write"):
        await server.write("edge", Path.of(3), {Path.of(3, 0, 1): "x"})
    with pytest.raises(ValueError, match="give"):
        await server.write("edge", Path.of(3, 0), "x")
    with pytest.raises(ValueError, match="cannot create"):
        await server.create("edge", Path.of(3303, 0, 1), {})


async def test_create_answers(server: LwM2MServer, peer: RawPeer) -> None:
    peer.respond = answer(Code.CREATED, location_path=("x",))
    with pytest.raises(InvalidResponseError):
        await server.create("edge", Path.of(3303), {Path.of(3303, 1, 5700): 1.0})
    peer.respond = answer(Code.CREATED)
    assert await server.create("edge", Path.of(3303, 5), {Path.of(3303, 5, 5700): 1.0}) == Path.of(
        3303, 5
    )
    with pytest.raises(InvalidResponseError):
        await server.create(
            "edge", Path.of(3303), {Path.of(3303, 1, 5700): 1.0, Path.of(3303, 2, 5700): 2.0}
        )


async def test_discover_with_bad_links(server: LwM2MServer, peer: RawPeer) -> None:
    peer.respond = answer(Code.CONTENT, payload=b"<3", content_format=40)
    with pytest.raises(InvalidResponseError):
        await server.discover("edge", Path.of(3))


async def test_observe_of_something_not_observable(server: LwM2MServer) -> None:
    device = await RawPeer(
        answer(Code.CONTENT, payload=b"21.5", content_format=ContentFormat.TEXT),
        observable=False,
    ).start()
    try:
        await register(device, server.port, "plain")
        observation = await server.observe("plain", TEMPERATURE, accept=0)
    finally:
        await device.stop()
    assert observation.initial == {TEMPERATURE: 21.5}
    assert observation.token == b""
    assert observation.path == TEMPERATURE
    assert observation.paths == (TEMPERATURE,)
    assert "plain" in repr(observation)


async def test_notification_errors_and_garbage(
    server: LwM2MServer, events: EventLog, peer: RawPeer, caplog: pytest.LogCaptureFixture
) -> None:
    values = {TEMPERATURE: 20.0}
    peer.respond = answer_reads(values, ContentFormat.SENML_JSON)
    await server.observe("edge", TEMPERATURE)
    peer.respond = answer(Code.CONTENT, payload=b"{bad", content_format=ContentFormat.SENML_JSON)
    peer.arrived.clear()
    peer.notify()
    await peer.arrived.wait()  # rendered (and sent) with the garbage responder
    peer.respond = answer_reads(values, ContentFormat.SENML_JSON)
    values[TEMPERATURE] = 3.0
    arrived = events.next(NotificationReceived)
    peer.notify()
    assert (await arrived).values == {TEMPERATURE: 3.0}
    assert "undecodable notification" in caplog.text
    peer.respond = answer(Code.NOT_FOUND)
    peer.notify()
    await peer.observer_count(0)


async def test_active_cancel_without_answer_and_of_unknown(loopback: None) -> None:
    quick = make_server(request_timeout=0.3)
    await quick.start()
    values = {TEMPERATURE: 1.0}
    device = await RawPeer(answer_reads(values)).start()
    try:
        await register(device, quick.port, "mute")
        await quick.observe("mute", TEMPERATURE)
        device.respond = lambda request: None
        await quick.cancel_observation("mute", TEMPERATURE, active=True)
        await quick.cancel_observation("mute", TEMPERATURE, active=True)  # nothing left
        await quick.cancel_composite_observation("mute", [TEMPERATURE])
    finally:
        await device.stop()
        await quick.stop()


async def test_attributes_are_restored_on_re_registration(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    values = {TEMPERATURE: 20.0}
    reads = answer_reads(values)

    def respond(request: aiocoap.Message) -> aiocoap.Message:
        if request.code == Code.PUT:
            return aiocoap.Message(code=Code.CHANGED)
        return reads(request)

    peer.respond = respond
    await server.write_attributes("edge", TEMPERATURE, pmin=1, pmax=5)
    await server.write_attributes("edge", Path.of(3303, 0), pmin=2)
    await server.write_attributes("edge", Path.of(3303, 0), pmin=None)
    await server.observe("edge", TEMPERATURE)
    restored = events.next(NotificationReceived)
    await register(peer, server.port, "edge")
    await restored
    puts = [request for request in peer.requests if request.code == Code.PUT]
    assert puts[-1].opt.uri_query == ("pmin=1", "pmax=5")
    assert puts[-1].opt.uri_path == ("3303", "0", "5700")


async def test_failed_restore_is_logged(
    server: LwM2MServer, peer: RawPeer, caplog: pytest.LogCaptureFixture
) -> None:
    values = {TEMPERATURE: 20.0}
    peer.respond = answer_reads(values)
    await server.observe("edge", TEMPERATURE)
    peer.respond = answer(Code.NOT_FOUND)
    seen = len(peer.requests)
    await register(peer, server.port, "edge")
    async with asyncio.timeout(5):
        while "could not restore" not in caplog.text:  # noqa: ASYNC110 - a log line, no event
            await asyncio.sleep(0)
    assert len(peer.requests) > seen


async def test_update_changes_everything(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    location = await register(peer, server.port, "edge")
    links = b'</dm>;rt="oma.lwm2m";ct=112,</dm/3/0>'
    changed = events.next(Updated)
    response = await peer.request(
        server.port, Code.POST, f"{location}?b=UQ&sms=99", payload=links, content_format=40
    )
    assert response.code == Code.CHANGED
    assert (await changed).changed == frozenset(
        {"binding", "queue_mode", "sms_number", "objects", "root_path", "content_formats"}
    )
    bad = await peer.request(server.port, Code.POST, f"{location}?lt=x")
    assert bad.code == Code.BAD_REQUEST
    non = aiocoap.Message(
        code=Code.POST,
        uri=f"coap://127.0.0.1:{server.port}{location}",
        transport_tuning=aiocoap.Unreliable,
    )
    assert (await peer.context.request(non).response).code == Code.BAD_REQUEST
    unknown = await peer.request(server.port, Code.DELETE, "/rd/")
    assert unknown.code == Code.NOT_FOUND


async def test_queued_failures_reach_the_caller(
    loopback: None, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock()
    queued = make_server(clock=clock)
    await queued.start()
    device = await RawPeer(answer(Code.NOT_FOUND)).start()
    try:
        await register(device, queued.port, "q", "Q")
        with pytest.raises(RequestFailedError):
            await queued.read("q", Path.of(3, 0))
        clock.advance(100)
        queued.import_queue({"q": [{"operation": "delete", "path": "/3303/0"}]})
        waiting = asyncio.ensure_future(queued.read("q", Path.of(3, 0)))
        await asyncio.sleep(0)
    finally:
        await device.stop()
        await queued.stop()
    with pytest.raises(LwM2MError):
        await waiting


async def test_fire_and_forget_failure_is_logged(
    loopback: None, caplog: pytest.LogCaptureFixture
) -> None:
    queued = make_server()
    await queued.start()
    device = await RawPeer(answer(Code.NOT_FOUND)).start()
    try:
        await register(device, queued.port, "q", "Q")
        arrived = device.arrived
        arrived.clear()
        queued.import_queue({"q": [{"operation": "delete", "path": "/3303/0"}]})
        await arrived.wait()
        async with asyncio.timeout(5):
            while "queued delete" not in caplog.text:  # noqa: ASYNC110 - a log line, no event
                await asyncio.sleep(0)
    finally:
        await device.stop()
        await queued.stop()


def test_transport_helpers() -> None:
    class Hostinfo:
        hostinfo = "example.org:5684"
        psk_identity = "who"

    class Bytes:
        sockaddr = ("fe80::1%lo", 5683, 0, 1)
        psk_identity = bytearray(b"id")

    class Weird:
        sockaddr = ("not-an-address", 1, 0, 0)

    assert peer_address(Hostinfo()) == ("example.org", 5684)
    assert peer_identity(Hostinfo()) == b"who"
    assert peer_address(Bytes()) == ("fe80::1%lo", 5683)
    assert peer_identity(Bytes()) == b"id"
    assert peer_address(Weird()) == ("not-an-address", 1)
    assert peer_identity(Weird()) is None

    class Bare:
        request_interfaces: ClassVar[list[Any]] = []

    with pytest.raises(RuntimeError):
        bound_port(Bare())
    message = aiocoap.Message(code=Code.GET)
    abandon_exchange(Bare(), message)
    message.mid = 1
    message.remote = object()
    abandon_exchange(Bare(), message)


async def test_stop_fails_waiting_callers(loopback: None) -> None:
    clock = ManualClock()
    queued = make_server(clock=clock)
    await queued.start()
    device = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    try:
        await register(device, queued.port, "q", "Q")
        clock.advance(100)
        waiting = asyncio.ensure_future(queued.read("q", Path.of(3, 0)))
        await asyncio.sleep(0)
    finally:
        await queued.stop()
        await device.stop()
    with pytest.raises(LwM2MError, match="stopped"):
        await waiting
    logging.getLogger(__name__).debug("stopped")
