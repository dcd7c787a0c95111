"""asyncio glue for the sans-I/O server: one UDP socket, one timer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from .binding import check_bind_address
from .errors import DtlsBindError
from .psk import PskStore
from .server import DtlsServer, SessionListener
from .session import PeerAddress, Session
from .settings import DtlsSettings


class UdpDtlsDriver(asyncio.DatagramProtocol):
    """Feeds a UDP socket into a :class:`DtlsServer` and keeps its timer armed."""

    def __init__(
        self,
        psk_store: PskStore,
        listener: SessionListener,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> None:
        self._clock = clock
        self._transport: asyncio.DatagramTransport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_deadline: float | None = None
        self.server = DtlsServer(
            psk_store,
            self._transmit,
            listener,
            settings=settings,
            clock=clock,
            logger=logger,
        )

    @classmethod
    async def bind(
        cls,
        bind: tuple[str, int],
        psk_store: PskStore,
        listener: SessionListener,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> UdpDtlsDriver:
        check_bind_address(bind)
        loop = asyncio.get_running_loop()
        driver = cls(psk_store, listener, settings=settings, clock=clock, logger=logger)
        try:
            # No SO_REUSEADDR/SO_REUSEPORT: a port in use must fail here, not be shared.
            await loop.create_datagram_endpoint(lambda: driver, local_addr=bind)
        except OSError as err:
            raise DtlsBindError(
                f"cannot bind the DTLS server to {bind[0]} port {bind[1]}: {err.strerror or err}"
            ) from err
        return driver

    @property
    def local_address(self) -> tuple[str, int]:
        if self._transport is None:
            raise RuntimeError("not bound")
        host, port = self._transport.get_extra_info("sockname")[:2]
        return str(host), int(port)

    @property
    def closed(self) -> bool:
        return self._transport is None

    # asyncio.DatagramProtocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self._transport = transport

    def datagram_received(self, data: bytes, addr: PeerAddress) -> None:
        self.server.datagram_received(data, addr)
        self._reschedule()

    def error_received(self, exc: Exception) -> None:
        """ICMP errors cannot be tied to a session reliably; timeouts handle dead peers."""

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._cancel_timer()

    # sending and closing

    def _transmit(self, peer: PeerAddress, data: bytes) -> None:
        if self._transport is not None:
            self._transport.sendto(data, peer)

    def send(self, session: Session, data: bytes) -> None:
        self.server.send(session, data)

    def poll(self) -> None:
        """Run due timers now (tests with an injected clock call this directly)."""
        self._timer = self._timer_deadline = None
        self.server.poll()
        self._reschedule()

    def close(self) -> None:
        """close_notify to every session, then close the socket."""
        self.server.close_all()
        self._cancel_timer()
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_deadline = None

    def _reschedule(self) -> None:
        if self._transport is None:
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
        self._timer = asyncio.get_running_loop().call_later(delay, self.poll)
