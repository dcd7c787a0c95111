"""Junk floods leave the tables bounded, and real clients still get through."""

from __future__ import annotations

import asyncio

from custom_components.lwm2m.engine.dtls import DtlsSettings

from .client import PskClient, UdpPeer, handshake_over_udp
from .coap import decode, get
from .conftest import RunningServer, StartServer
from .flood import flood
from .harness import KEYS

MAX_HANDSHAKES = 64
MAX_SESSIONS = 32


FLOOD_HOSTS = ("127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13")
DEVICE_HOST = "127.0.0.2"


async def legitimate_get(server: RunningServer, local_host: str | None = None) -> bytes:
    peer = await UdpPeer.connect(server.port, local_host=local_host)
    try:
        client = PskClient(b"dev-a", KEYS[b"dev-a"])
        await handshake_over_udp(peer, client, wait=20)
        for _ in range(20):
            peer.send(client.application_data(get("x")))
            try:
                client.receive(await peer.receive(1.0))
            except TimeoutError:
                continue
            if answers := client.take_application_data():
                return bytes(decode(answers[0]).payload)
        raise AssertionError("no CoAP answer")
    finally:
        peer.close()


async def test_flood_keeps_tables_bounded_and_clients_connect(start_server: StartServer) -> None:
    server = await start_server(
        settings=DtlsSettings(max_handshakes=MAX_HANDSHAKES, max_sessions=MAX_SESSIONS)
    )
    flooding = asyncio.create_task(
        asyncio.to_thread(flood, server.port, 20_000, 5_000, hosts=FLOOD_HOSTS)
    )
    await asyncio.sleep(0.3)
    # A device on another address than the flood's gets through, during it and after.
    assert await legitimate_get(server, local_host=DEVICE_HOST) == b"hello"
    sent = await flooding
    assert sent >= 20_000
    assert await legitimate_get(server, local_host=DEVICE_HOST) == b"hello"
    stats = server.endpoint.stats()
    assert stats.peak_handshakes <= MAX_HANDSHAKES
    assert stats.peak_sessions <= MAX_SESSIONS
    assert stats.handshakes_in_progress <= MAX_HANDSHAKES
    assert stats.peak_handshakes == MAX_HANDSHAKES  # the cookie-completing part did fill it
    assert stats.handshakes_completed == 2
    assert stats.counters["handshakes_ended:table_full"] > 0
