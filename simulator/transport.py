"""One UDP socket per device, driven by one aiocoap context.

The same socket registers with the server and answers its requests. Two things aiocoap
does not offer are added here, each touching aiocoap in one place:

* an inbound gate: a predicate sees every datagram's message before aiocoap does and
  can drop it unanswered (a sleeping device, a device that ignores what it cannot
  parse);
* rebinding: the context moves to a new socket with a new source port while keeping
  its observations and exchanges, as a device behind a NAT appears to.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import aiocoap
from aiocoap import Message
from aiocoap.util import socknumbers
from aiocoap.util.asyncio.recvmsg import create_recvmsg_datagram_endpoint

InboundFilter = Callable[[Message], bool]
"""Returns True for a message the device drops without any answer."""

_V4_MAPPED_PREFIX = "::ffff:"


def _bind_address(host: str, port: int) -> tuple[Any, ...]:
    infos = socket.getaddrinfo(
        host, port, socket.AF_INET6, socket.SOCK_DGRAM, 0, socket.AI_V4MAPPED
    )
    return tuple(infos[0][4])


def _udp_socket(host: str, port: int) -> socket.socket:
    """A socket set up as aiocoap's udp6 transport sets up its own."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
        if socknumbers.HAS_RECVERR:
            sock.setsockopt(socket.IPPROTO_IPV6, socknumbers.IPV6_RECVERR, 1)
            sock.setsockopt(socket.IPPROTO_IP, socknumbers.IP_RECVERR, 1)
        sock.bind(_bind_address(host, port))
    except BaseException:
        sock.close()
        raise
    return sock


async def open_context(site: Any, host: str = "127.0.0.1", port: int = 0) -> Any:
    """An aiocoap context serving ``site`` on one UDP socket bound to (host, port).

    aiocoap's server contexts set SO_REUSEPORT before binding. With it, a bind to port 0
    can be handed a port that another socket of the same user already holds, in this
    process or another one, and the kernel then spreads incoming datagrams over both.
    This context's socket is bound without it.
    """
    context = await aiocoap.Context.create_client_context(transports=["udp6"])
    interface = context.request_interfaces[0].token_interface.message_interface
    try:
        interface.transport.get_extra_info("socket").bind(_bind_address(host, port))
    except BaseException:
        await context.shutdown()
        raise
    context.serversite = site
    return context


def install_gate(context: Any, drop: InboundFilter) -> None:
    """Let ``drop`` see each incoming message of ``context`` before aiocoap handles it."""
    message_manager = context.request_interfaces[0].token_interface
    deliver = message_manager.dispatch_message

    def gate(message: Message) -> None:
        if not drop(message):
            deliver(message)

    message_manager.dispatch_message = gate


class DeviceTransport:
    """A device's aiocoap context and its socket."""

    def __init__(self, context: Any, host: str) -> None:
        self.context = context
        self.host = host
        self._message_manager = context.request_interfaces[0].token_interface
        self._interface = self._message_manager.message_interface

    @classmethod
    async def open(cls, site: Any, host: str, port: int, drop: InboundFilter) -> DeviceTransport:
        transport = cls(await open_context(site, host, port), host)
        install_gate(transport.context, drop)
        return transport

    def _socket(self) -> socket.socket:
        sock: socket.socket = self._interface.transport.get_extra_info("socket")
        return sock

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the socket is bound to."""
        host, port = self._socket().getsockname()[:2]
        if host.startswith(_V4_MAPPED_PREFIX):
            host = host[len(_V4_MAPPED_PREFIX) :]
        return str(host), int(port)

    async def rebind(self) -> None:
        """Move to a new socket on a new port; the old socket is closed."""
        loop = asyncio.get_running_loop()
        interface = self._interface
        old_transport = interface.transport
        sock = _udp_socket(self.host, 0)
        interface.ready = loop.create_future()
        await create_recvmsg_datagram_endpoint(loop, lambda: interface, sock)
        await interface.ready
        # Closing the old transport reports a connection loss to the interface, which it
        # takes as expected only while its shutdown future is set.
        interface._shutting_down = loop.create_future()
        old_transport.close()
        await interface._shutting_down
        interface._shutting_down = None

    async def request(self, message: Message, *, blockwise: bool = True) -> Message:
        response: Message = await self.context.request(message, handle_blockwise=blockwise).response
        return response

    async def close(self) -> None:
        await self.context.shutdown()
