"""Idle eviction and handshake timeouts through the real transports, with an injected clock."""

from __future__ import annotations

import aiocoap
import pytest

from custom_components.lwm2m.engine.dtls import DtlsSettings

from .client import (
    PskClient,
    UdpPeer,
    build_client_hello,
    handshake_over_udp,
    hello_verify_cookie,
    insert_cookie,
)
from .conftest import RunningServer, StartServer
from .harness import KEYS, FakeClock

SETTINGS = DtlsSettings(idle_timeout=300, handshake_timeout=30)
SHORT_KEYS = {b"dev-a": KEYS[b"dev-a"]}


def run_timers(server: RunningServer) -> None:
    """What the event loop timer would do once the (fake) deadline passed."""
    server.endpoint.driver.poll()  # type: ignore[attr-defined]


async def test_idle_session_is_evicted(start_server: StartServer) -> None:
    clock = FakeClock()
    server = await start_server(keys=SHORT_KEYS, settings=SETTINGS, clock=clock)
    peer = await UdpPeer.connect(server.port)
    client = PskClient(b"dev-a", KEYS[b"dev-a"], build_client_hello(renegotiation_scsv=True))
    await handshake_over_udp(peer, client)
    remote = server.endpoint.remote_for_identity(b"dev-a")
    assert remote is not None
    clock.advance(299)
    run_timers(server)
    assert server.endpoint.stats().sessions == 1
    clock.advance(2)
    run_timers(server)
    stats = server.endpoint.stats()
    assert stats.sessions == 0
    assert stats.evictions == 1
    client.receive(await peer.receive())  # close_notify on the way out
    assert any(payload == b"\x01\x00" for _, payload in client.received)
    peer.close()
    request = aiocoap.Message(code=aiocoap.GET, uri_path=("3", "0"))
    request.remote = remote
    with pytest.raises(aiocoap.error.NetworkError):
        await server.context.request(request).response


async def test_abandoned_handshake_times_out(start_server: StartServer) -> None:
    clock = FakeClock()
    server = await start_server(keys=SHORT_KEYS, settings=SETTINGS, clock=clock)
    peer = await UdpPeer.connect(server.port)
    hello = build_client_hello(renegotiation_scsv=True)
    peer.send(hello)
    cookie = hello_verify_cookie(await peer.receive())
    assert cookie is not None
    peer.send(insert_cookie(hello, cookie))
    await peer.receive()  # ServerHello flight; the client then goes silent
    peer.close()
    assert server.endpoint.stats().handshakes_in_progress == 1
    clock.advance(31)
    run_timers(server)
    stats = server.endpoint.stats()
    assert stats.handshakes_in_progress == 0
    assert stats.evictions == 1
