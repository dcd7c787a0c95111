"""An LwM2M device at CoAP level over the test DTLS client, with a Connection ID.

It registers, updates, answers the server's requests, and can be "rebound": its UDP
socket is replaced by one with a new source port while the DTLS session goes on, as
after a carrier NAT rebinding.
"""

from __future__ import annotations

import asyncio
import itertools
import os

import aiocoap
from aiocoap.message import Message
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import Type

from custom_components.lwm2m.engine.dtls.records import ContentType

from .client import PskClient, UdpPeer, build_client_hello, handshake_over_udp

CLOSE_NOTIFY = b"\x01\x00"
ANSWER_WAIT = 10.0


class DtlsLwM2MDevice:
    def __init__(
        self, server_port: int, identity: bytes, key: bytes, connection_id: bytes | None = b""
    ) -> None:
        self._server_port = server_port
        hello = build_client_hello(connection_id=connection_id)
        self.client = PskClient(identity, key, hello, connection_id=connection_id)
        self._peer: UdpPeer | None = None
        self._reader: asyncio.Task[None] | None = None
        self._mids = itertools.count(0x100)
        self._waiting: dict[bytes, asyncio.Future[Message]] = {}
        self.requests: asyncio.Queue[Message] = asyncio.Queue()
        self.closed = asyncio.Event()  # the server sent close_notify

    async def connect(self) -> DtlsLwM2MDevice:
        self._peer = await UdpPeer.connect(self._server_port)
        await handshake_over_udp(self._peer, self.client)
        self._reader = asyncio.get_running_loop().create_task(self._read(self._peer))
        return self

    @property
    def address(self) -> tuple[str, int]:
        assert self._peer is not None
        return self._peer.address

    async def rebind(self) -> None:
        """Go on from a new source port; the old socket is closed."""
        old, reader = self._peer, self._reader
        self._peer = await UdpPeer.connect(self._server_port)
        self._reader = asyncio.get_running_loop().create_task(self._read(self._peer))
        if reader is not None:
            reader.cancel()
        if old is not None:
            old.close()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._peer is not None:
            self._peer.close()

    # requests from the device

    async def request(
        self,
        code: Code,
        path: tuple[str, ...],
        query: tuple[str, ...] = (),
        payload: bytes = b"",
        content_format: int | None = None,
    ) -> Message:
        message = Message(
            code=code,
            uri_path=path,
            uri_query=query,
            payload=payload,
            content_format=content_format,
        )
        message.mtype = Type.CON
        message.mid = next(self._mids)
        message.token = os.urandom(4)
        answer: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._waiting[message.token] = answer
        self._send(message)
        async with asyncio.timeout(ANSWER_WAIT):
            return await answer

    async def register(self, endpoint: str, lifetime: int = 300) -> Message:
        return await self.request(
            aiocoap.POST,
            ("rd",),
            (f"ep={endpoint}", f"lt={lifetime}", "lwm2m=1.1", "b=U"),
            b"</1/0>,</3/0>",
            content_format=40,
        )

    async def update(self, location: tuple[str, ...]) -> Message:
        return await self.request(aiocoap.POST, location)

    async def ping(self) -> Message:
        """An empty confirmable message; a CoAP endpoint answers with a Reset."""
        message = Message(code=Code.EMPTY)
        message.mtype = Type.CON
        message.mid = next(self._mids)
        answer: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._waiting[b"mid:%d" % message.mid] = answer
        self._send(message)
        async with asyncio.timeout(ANSWER_WAIT):
            return await answer

    # requests from the server

    async def next_request(self) -> Message:
        async with asyncio.timeout(ANSWER_WAIT):
            return await self.requests.get()

    def respond(self, request: Message, code: Code, payload: bytes = b"", **options: int) -> None:
        answer = Message(code=code, payload=payload, **options)
        answer.mtype = Type.ACK
        answer.mid = request.mid
        answer.token = request.token
        self._send(answer)

    # the wire

    def _send(self, message: Message) -> None:
        assert self._peer is not None
        self._peer.send(self.client.application_data(message.encode()))

    async def _read(self, peer: UdpPeer) -> None:
        while True:
            datagram = await peer.receive(wait=3600)
            self.client.receive(datagram)
            received, self.client.received = self.client.received, []
            for content_type, plaintext in received:
                if content_type == ContentType.ALERT and plaintext == CLOSE_NOTIFY:
                    self.closed.set()
                elif content_type == ContentType.APPLICATION_DATA:
                    self._dispatch(Message.decode(plaintext))

    def _dispatch(self, message: Message) -> None:
        if message.code.is_request():
            self.requests.put_nowait(message)
            return
        key = b"mid:%d" % message.mid if message.mtype is Type.RST else message.token
        waiting = self._waiting.pop(key, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(message)
