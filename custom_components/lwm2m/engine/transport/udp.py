"""The CoAP side of the server: binding its UDP socket, its logger, peer addresses.

aiocoap binds server sockets with SO_REUSEPORT, so a second server on a taken port would
start silently and the kernel would split the traffic between the two. This module binds
the socket itself, without that option, so a taken port fails at once with
``OSError(EADDRINUSE)``, and hands the bound socket to aiocoap's UDP transport.
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import aiocoap
from aiocoap import error
from aiocoap.message import Direction
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import NON, RST
from aiocoap.transports.udp6 import MessageInterfaceUDP6, UDP6EndpointAddress
from aiocoap.util import hostportsplit

from ..log_once import OncePerKindFilter
from ..socket_buffers import enlarge_receive_buffer
from .notification_path import NotificationSink, parse_notification

# The engine's CoAP logger: aiocoap's contexts log here (one name for every transport).
COAP_LOGGER = f"{__package__.rpartition('.')[0]}.coap"
_ONCE_FILTER = OncePerKindFilter()


@dataclass(frozen=True, eq=False, slots=True)
class Transport:
    """One aiocoap context the server answers and sends on; ``secure`` for DTLS."""

    context: aiocoap.Context
    secure: bool = False


def coap_logger() -> logging.Logger:
    """The logger aiocoap contexts of the server use; repeated warnings are demoted."""
    logger = logging.getLogger(COAP_LOGGER)
    for name in (COAP_LOGGER, f"{COAP_LOGGER}.blockwise-requester"):
        target = logging.getLogger(name)
        if _ONCE_FILTER not in target.filters:
            target.addFilter(_ONCE_FILTER)
    return logger


async def _bind_address(host: str, port: int) -> tuple[Any, ...]:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if isinstance(literal, ipaddress.IPv4Address):
        host = "::" if literal.is_unspecified else f"::ffff:{literal}"
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, family=socket.AF_INET6, type=socket.SOCK_DGRAM, flags=socket.AI_V4MAPPED
    )
    if not infos:
        raise OSError(f"no IPv6 or IPv4-mapped address for {host!r}")
    return infos[0][4]


_V4_MAPPED = bytes(10) + b"\xff\xff"


@lru_cache(maxsize=4096)
def _multicast_host(host: str) -> bool:
    """Whether an IPv6 socket address (IPv4-mapped ones as IPv4) is a multicast group."""
    address = ipaddress.IPv6Address(host.split("%", 1)[0])
    mapped = address.ipv4_mapped
    return (address if mapped is None else mapped).is_multicast


@lru_cache(maxsize=4096)
def _address_text(address: str | bytes) -> str:
    """aiocoap's text of an IPv6 address (IPv4-mapped ones as IPv4)."""
    return str(UDP6EndpointAddress._strip_v4mapped(address))


@lru_cache(maxsize=256)
def _local_text(pktinfo: bytes) -> str:
    """aiocoap's text of the local address and interface in an IPV6_PKTINFO."""
    probe = object.__new__(UDP6EndpointAddress)
    probe.pktinfo = pktinfo
    return str(UDP6EndpointAddress._repr_pktinfo(probe))


class _Address(UDP6EndpointAddress):  # type: ignore[misc]
    """aiocoap's UDP address, telling a multicast destination from the raw pktinfo.

    aiocoap asks ``is_multicast_locally`` several times for every datagram (to acknowledge,
    to answer) and formats and parses the local address as text each time; the first 16
    bytes of IPV6_PKTINFO are that address: ff00::/8, or 224.0.0.0/4 when IPv4-mapped.
    It asks ``is_multicast`` of the peer for every request it sends, parsing its address
    each time too: a device's address answers from a table. Serving a request, it writes
    the peer's and the local address as text several times (the request's URI, the name
    of its rendering task), parsing each and asking the kernel for the interface's name:
    those texts answer from tables too.
    """

    @staticmethod
    def _strip_v4mapped(address: str | bytes) -> str:
        return _address_text(address)

    def _repr_pktinfo(self) -> str:
        return _local_text(self.pktinfo)

    @property
    def is_multicast(self) -> bool:
        return _multicast_host(self.sockaddr[0])

    @property
    def is_multicast_locally(self) -> bool:
        local: bytes = self.pktinfo[:16]
        if local[:12] == _V4_MAPPED:
            return 224 <= local[12] <= 239
        return local[0] == 0xFF

    def as_response_address(self) -> Any:
        if not self.is_multicast_locally:
            return self
        return UDP6EndpointAddress(self.sockaddr, self.interface)


class _UDP6(MessageInterfaceUDP6):  # type: ignore[misc]
    """aiocoap's UDP transport, receiving into :class:`_Address` and dropping what it cannot parse.

    aiocoap drops a datagram whose framing is wrong, but a string option (Uri-Path,
    Uri-Query, ...) that is not UTF-8 raises UnicodeDecodeError out of its receive
    callback into the event loop, logged there as an error: any peer could fill the log.
    The rest follows aiocoap's own ``datagram_msg_received``, except for a plain
    notification of an observation that asked for it (see :mod:`.notification_path`).
    """

    notification_sinks: dict[tuple[bytes, Any], NotificationSink]

    def datagram_msg_received(self, data: bytes, ancdata: Any, flags: int, address: Any) -> None:
        pktinfo = None
        for level, kind, cmsg_data in ancdata:
            if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
                pktinfo = cmsg_data
        sinks = self.notification_sinks
        if sinks and pktinfo is not None and self._notified(sinks, data, pktinfo, address):
            return
        if pktinfo is None:
            self.log.warning(
                "Did not receive requested pktinfo ancdata on message from %s", address
            )
            remote = UDP6EndpointAddress(address, self)
        else:
            remote = _Address(address, self, pktinfo=pktinfo)
        try:
            message = aiocoap.Message.decode(data, remote)
        except (error.UnparsableMessage, ValueError):  # UnicodeDecodeError of a string option
            self.log.warning("Ignoring unparsable message from %s", address)
            return
        message.direction = Direction.INCOMING
        self._ctx.dispatch_message(message)

    def _notified(
        self,
        sinks: dict[tuple[bytes, Any], NotificationSink],
        data: bytes,
        pktinfo: bytes,
        address: Any,
    ) -> bool:
        """Hands a plain notification to its observation's sink, as aiocoap would."""
        notification = parse_notification(data)
        if notification is None:
            return False
        sink = sinks.get((notification.token, address[:-1]))
        if sink is None:
            return False
        remote = _Address(address, self, pktinfo=pktinfo)
        if remote.is_multicast_locally:
            return False
        sink(notification.observe, notification.content_format, notification.payload)
        if notification.confirmable:
            self._ctx._send_empty_ack(remote, notification.mid, "acknowledging a notification")
        return True

    def send_empty_ack(self, remote: Any, mid: int) -> None:
        """Four bytes straight onto the wire, as aiocoap's ``send`` would put them."""
        target = remote.as_response_address()
        pktinfo = target.pktinfo
        ancdata = [] if pktinfo is None else [(socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, pktinfo)]
        self._remote_being_sent_to.set(target)
        try:
            self.transport.sendmsg(_empty_ack(mid), ancdata, 0, target.sockaddr)
        finally:
            self._remote_being_sent_to.set(None)


_ACK_HEADER = 0x60  # version 1, type ACK, no token


def _empty_ack(mid: int) -> bytes:
    return bytes((_ACK_HEADER, 0, mid >> 8, mid & 0xFF))


def _acknowledge_cheaply(manager: Any, interface: _UDP6) -> None:
    """Acknowledge a response (a notification, mostly) without building a Message.

    aiocoap's message layer makes an empty ACK a full ``Message``, logs, encodes and
    files it for duplicates: a fifth of a notification's cost. Filing matters only for an
    ACK of a request it deduplicates; such ACKs take aiocoap's own way. Without the
    message layer's internals (another aiocoap version) nothing changes.
    """
    original = getattr(manager, "_send_empty_ack", None)
    recent = getattr(manager, "_recent_messages", None)
    if original is None or not isinstance(recent, dict):
        return

    def send_empty_ack(remote: Any, mid: int, reason: str) -> None:
        if (remote, mid) in recent:
            original(remote, mid, reason)
        else:
            interface.send_empty_ack(remote, mid)

    manager._send_empty_ack = send_empty_ack


def _file_responses_lightly(manager: Any) -> None:
    """Keep a response for duplicates without the request it answered.

    aiocoap files every response to a confirmable request for EXCHANGE_LIFETIME (247 s),
    to send again when the request comes again; the response holds the request it
    answered (options, payload), which nothing needs to send it again: with a fleet
    registering, that request was about half the cache's memory. A shallow copy without
    it is filed instead. Without the message layer's internals (another aiocoap
    version) nothing changes.
    """
    recent = getattr(manager, "_recent_messages", None)
    if getattr(manager, "_store_response_for_duplicates", None) is None or not isinstance(
        recent, dict
    ):
        return

    def store_response_for_duplicates(message: aiocoap.Message) -> None:
        key = (message.remote, message.mid)
        if key in recent:
            kept = copy.copy(message)
            vars(kept).pop("request", None)
            recent[key] = kept

    manager._store_response_for_duplicates = store_response_for_duplicates


async def bind_udp(host: str, port: int, site: Any) -> aiocoap.Context:
    """An aiocoap context serving ``site`` on (host, port); port 0 picks a free one."""
    address = await _bind_address(host, port)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        enlarge_receive_buffer(sock)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    logger = coap_logger()
    loop = asyncio.get_running_loop()
    context = aiocoap.Context(loop=loop, serversite=site, loggername=logger.name)

    async def create_interface(manager: Any) -> Any:
        interface = await _UDP6._create_transport_endpoint(sock, manager, logger, loop)
        interface.notification_sinks = {}
        _acknowledge_cheaply(manager, interface)
        _file_responses_lightly(manager)
        return interface

    try:
        await context._append_tokenmanaged_messagemanaged_transport(create_interface)
    except BaseException:
        sock.close()
        raise
    return context


def bound_port(context: aiocoap.Context) -> int:
    """The local UDP port of a context made by ``bind_udp``."""
    for interface in context.request_interfaces:
        message_interface = getattr(interface.token_interface, "message_interface", None)
        if message_interface is not None:
            return int(message_interface._local_port())
    raise RuntimeError("context has no UDP transport")


def watch_notifications(
    context: aiocoap.Context, token: bytes, remote: Any, sink: NotificationSink
) -> Callable[[], None] | None:
    """Send the plain notifications with ``token`` from ``remote`` to ``sink``.

    Returns the function that stops it, or None when the context is not one of
    ``bind_udp``'s (DTLS, another transport): its notifications keep aiocoap's way.
    """
    sockaddr = getattr(remote, "sockaddr", None)
    if sockaddr is None:
        return None
    owner = getattr(remote, "interface", None)
    if not isinstance(owner, _UDP6) or not any(
        getattr(interface.token_interface, "message_interface", None) is owner
        for interface in context.request_interfaces
    ):
        return None
    sinks = owner.notification_sinks
    key = (token, sockaddr[:-1])
    sinks[key] = sink

    def unwatch() -> None:
        if sinks.get(key) is sink:
            del sinks[key]

    return unwatch


def peer_address(remote: Any) -> tuple[str, int]:
    """(host, port) of an aiocoap remote, IPv4-mapped addresses shown as IPv4."""
    sockaddr = getattr(remote, "sockaddr", None)
    if sockaddr is not None:
        host = str(sockaddr[0])
        try:
            mapped = ipaddress.IPv6Address(host.split("%", 1)[0]).ipv4_mapped
        except ValueError:
            mapped = None
        return (str(mapped) if mapped is not None else host, int(sockaddr[1]))
    host, port = hostportsplit(remote.hostinfo)
    return (host, int(port or 0))


def peer_identity(remote: Any) -> bytes | None:
    """The DTLS PSK identity a remote authenticated with, if any."""
    identity = getattr(remote, "psk_identity", None)
    if identity is None:
        return None
    if isinstance(identity, str):
        return identity.encode("utf-8")
    return bytes(identity)


async def send_with_token(
    context: aiocoap.Context, message: aiocoap.Message, token: bytes, on_failure: Any
) -> None:
    """Send ``message`` with a token that is already in use (to cancel an observation).

    aiocoap's request API always draws a fresh token, but its token manager matches a
    response by (token, remote): a message sent below it, through the message layer,
    with the observation's token gets its response delivered to the observation's own
    request, as a final response. ``on_failure`` runs on RST or when retransmissions
    run out.
    """
    interface = await context.find_remote_and_interface(message)
    message.token = token
    interface.token_interface.send_message(message, on_failure)


def abandon_exchange(context: aiocoap.Context, message: aiocoap.Message) -> None:
    """Stop retransmitting a confirmable request nobody waits for any more.

    aiocoap keeps retransmitting a CON whose caller gave up, and sends nothing else to
    that peer meanwhile (NSTART = 1): a request dropped by a device would hold back the
    next one for the whole retransmission span (45 s). This ends the exchange in the
    message layer and lets the peer's backlog go on. Without the message layer's
    internals (another aiocoap version, another transport) it does nothing.
    """
    if message.mid is None or message.remote is None:
        return
    key = (message.remote, message.mid)
    for interface in context.request_interfaces:
        manager = getattr(interface, "token_interface", None)
        exchanges = getattr(manager, "_active_exchanges", None)
        if not isinstance(exchanges, dict) or key not in exchanges:
            continue
        _, retransmission = exchanges.pop(key)
        retransmission.cancel()
        resume = getattr(manager, "_continue_backlog", None)
        if resume is not None:
            resume(message.remote)


def acknowledged(context: aiocoap.Context, message: aiocoap.Message) -> bool:
    """Whether a confirmable request left the message layer: sent, and its exchange
    ended with an ACK (a piggybacked response ends it too). A request waiting to be
    sent (NSTART = 1) or still retransmitted is not. Without the message layer's
    internals (another aiocoap version, another transport) the answer is True.
    """
    if message.mid is None:
        return False
    key = (message.remote, message.mid)
    for interface in context.request_interfaces:
        manager = getattr(interface, "token_interface", None)
        exchanges = getattr(manager, "_active_exchanges", None)
        backlogs = getattr(manager, "_backlogs", None)
        if not isinstance(exchanges, dict) or not isinstance(backlogs, dict):
            continue
        if key in exchanges:
            return False
        if any(queued is message for queued, _ in backlogs.get(message.remote, ())):
            return False
    return True


def reset_unknown_notifications(context: aiocoap.Context) -> None:
    """Answer a NON notification that no observation waits for with RST.

    aiocoap resets only unknown CON responses; a device that notifies with NON (Wakaama
    does) would then never learn that the server forgot the observation (a passive
    cancel) and notify forever. RFC 7641 section 3.6 lets the client reject a NON
    notification with RST. A response that lands in the same turn of the loop as its
    request's cancellation is dropped too, where aiocoap would fail setting the cancelled
    future. Without the message layer's internals (another aiocoap version, another
    transport) nothing changes.
    """
    for interface in context.request_interfaces:
        manager = getattr(interface, "token_interface", None)
        process = getattr(manager, "_process_response", None)
        send = getattr(manager, "_send_initially", None)
        if process is None or send is None or getattr(process, "resets_notifications", False):
            continue

        def checked(response: aiocoap.Message, process: Any = process, send: Any = send) -> Any:
            try:
                handled = process(response)
            except asyncio.InvalidStateError:
                # The response of a request cancelled in this same turn of the loop:
                # aiocoap learns of the cancellation only in the next one and sets the
                # cancelled future. Nobody waits for it; it is dropped.
                return True
            if not handled and response.mtype is NON and response.opt.observe is not None:
                reset = aiocoap.Message(code=Code.EMPTY, _mtype=RST, _mid=response.mid)
                reset.remote = response.remote.as_response_address()
                send(reset)
            return handled

        checked.resets_notifications = True  # type: ignore[attr-defined]
        manager._process_response = checked  # type: ignore[union-attr]
