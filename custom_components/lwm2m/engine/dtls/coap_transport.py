"""aiocoap message interface serving coaps:// over the built-in DTLS server.

Each established session gets its own remote object, carrying the
authenticated PSK identity. A new handshake gives a new remote, so CoAP state
never crosses DTLS sessions (RFC 7252 9.1.2). Remotes stay usable for
server-initiated requests while their session lives; traffic to or from a
session that is gone is dropped, and requests pending on it fail at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from aiocoap import error, interfaces
from aiocoap.message import Message
from aiocoap.numbers import COAPS_PORT, constants
from aiocoap.util import hostportjoin, hostportsplit

from .coap_errors import DtlsSessionClosedError
from .endpoint import DtlsEndpoint, DtlsStats, PskIdentityClaim, stats_of
from .errors import SessionNotEstablishedError
from .psk import PskLookup
from .server import CloseReason
from .session import DtlsSession, PeerAddress
from .settings import DtlsSettings
from .udp_driver import UdpDtlsDriver


def _hostinfo(host: str, port: int) -> str:
    return str(hostportjoin(host, None if port == COAPS_PORT else port))


class DtlsRemote(interfaces.EndpointAddress):  # type: ignore[misc]
    """The peer of one DTLS session; compares equal only to itself."""

    is_multicast = False
    is_multicast_locally = False
    scheme = "coaps"
    maximum_block_size_exp = constants.MAX_REGULAR_BLOCK_SIZE_EXP

    def __init__(self, transport: BuiltinCoapTransport, session: DtlsSession) -> None:
        self._transport = transport
        self.session = session

    def __repr__(self) -> str:
        return f"<DtlsRemote {self.hostinfo}>"

    @property
    def psk_identity(self) -> bytes:
        return self.session.psk_identity

    @property
    def alive(self) -> bool:
        return self._transport.is_live(self)

    @property
    def hostinfo(self) -> str:
        host, port = self.session.peer[0], self.session.peer[1]
        return _hostinfo(str(host), int(port))

    @property
    def hostinfo_local(self) -> str:
        """Where the device writes to: on the any-address, the address it chose."""
        return _hostinfo(*self._transport.driver.local_address_for(self.session.peer))

    @property
    def uri_base(self) -> str:
        return "coaps://" + self.hostinfo

    @property
    def uri_base_local(self) -> str:
        return "coaps://" + self.hostinfo_local

    @property
    def authenticated_claims(self) -> tuple[PskIdentityClaim, ...]:
        return (PskIdentityClaim(self.session.psk_identity),)

    @property
    def blockwise_key(self) -> DtlsRemote:
        return self


class BuiltinCoapTransport(interfaces.MessageInterface, DtlsEndpoint):  # type: ignore[misc]
    """DTLS 1.2 PSK in pure Python, as an aiocoap message interface."""

    def __init__(self, mman: Any, log: logging.Logger) -> None:
        self._mman: Any = mman
        self._log = log
        self._driver: UdpDtlsDriver | None = None
        self._remotes: dict[DtlsSession, DtlsRemote] = {}  # live sessions, oldest first

    @classmethod
    async def create(
        cls,
        bind: tuple[str, int],
        mman: Any,
        log: logging.Logger,
        psk_lookup: PskLookup,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> BuiltinCoapTransport:
        transport = cls(mman, log)
        transport._driver = await UdpDtlsDriver.bind(
            bind, psk_lookup, transport, settings=settings, clock=clock
        )
        return transport

    @property
    def driver(self) -> UdpDtlsDriver:
        if self._driver is None:
            raise RuntimeError("transport not created")
        return self._driver

    def is_live(self, remote: DtlsRemote) -> bool:
        return (
            remote._transport is self
            and self._remotes.get(remote.session) is remote
            and self.driver.server.is_current(remote.session)
        )

    # SessionListener

    def session_established(self, session: DtlsSession) -> None:
        self._remotes[session] = DtlsRemote(self, session)

    def session_data(self, session: DtlsSession, data: bytes) -> None:
        remote = self._remotes.get(session)
        if remote is None or self._mman is None:
            return
        try:
            message = Message.decode(data, remote=remote)
        except (error.UnparsableMessage, ValueError):  # ValueError: a string option not UTF-8
            self._log.debug("Ignoring an unparsable CoAP message from %s", remote.hostinfo)
            return
        self._mman.dispatch_message(message)

    def session_closed(self, session: DtlsSession, reason: CloseReason) -> None:
        remote = self._remotes.pop(session, None)
        if remote is not None and self._mman is not None:
            self._mman.dispatch_error(DtlsSessionClosedError(reason.value), remote)

    def session_moved(self, session: DtlsSession, previous: PeerAddress) -> None:
        # The remote reads its address from the session: CoAP exchanges go on as they
        # were, their answers and the next requests go to the new address.
        remote = self._remotes.get(session)
        if remote is not None and self.observer is not None:
            self.observer.peer_moved(remote)

    def session_table_full(self, full: bool) -> None:
        if self.observer is not None:
            self.observer.session_table_full(full)

    # aiocoap MessageInterface

    def send(self, message: Any) -> None:
        remote = message.remote
        if self._mman is None:
            return
        if isinstance(remote, DtlsRemote) and self.is_live(remote):
            try:
                self.driver.send(remote.session, message.encode())
            except SessionNotEstablishedError:
                pass
            else:
                return
        # Fail the exchange outside of aiocoap's send path, as a transport error would.
        mman = self._mman
        asyncio.get_running_loop().call_soon(
            mman.dispatch_error, DtlsSessionClosedError("no DTLS session"), remote
        )

    async def recognize_remote(self, remote: Any) -> bool:
        return isinstance(remote, DtlsRemote) and self.is_live(remote)

    async def determine_remote(self, message: Any) -> DtlsRemote | None:
        remote = message.remote
        if isinstance(remote, DtlsRemote):
            if remote._transport is self:
                raise DtlsSessionClosedError("the DTLS session of this remote is gone")
            return None
        if message.requested_scheme != "coaps":
            return None
        if message.opt.uri_host is not None:
            host, port = message.opt.uri_host, message.opt.uri_port
        elif message.unresolved_remote is not None:
            host, port = hostportsplit(message.unresolved_remote)
        else:
            return None
        port = port or COAPS_PORT
        # A server cannot open a DTLS session towards a device; it can reuse a live one.
        for candidate in reversed(list(self._remotes.values())):
            peer = candidate.session.peer
            if str(peer[0]) == host and peer[1] == port and self.is_live(candidate):
                return candidate
        return None

    async def shutdown(self) -> None:
        self._mman = None
        if self._driver is not None:
            self._driver.close()
        self._remotes.clear()

    # DtlsEndpoint

    @property
    def local_address(self) -> tuple[str, int]:
        return self.driver.local_address

    def stats(self) -> DtlsStats:
        server = self.driver.server
        return stats_of(
            server, max_sessions=server.settings.max_sessions, table_full=server.table_full
        )

    def remote_for_identity(self, identity: bytes) -> DtlsRemote | None:
        for remote in reversed(list(self._remotes.values())):
            if remote.session.psk_identity == identity and self.is_live(remote):
                return remote
        return None

    def close_sessions(self, identity: bytes) -> int:
        doomed = [s for s in self.driver.server.sessions() if s.psk_identity == identity]
        for session in doomed:
            self.driver.server.close(session, CloseReason.REVOKED)
        return len(doomed)
