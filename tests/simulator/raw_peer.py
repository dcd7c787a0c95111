"""A bare CoAP peer on a UDP socket: exact control over tokens, message ids, ACK and RST."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import Type


def raw_message(
    code: Code,
    *,
    token: bytes = b"",
    mtype: Type | None = None,
    mid: int | None = None,
    **options: Any,
) -> Message:
    """A message with the token, type and id given (aiocoap normally picks them itself)."""
    message = Message(code=code, **options)
    message.token = token
    message.mtype = mtype
    message.mid = mid
    return message


class RawPeer(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.sources: list[tuple[str, int]] = []
        self._message_ids = itertools.count(0x100)

    @classmethod
    async def open(cls) -> RawPeer:
        loop = asyncio.get_running_loop()
        _, peer = await loop.create_datagram_endpoint(cls, local_addr=("127.0.0.1", 0))
        return peer

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.sources.append((addr[0], addr[1]))
        self.inbox.put_nowait(Message.decode(data))

    def close(self) -> None:
        assert self.transport is not None
        self.transport.close()

    def send(self, message: Message, to: tuple[str, int]) -> Message:
        if message.mid is None:
            message.mid = next(self._message_ids)
        if message.mtype is None:
            message.mtype = Type.CON
        assert self.transport is not None
        self.transport.sendto(message.encode(), to)
        return message

    async def receive(self, within: float = 5) -> Message:
        async with asyncio.timeout(within):
            return await self.inbox.get()

    def acknowledge(self, message: Message, to: tuple[str, int], *, reset: bool = False) -> None:
        answer = raw_message(Code.EMPTY, mtype=Type.RST if reset else Type.ACK, mid=message.mid)
        self.send(answer, to)

    async def probe(self, to: tuple[str, int], token: bytes = b"probe") -> Message:
        """A GET the device answers; returns the first message that comes back."""
        self.send(raw_message(Code.GET, uri_path=("3", "0", "0"), token=token), to)
        return await self.receive()
