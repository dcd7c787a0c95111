"""Observe over loopback UDP: notifications in order, both cancel styles, re-observation."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiocoap
import pytest
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import NON, RST

from custom_components.lwm2m.engine import ContentFormat, LwM2MServer, NotificationReceived, Path
from custom_components.lwm2m.engine.codec import decode_paths, encode

from .device_stub import answer_reads, register
from .harness import (
    REGISTRY,
    EventLog,
)
from .raw_peer import RawPeer

TEMPERATURE = Path.of(3303, 0, 5700)


@pytest.fixture
def state() -> dict[Path, float]:
    return {TEMPERATURE: 20.0, Path.of(3303, 0, 5701): "Cel"}


@pytest.fixture
async def peer(server: LwM2MServer, state: dict[Path, float]) -> AsyncIterator[RawPeer]:
    device = await RawPeer(answer_reads(state, ContentFormat.SENML_CBOR)).start()
    await register(device, server.port, "obs")
    yield device
    await device.stop()


async def test_hundred_notifications_in_order(
    server: LwM2MServer, events: EventLog, peer: RawPeer, state: dict[Path, float]
) -> None:
    first = events.next(NotificationReceived)
    observation = await server.observe("obs", TEMPERATURE)
    assert observation.initial == {TEMPERATURE: 20.0}
    assert (await first).values == {TEMPERATURE: 20.0}
    for step in range(1, 101):
        state[TEMPERATURE] = 20.0 + step
        arrived = events.next(NotificationReceived)
        peer.notify()
        event = await arrived
        assert event.values == {TEMPERATURE: 20.0 + step}
        assert event.path == TEMPERATURE
    notifications = events.of(NotificationReceived)
    sequences = [event.observe_sequence for event in notifications]
    assert len(notifications) == 101
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 101


async def test_passive_cancel_answers_the_next_notification_with_rst(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    observation = await server.observe("obs", TEMPERATURE)
    await peer.observer_count(1)
    await observation.cancel()
    peer.notify()
    await peer.observer_count(0)  # the RST ended the device's observation
    assert len(events.of(NotificationReceived)) == 1


async def test_a_non_notification_nobody_observes_gets_rst(server: LwM2MServer) -> None:
    """Devices that notify with NON (Wakaama) learn of a passive cancel only from an RST."""
    notification = aiocoap.Message(
        code=Code.CONTENT, _mtype=NON, _mid=0x2345, _token=b"\x0f\xee", observe=7, payload=b"1"
    )
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", server.port))
        await loop.sock_sendall(sock, notification.encode())
        async with asyncio.timeout(5):
            answer = aiocoap.Message.decode(await loop.sock_recv(sock, 1500))
    assert answer.mtype is RST
    assert answer.mid == 0x2345


async def test_active_cancel_reuses_the_token(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    observation = await server.observe("obs", TEMPERATURE)
    observe_request = peer.requests[-1]
    await server.cancel_observation("obs", TEMPERATURE, active=True)
    cancel_request = peer.requests[-1]
    assert cancel_request.opt.observe == 1
    assert cancel_request.token == observe_request.token == observation.token
    assert cancel_request.opt.uri_path == ("3303", "0", "5700")
    await peer.observer_count(0)
    peer.notify()  # no observer left: nothing is sent
    assert len(events.of(NotificationReceived)) == 1


async def test_re_registration_observes_again(
    server: LwM2MServer, events: EventLog, peer: RawPeer, state: dict[Path, float]
) -> None:
    await server.observe("obs", TEMPERATURE)
    again = events.next(NotificationReceived)
    await register(peer, server.port, "obs")
    assert (await again).values == {TEMPERATURE: 20.0}
    state[TEMPERATURE] = 30.0
    later = events.next(NotificationReceived)
    peer.notify()
    assert (await later).values == {TEMPERATURE: 30.0}


async def test_update_from_new_port_observes_again(
    server: LwM2MServer, events: EventLog, peer: RawPeer, state: dict[Path, float]
) -> None:
    await server.observe("obs", TEMPERATURE)
    location = await register(peer, server.port, "obs")
    moved = await RawPeer(answer_reads(state, ContentFormat.SENML_CBOR)).start()
    try:
        again = events.next(NotificationReceived)
        response = await moved.request(server.port, Code.POST, location)
        assert response.code == Code.CHANGED
        await again
        assert server.registrations["obs"].address[1] == moved.port
        state[TEMPERATURE] = 42.0
        later = events.next(NotificationReceived)
        moved.notify()
        assert (await later).values == {TEMPERATURE: 42.0}
    finally:
        await moved.stop()


async def test_observe_composite(server: LwM2MServer, events: EventLog, peer: RawPeer) -> None:
    values = {TEMPERATURE: 20.0, Path.of(3303, 0, 5701): "Cel"}

    def respond(request: aiocoap.Message) -> aiocoap.Message:
        paths = decode_paths(request.opt.content_format, request.payload)
        selected = {k: v for k, v in values.items() if any(k.startswith(p) for p in paths)}
        fmt = request.opt.accept
        return aiocoap.Message(
            code=Code.CONTENT, payload=encode(fmt, Path(), selected, REGISTRY), content_format=fmt
        )

    peer.respond = respond
    observation = await server.observe_composite("obs", [TEMPERATURE, Path.of(3303, 0, 5701)])
    assert observation.initial == values
    assert peer.requests[-1].code == Code.FETCH
    values[TEMPERATURE] = 25.5
    arrived = events.next(NotificationReceived, lambda event: event.path == Path())
    peer.notify()
    assert (await arrived).values[TEMPERATURE] == 25.5
    await server.cancel_composite_observation(
        "obs", [TEMPERATURE, Path.of(3303, 0, 5701)], active=True
    )
    await peer.observer_count(0)


async def _receive(sock: socket.socket) -> aiocoap.Message:
    async with asyncio.timeout(5):
        return aiocoap.Message.decode(await asyncio.get_running_loop().sock_recv(sock, 1500))


async def _observed_over_a_raw_socket(
    server: LwM2MServer, sock: socket.socket, endpoint: str
) -> bytes:
    """Registers ``endpoint`` from ``sock``, answers the server until it observes the
    temperature (Observe 1, text/plain 20); the observation's token."""
    loop = asyncio.get_running_loop()
    register_message = aiocoap.Message(
        code=Code.POST, _mtype=aiocoap.CON, _mid=1, _token=b"\x01", uri_path=("rd",),
        uri_query=(f"ep={endpoint}", "lt=300", "lwm2m=1.1"), content_format=40,
        payload=b"</3303/0/5700>",
    )  # fmt: skip
    await loop.sock_sendall(sock, register_message.encode())
    assert (await _receive(sock)).code == Code.CREATED
    observing = asyncio.ensure_future(server.observe(endpoint, TEMPERATURE))
    token = b""
    while not token:
        message = await _receive(sock)
        if not message.code.is_request():
            continue
        answer = aiocoap.Message(
            code=Code.CONTENT, _mtype=aiocoap.ACK, _mid=message.mid, _token=message.token,
            content_format=0, payload=b"20",
        )  # fmt: skip
        if message.opt.observe == 0:
            answer.opt.observe = 1
            token = message.token
        await loop.sock_sendall(sock, answer.encode())
    await observing
    return token


async def test_a_confirmable_notification_gets_a_four_byte_empty_ack(
    server: LwM2MServer, events: EventLog
) -> None:
    """The notification's ACK goes straight onto the wire: exactly RFC 7252's empty ACK
    (version 1, type ACK, no token, code 0.00) with the notification's message ID; one
    that no observation waits for still gets RST."""
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", server.port))

        async def receive() -> aiocoap.Message:
            return await _receive(sock)

        token = await _observed_over_a_raw_socket(server, sock, "acked")

        notification = aiocoap.Message(
            code=Code.CONTENT, _mtype=aiocoap.CON, _mid=0x4321, _token=token, observe=2,
            content_format=0, payload=b"21.5",
        )  # fmt: skip
        notified = events.next(NotificationReceived)
        await loop.sock_sendall(sock, notification.encode())
        async with asyncio.timeout(5):
            acknowledgement = await loop.sock_recv(sock, 1500)
            while aiocoap.Message.decode(acknowledgement).code.is_request():
                acknowledgement = await loop.sock_recv(sock, 1500)
        assert acknowledgement == bytes((0x60, 0x00, 0x43, 0x21))
        assert (await notified).values == {TEMPERATURE: 21.5}

        stranger = aiocoap.Message(
            code=Code.CONTENT, _mtype=aiocoap.CON, _mid=0x4322, _token=b"\x0e", observe=3,
            payload=b"1",
        )  # fmt: skip
        await loop.sock_sendall(sock, stranger.encode())
        answer = await receive()
        assert (answer.mtype, answer.mid) == (RST, 0x4322)


async def test_stale_notifications_are_dropped_whichever_way_they_arrive(
    server: LwM2MServer, events: EventLog
) -> None:
    """A plain notification skips aiocoap's layers; one with another option (an ETag)
    takes them. Either way an older Observe number than the freshest seen is dropped
    (RFC 7641 section 3.4) and a confirmable one is still acknowledged; a NON one is not."""
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", server.port))
        token = await _observed_over_a_raw_socket(server, sock, "ordered")

        async def notify(mid: int, observe: int, kind: aiocoap.Type, **options: object) -> None:
            notification = aiocoap.Message(
                code=Code.CONTENT, _mtype=kind, _mid=mid, _token=token, observe=observe,
                content_format=0, payload=b"%d.5" % observe, **options,
            )  # fmt: skip
            await loop.sock_sendall(sock, notification.encode())
            if kind is aiocoap.CON:
                acknowledgement = await _receive(sock)
                assert (acknowledgement.mtype, acknowledgement.mid) == (aiocoap.ACK, mid)

        last = events.next(NotificationReceived)
        await notify(0x100, 5, aiocoap.CON)
        assert (await last).observe_sequence == 5
        await notify(0x101, 4, aiocoap.CON)  # older than 5: dropped
        await notify(0x102, 3, aiocoap.CON, etag=b"\x01")  # older, through aiocoap: dropped
        last = events.next(NotificationReceived)
        await notify(0x103, 7, aiocoap.CON, etag=b"\x02")  # through aiocoap
        assert (await last).observe_sequence == 7
        await notify(0x104, 6, aiocoap.CON)  # older than aiocoap's 7: dropped
        last = events.next(NotificationReceived)
        await notify(0x105, 8, aiocoap.NON)
        assert (await last).values == {TEMPERATURE: 8.5}
        last = events.next(NotificationReceived)
        await notify(0x106, 9, aiocoap.CON)
        assert (await last).observe_sequence == 9
        sequences = [event.observe_sequence for event in events.of(NotificationReceived)]
        assert sequences == [1, 5, 7, 8, 9]
