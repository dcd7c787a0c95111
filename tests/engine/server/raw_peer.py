"""A bare aiocoap endpoint for server tests that need exact control of a device's bytes.

Tests give it a ``respond(request) -> Message`` function; it records every request.
(The behaviour of real devices lives in the project's simulator; this is only a socket.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiocoap
from aiocoap import resource
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine.transport.udp import bind_udp

Responder = Callable[[aiocoap.Message], aiocoap.Message | None]


class _AnyPath(resource.ObservableResource):
    def __init__(self, peer: RawPeer) -> None:
        super().__init__()
        self.peer = peer

    def update_observation_count(self, newcount: int) -> None:
        self.peer.observers = newcount
        self.peer.observers_changed.set()
        self.peer.observers_changed = asyncio.Event()

    async def render(self, request: aiocoap.Message) -> aiocoap.Message:
        self.peer.requests.append(request)
        self.peer.arrived.set()
        response = self.peer.respond(request)
        if response is None:
            await asyncio.Event().wait()  # never answer
        assert response is not None
        return response


class _PlainPath(resource.Resource):
    """Answers observe requests like any GET: without observing."""

    def __init__(self, peer: RawPeer) -> None:
        super().__init__()
        self.peer = peer

    render = _AnyPath.render


def not_found(request: aiocoap.Message) -> aiocoap.Message:
    return aiocoap.Message(code=Code.NOT_FOUND)


class RawPeer:
    def __init__(self, respond: Responder = not_found, *, observable: bool = True) -> None:
        self.respond = respond
        self.observable = observable
        self.requests: list[aiocoap.Message] = []
        self.arrived = asyncio.Event()
        self.observers = 0
        self.observers_changed = asyncio.Event()
        self.context: Any = None
        self._site: Any = None

    async def start(self) -> RawPeer:
        self._site = _AnyPath(self) if self.observable else _PlainPath(self)
        # bound like the server binds (no SO_REUSEPORT): with that option, sockets bound
        # to port 0 can be handed the same port and the kernel splits their traffic
        self.context = await bind_udp("127.0.0.1", 0, self._site)
        return self

    @property
    def port(self) -> int:
        interface = self.context.request_interfaces[0].token_interface.message_interface
        return int(interface._local_port())

    async def request(self, server_port: int, code: Code, path: str, **options: Any) -> Any:
        message = aiocoap.Message(code=code, uri=f"coap://127.0.0.1:{server_port}{path}", **options)
        return await self.context.request(message).response

    async def register(self, server_port: int, query: str, links: bytes = b"</3/0>") -> Any:
        return await self.request(
            server_port, Code.POST, f"/rd?{query}", payload=links, content_format=40
        )

    def notify(self) -> None:
        """Send every observer a notification (rendered by ``respond``)."""
        assert self._site is not None
        self._site.updated_state()

    async def observer_count(self, wanted: int) -> None:
        while self.observers != wanted:
            await self.observers_changed.wait()

    async def stop(self) -> None:
        await self.context.shutdown()
