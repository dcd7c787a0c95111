"""The server's CoAP resources: /rd (Register), /rd/{id} (Update, De-register), /dp (Send)."""

from __future__ import annotations

from typing import Any, Protocol

import aiocoap
from aiocoap import resource
from aiocoap.numbers.codes import Code

from ..transport.udp import Transport


class RegistrationInterface(Protocol):
    """Where /rd and /rd/{id} hand their requests."""

    async def handle_register(
        self, transport: Transport, request: aiocoap.Message
    ) -> aiocoap.Message: ...

    async def handle_update(
        self, transport: Transport, request: aiocoap.Message, registration_id: str
    ) -> aiocoap.Message: ...

    async def handle_deregister(
        self, transport: Transport, request: aiocoap.Message, registration_id: str
    ) -> aiocoap.Message: ...


class SendInterface(Protocol):
    """Where /dp hands its requests."""

    async def handle_send(
        self, transport: Transport, request: aiocoap.Message
    ) -> aiocoap.Message: ...


class _Resource(resource.Resource):  # type: ignore[misc]
    def __init__(self, transport: Transport) -> None:
        super().__init__()
        self.transport = transport

    def get_link_description(self) -> Any:
        return None  # nothing to advertise in /.well-known/core


class _RegistrationResource(_Resource):
    def __init__(self, handler: RegistrationInterface, transport: Transport) -> None:
        super().__init__(transport)
        self.handler = handler


class _Registrations(_RegistrationResource):
    async def render_post(self, request: aiocoap.Message) -> aiocoap.Message:
        return await self.handler.handle_register(self.transport, request)


class _Registration(_RegistrationResource, resource.PathCapable):  # type: ignore[misc]
    """/rd/{id}: aiocoap hands a PathCapable resource the rest of the path."""

    def _registration_id(self, request: aiocoap.Message) -> str | None:
        path = request.opt.uri_path
        return path[0] if len(path) == 1 and path[0] else None

    async def render_post(self, request: aiocoap.Message) -> aiocoap.Message:
        registration_id = self._registration_id(request)
        if registration_id is None:
            return aiocoap.Message(code=Code.NOT_FOUND)
        return await self.handler.handle_update(self.transport, request, registration_id)

    async def render_delete(self, request: aiocoap.Message) -> aiocoap.Message:
        registration_id = self._registration_id(request)
        if registration_id is None:
            return aiocoap.Message(code=Code.NOT_FOUND)
        return await self.handler.handle_deregister(self.transport, request, registration_id)


class _Send(_Resource):
    def __init__(self, handler: SendInterface, transport: Transport) -> None:
        super().__init__(transport)
        self.handler = handler

    async def render_post(self, request: aiocoap.Message) -> aiocoap.Message:
        return await self.handler.handle_send(self.transport, request)


def build_site(
    registrations: RegistrationInterface, send: SendInterface, transport: Transport
) -> resource.Site:
    """The resource tree one transport serves; every transport gets the same handlers."""
    site = resource.Site()
    site.add_resource(["rd"], _Registrations(registrations, transport))
    site.add_resource(["rd"], _Registration(registrations, transport))
    site.add_resource(["dp"], _Send(send, transport))
    return site
