"""Registration interface over real loopback UDP: Register, Update, De-register."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    Deregistered,
    Expired,
    LwM2MServer,
    Path,
    Registered,
    Updated,
)
from custom_components.lwm2m.engine.clock import ManualClock

from .harness import (
    EventLog,
    make_server,
)
from .raw_peer import RawPeer


@pytest.fixture
async def peer(loopback: None) -> AsyncIterator[RawPeer]:
    device = await RawPeer().start()
    yield device
    await device.stop()


async def test_register_with_defaults(server: LwM2MServer, events: EventLog, peer: RawPeer) -> None:
    response = await peer.register(server.port, "ep=plain", b"</3/0>,</1/0>")
    assert response.code == Code.CREATED
    assert response.opt.location_path[0] == "rd"
    registration = server.registrations["plain"]
    assert registration.registration_id == response.opt.location_path[1]
    assert (registration.lifetime, registration.lwm2m_version, registration.binding) == (
        86400,
        "1.0",
        "U",
    )
    assert not registration.queue_mode
    assert registration.address == ("127.0.0.1", peer.port)
    assert set(registration.objects) == {Path.of(3, 0), Path.of(1, 0)}
    (event,) = events.of(Registered)
    assert event.registration is registration
    assert not event.replaced


async def test_parameters_in_any_order_and_link_variants(
    server: LwM2MServer, peer: RawPeer
) -> None:
    links = (
        b'</lwm2m>;rt="oma.lwm2m";ct="110 112 11542",</lwm2m/0/0>,</lwm2m/3/0>,'
        b'</lwm2m/3303>;ver="1.1",</lwm2m/3303/0>'
    )
    response = await peer.request(
        server.port,
        Code.POST,
        "/rd?b=U&lwm2m=1.1&Q&lt=300&sms=123&ep=ordered",
        payload=links,
    )
    assert response.code == Code.CREATED
    registration = server.registrations["ordered"]
    assert registration.root_path == "/lwm2m"
    assert registration.content_formats == (110, 112, 11542)
    assert registration.queue_mode
    assert registration.sms_number == "123"
    assert registration.lifetime == 300
    assert registration.object_version(3303) == "1.1"
    assert Path.of(0, 0) not in registration.objects
    assert registration.instances(3303) == [0]


async def test_lwm2m_1_0_queue_mode_from_binding(server: LwM2MServer, peer: RawPeer) -> None:
    await peer.register(server.port, "ep=old&b=UQ")
    assert server.registrations["old"].queue_mode


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("lt=60", b"missing endpoint name"),
        ("ep=x&Q=1", b"parameter Q takes no value"),
        ("ep=x&lt=abc", b"bad lifetime"),
        ("ep=x&lt=0", b"bad lifetime"),
        ("ep=x&lwm2m=9.9", b"unsupported LwM2M version"),
        ("ep=x&b=Z", b"bad binding"),
        ("ep=x&ep=y", b"repeated parameter ep"),
    ],
)
async def test_bad_registrations_answer_4_00_with_reason(
    server: LwM2MServer, peer: RawPeer, query: str, reason: bytes
) -> None:
    response = await peer.register(server.port, query)
    assert response.code == Code.BAD_REQUEST
    assert response.payload == reason
    assert not server.registrations


async def test_bad_link_format_is_4_00(server: LwM2MServer, peer: RawPeer) -> None:
    response = await peer.register(server.port, "ep=x", b"</3/0")
    assert response.code == Code.BAD_REQUEST


async def test_non_confirmable_register_is_refused(server: LwM2MServer, peer: RawPeer) -> None:
    import aiocoap

    message = aiocoap.Message(
        code=Code.POST,
        uri=f"coap://127.0.0.1:{server.port}/rd?ep=non",
        transport_tuning=aiocoap.Unreliable,
    )
    response = await peer.context.request(message).response
    assert response.code == Code.BAD_REQUEST
    assert "non" not in server.registrations


async def test_payload_without_content_format(server: LwM2MServer, peer: RawPeer) -> None:
    response = await peer.request(server.port, Code.POST, "/rd?ep=bare", payload=b"</3/0>")
    assert response.code == Code.CREATED
    assert Path.of(3, 0) in server.registrations["bare"].objects


async def test_update_changes_and_unknown_id(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    created = await peer.register(server.port, "ep=upd&lt=60")
    location = "/" + "/".join(created.opt.location_path)
    response = await peer.request(server.port, Code.POST, f"{location}?lt=120")
    assert response.code == Code.CHANGED
    (event,) = events.of(Updated)
    assert event.changed == frozenset({"lifetime"})
    assert server.registrations["upd"].lifetime == 120

    response = await peer.request(
        server.port, Code.POST, location, payload=b"</3/0>,</3303/0>", content_format=40
    )
    assert response.code == Code.CHANGED
    assert events.of(Updated)[-1].changed == frozenset({"objects"})

    unknown = await peer.request(server.port, Code.POST, "/rd/nope?lt=5")
    assert unknown.code == Code.NOT_FOUND
    bare = await peer.request(server.port, Code.POST, "/rd/")
    assert bare.code == Code.NOT_FOUND


async def test_deregister(server: LwM2MServer, events: EventLog, peer: RawPeer) -> None:
    created = await peer.register(server.port, "ep=bye")
    location = "/" + "/".join(created.opt.location_path)
    response = await peer.request(server.port, Code.DELETE, location)
    assert response.code == Code.DELETED
    assert "bye" not in server.registrations
    assert events.of(Deregistered)[0].endpoint == "bye"
    again = await peer.request(server.port, Code.DELETE, location)
    assert again.code == Code.NOT_FOUND


async def test_update_is_found_by_id_not_by_port(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    created = await peer.register(server.port, "ep=nat")
    location = "/" + "/".join(created.opt.location_path)
    other = await RawPeer().start()
    try:
        response = await other.request(server.port, Code.POST, location)
        assert response.code == Code.CHANGED
        registration = server.registrations["nat"]
        assert registration.address == ("127.0.0.1", other.port)
        assert "address" in events.of(Updated)[-1].changed
    finally:
        await other.stop()


async def test_re_registration_replaces(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    first = await peer.register(server.port, "ep=again")
    second = await peer.register(server.port, "ep=again")
    assert first.opt.location_path != second.opt.location_path
    registered = events.of(Registered)
    assert [event.replaced for event in registered] == [False, True]
    stale = await peer.request(server.port, Code.POST, "/" + "/".join(first.opt.location_path))
    assert stale.code == Code.NOT_FOUND


async def test_block1_registration_payload(server: LwM2MServer, peer: RawPeer) -> None:
    links = ",".join(f"</{3300 + i}/{j}>" for i in range(40) for j in range(5)).encode()
    assert len(links) > 1024
    response = await peer.register(server.port, "ep=big", links)
    assert response.code == Code.CREATED
    assert len(server.registrations["big"].objects) == 200


async def test_expiry_after_lifetime_plus_grace(loopback: None) -> None:
    clock = ManualClock()
    server = make_server(clock=clock, grace_period=30)
    await server.start()
    log = EventLog()
    server.add_listener(log)
    device = await RawPeer().start()
    try:
        created = await device.register(server.port, "ep=short&lt=60")
        clock.advance(89)
        assert "short" in server.registrations
        await device.request(server.port, Code.POST, "/" + "/".join(created.opt.location_path))
        clock.advance(89)
        assert "short" in server.registrations
        clock.advance(1.5)
        assert "short" not in server.registrations
        assert [event.endpoint for event in log.of(Expired)] == ["short"]
    finally:
        await device.stop()
        await server.stop()


@pytest.mark.interop
async def test_libcoap_client_registers(server: LwM2MServer, events: EventLog) -> None:
    client = shutil.which("coap-client-notls") or shutil.which("coap-client")
    if client is None:
        pytest.skip("libcoap's coap-client-notls is not installed (Debian: libcoap3-bin)")
    process = await asyncio.create_subprocess_exec(
        client,
        "-m",
        "post",
        "-t",
        "40",
        "-e",
        "</3/0>",
        f"coap://127.0.0.1:{server.port}/rd?ep=libcoap&lt=60",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    async with asyncio.timeout(20):
        await process.communicate()
    assert process.returncode == 0
    registration = server.registrations["libcoap"]
    assert registration.lifetime == 60
    assert Path.of(3, 0) in registration.objects


async def test_a_repeated_register_gets_the_same_answer_from_a_slim_cache(
    server: LwM2MServer, events: EventLog
) -> None:
    """A Register sent again (its ACK was lost) is answered again from aiocoap's
    duplicate cache, byte for byte, and registers once; the filed answer no longer holds
    the request it answered."""
    import socket

    import aiocoap

    loop = asyncio.get_running_loop()
    register_message = aiocoap.Message(
        code=Code.POST, _mtype=aiocoap.CON, _mid=0x0777, _token=b"\x01\x02", uri_path=("rd",),
        uri_query=("ep=twice", "lt=300", "lwm2m=1.1"), content_format=40, payload=b"</3/0>",
    )  # fmt: skip
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", server.port))
        answers = []
        for _ in range(2):
            await loop.sock_sendall(sock, register_message.encode())
            async with asyncio.timeout(5):
                answers.append(await loop.sock_recv(sock, 1500))
    assert answers[0] == answers[1]
    assert aiocoap.Message.decode(answers[0]).code == Code.CREATED
    assert len(events.of(Registered)) == 1
    filed = [
        message
        for interface in server._transports[0].context.request_interfaces
        for message in interface.token_interface._recent_messages.values()
        if message is not None
    ]
    assert filed
    assert all(getattr(message, "request", None) is None for message in filed)
