"""asyncio glue for the sans-I/O server: one UDP socket, one timer.

The socket is read with ``recvmsg`` when the event loop reports it readable, so
that on the any-address each datagram comes with the local address it was sent
to; replies name that address as their source (``sendmsg`` with PKTINFO). The
server sees every peer as a :class:`~.addresses.Flow`, so a peer that writes to
two of the host's addresses has two independent DTLS associations.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable

from .addresses import (
    ANCILLARY_BUFFER_SIZE,
    Flow,
    ancillary_for,
    local_address_of,
    plain_host,
)
from .binding import open_udp_socket
from .psk import PskLookup
from .server import DtlsServer, SessionListener
from .session import DtlsSession, PeerAddress
from .settings import DtlsSettings

_LOGGER = logging.getLogger(__name__)

_MAX_DATAGRAM = 0xFFFF
# Datagrams read per readiness callback before other tasks get the loop again.
_READ_BATCH = 64


class UdpDtlsDriver:
    """Feeds a UDP socket into a :class:`DtlsServer` and keeps its timer armed."""

    def __init__(
        self,
        sock: socket.socket,
        any_address: bool,
        psk_lookup: PskLookup,
        listener: SessionListener,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._sock: socket.socket | None = sock
        self._family = sock.family
        self._any_address = any_address
        self._ancillary_size = ANCILLARY_BUFFER_SIZE if any_address else 0
        self._buffer = bytearray(_MAX_DATAGRAM)
        self._clock = clock
        self._logger = logger or _LOGGER
        self._timer: asyncio.TimerHandle | None = None
        self._timer_deadline: float | None = None
        self._bound = sock.getsockname()
        self.server = DtlsServer(
            psk_lookup,
            self._transmit,
            listener,
            settings=settings,
            clock=clock,
            logger=logger,
        )
        self._loop.add_reader(sock.fileno(), self._readable)

    @classmethod
    async def bind(
        cls,
        bind: tuple[str, int],
        psk_lookup: PskLookup,
        listener: SessionListener,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> UdpDtlsDriver:
        """Bind ``bind`` (0.0.0.0 and :: included); a port in use raises DtlsBindError."""
        sock, any_address = await open_udp_socket(bind)
        try:
            return cls(
                sock,
                any_address,
                psk_lookup,
                listener,
                settings=settings,
                clock=clock,
                logger=logger,
            )
        except BaseException:
            sock.close()
            raise

    @property
    def local_address(self) -> tuple[str, int]:
        """The address and port bound (0.0.0.0 or :: when bound to the any-address)."""
        return str(self._bound[0]), int(self._bound[1])

    @property
    def any_address(self) -> bool:
        return self._any_address

    def local_address_for(self, peer: PeerAddress) -> tuple[str, int]:
        """The address and port ``peer`` writes to, and that answers to it come from."""
        if isinstance(peer, Flow) and peer.local is not None:
            return plain_host(peer.local.host), int(self._bound[1])
        return self.local_address

    @property
    def closed(self) -> bool:
        return self._sock is None

    # receiving

    def _readable(self) -> None:
        view = memoryview(self._buffer)
        for _ in range(_READ_BATCH):
            sock = self._sock
            if sock is None:
                return
            try:
                size, ancillary, flags, sockaddr = sock.recvmsg_into([view], self._ancillary_size)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as err:
                # An error queued on the socket (an ICMP report, say): nothing to deliver.
                self._logger.debug("DTLS socket receive error: %s", err)
                continue
            if flags & socket.MSG_TRUNC:
                self.server.counters["dropped"] += 1
                continue
            local = None
            if self._any_address:
                local = local_address_of(self._family, ancillary)
                if local is None:
                    # No reply could leave from where this was sent (or we cannot tell).
                    self.server.counters["dropped:not_unicast_to_us"] += 1
                    continue
            self.server.datagram_received(bytes(view[:size]), Flow.of(sockaddr, local))
        self._reschedule()

    # sending and closing

    def _transmit(self, peer: PeerAddress, data: bytes) -> None:
        sock = self._sock
        if sock is None:
            return
        flow = peer if isinstance(peer, Flow) else Flow.of(peer)
        try:
            if flow.local is None:
                sock.sendto(data, flow.sockaddr)
            else:
                sock.sendmsg([data], ancillary_for(self._family, flow.local), 0, flow.sockaddr)
        except (BlockingIOError, InterruptedError):
            # Send buffer full: lost like any datagram; DTLS and CoAP retransmit.
            self.server.counters["send_dropped"] += 1
        except OSError as err:
            self.server.counters["send_failed"] += 1
            self._logger.debug("DTLS datagram not sent: %s", err)

    def send(self, session: DtlsSession, data: bytes) -> None:
        self.server.send(session, data)

    def poll(self) -> None:
        """Run due timers now (tests with an injected clock call this directly)."""
        self._timer = self._timer_deadline = None
        self.server.poll()
        self._reschedule()

    def close(self) -> None:
        """close_notify to every session, then close the socket."""
        if self._sock is None:
            return
        self.server.close_all()
        self._cancel_timer()
        sock, self._sock = self._sock, None
        self._loop.remove_reader(sock.fileno())
        sock.close()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_deadline = None

    def _reschedule(self) -> None:
        if self._sock is None:
            return
        deadline = self.server.next_deadline()
        if deadline is None:
            self._cancel_timer()
            return
        if self._timer_deadline is not None and self._timer_deadline <= deadline:
            return
        self._cancel_timer()
        self._timer_deadline = deadline
        delay = max(0.0, deadline - self._clock())
        self._timer = self._loop.call_later(delay, self.poll)
