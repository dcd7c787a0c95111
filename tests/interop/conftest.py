"""Fixtures of the interoperability tests: the built peers, Wakaama clients, a server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from custom_components.lwm2m.engine import LwM2MServer
from tests.engine.server.harness import EventLog, expected_lingering_timers, loopback
from tests.peers import Peers

from .wakaama import Psk, WakaamaClient
from .wakaama_session import (
    TRANSPORTS,
    StartWakaama,
    WakaamaSession,
    register_wakaama,
    start_server,
)

__all__ = ["expected_lingering_timers", "loopback"]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def start_wakaama(peers: Peers, loopback: None) -> AsyncIterator[StartWakaama]:
    """Start Wakaama clients (``psk`` picks the tinydtls build); all end with the test."""
    clients: list[WakaamaClient] = []

    async def start(
        endpoint: str, server: tuple[str, int], *, psk: Psk | None = None, **options: Any
    ) -> WakaamaClient:
        binary = peers.wakaama_dtls if psk is not None else peers.wakaama_udp
        client = WakaamaClient(
            binary,
            endpoint=endpoint,
            server=server,
            local_port=free_udp_port(),
            psk=psk,
            **options,
        )
        clients.append(client)
        await client.start()
        return client

    yield start
    for client in clients:
        await client.stop()


@pytest.fixture
async def interop_server(loopback: None) -> AsyncIterator[LwM2MServer]:
    server = await start_server()
    yield server
    await server.stop()


@pytest.fixture(params=TRANSPORTS)
async def session(
    request: pytest.FixtureRequest, interop_server: LwM2MServer, start_wakaama: StartWakaama
) -> WakaamaSession:
    """A registered Wakaama client: plain UDP, then DTLS-PSK (tinydtls)."""
    events = EventLog()
    interop_server.add_listener(events)
    return await register_wakaama(interop_server, events, start_wakaama, request.param)
