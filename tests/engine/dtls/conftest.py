"""Fixtures for DTLS tests over real loopback sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiocoap
import pytest
from aiocoap import resource

from custom_components.lwm2m.engine.dtls import (
    DtlsEndpoint,
    DtlsSettings,
    create_dtls_context,
)

from .harness import KEYS

REPO_ROOT = Path(__file__).resolve().parents[3]
VECTORS = REPO_ROOT.parent / "shared" / "dtls-vectors"


def read_vector(name: str) -> bytes:
    path = VECTORS / name
    if not path.is_file():
        pytest.skip(f"DTLS ClientHello vector {name} not found in {VECTORS} (../shared is absent)")
    with path.open("rb") as vector:
        return vector.read()


class Hello(resource.Resource):
    async def render_get(self, request: aiocoap.Message) -> aiocoap.Message:
        return aiocoap.Message(payload=b"hello")


class Registrations(resource.Resource):
    """Like an LwM2M registration interface: remembers who registered."""

    def __init__(self) -> None:
        super().__init__()
        self.remotes: asyncio.Queue[Any] = asyncio.Queue()

    async def render_post(self, request: aiocoap.Message) -> aiocoap.Message:
        self.remotes.put_nowait(request.remote)
        return aiocoap.Message(code=aiocoap.CREATED, location_path=("rd", "1"))


@dataclass
class RunningServer:
    context: Any
    endpoint: DtlsEndpoint
    registrations: Registrations
    keys: dict[bytes, bytes] = field(default_factory=dict)
    stopped: bool = False

    async def shutdown(self) -> None:
        if not self.stopped:
            self.stopped = True
            await self.context.shutdown()

    @property
    def port(self) -> int:
        return self.endpoint.port


StartServer = Callable[..., Awaitable[RunningServer]]


@pytest.fixture
def expected_lingering_timers() -> bool:
    """aiocoap 0.4.17 keeps a timer per deduplicated incoming request (EXCHANGE_LIFETIME).

    Its context shutdown does not cancel them; they only pop a cache entry.
    """
    return True


@pytest.fixture
async def start_server(socket_enabled: None) -> AsyncIterator[StartServer]:
    """Start DTLS servers on ``host`` (127.0.0.1 by default) port 0; all are shut down after."""
    running: list[RunningServer] = []

    async def start(
        *,
        keys: dict[bytes, bytes] | None = None,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] | None = None,
        host: str = "127.0.0.1",
    ) -> RunningServer:
        site = resource.Site()
        site.add_resource(["x"], Hello())
        registrations = Registrations()
        site.add_resource(["rd"], registrations)
        keys = KEYS if keys is None else keys
        extra = {"clock": clock} if clock is not None else {}
        context, endpoint = await create_dtls_context(
            site,
            (host, 0),
            dict(keys).get,
            settings=settings,
            **extra,
        )
        server = RunningServer(context, endpoint, registrations, dict(keys))
        running.append(server)
        return server

    yield start
    for server in running:
        await server.shutdown()
