"""Optional backend: aiocoap's tinydtls_server transport (DTLSSocket), with our fixes.

Subclasses only; the installed aiocoap and DTLSSocket stay untouched. Compared
with the stock transport:

* record-version pre-filter: an initial ClientHello with a record version other
  than FEFD/FEFF (mbedtls sends FE00) is rewritten to FEFD, which tinydtls
  would otherwise drop silently. The record header is outside the handshake
  transcript and outside tinydtls' cookie, so this changes nothing else;
* PSKs longer than 16 bytes never reach DTLSSocket (it copies keys into a
  16-byte buffer without a length check);
* unknown identities get a random key, so they fail like a wrong key;
* ``recognize_remote`` accepts the transport's own live remotes, so
  server-initiated requests work;
* close_notify from a peer (tinydtls reports it at warning level) ends the
  remote, and pending requests on it fail;
* per-peer DTLS contexts only for datagrams that start a handshake, in bounded
  tables (handshakes by age, sessions least recently used), with handshake and
  idle timeouts;
* remotes expose the authenticated PSK identity;
* no SO_REUSEPORT, a port in use fails, port 0 binds a free port;
* the any-address (0.0.0.0, ::) is refused: the stock transport answers from
  whatever source address routing picks, not from the address a device wrote to.

tinydtls itself still refuses clients that send neither renegotiation_info nor
the SCSV, and picks cipher suites in the client's order: use the built-in
backend for such devices.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

from aiocoap import error
from aiocoap.numbers import COAPS_PORT
from aiocoap.transports import simplesocketserver, tinydtls_server
from aiocoap.transports.tinydtls import (
    CODE_CLOSE_NOTIFY,
    DTLS_EVENT_CONNECTED,
    LEVEL_FATAL,
    LEVEL_NOALERT,
)
from aiocoap.util import hostportjoin, hostportsplit

from .addresses import is_any_address
from .binding import bind_failed, check_bind_address
from .coap_errors import DtlsSessionClosedError
from .endpoint import DtlsEndpoint, DtlsStats, PskIdentityClaim, stats_of
from .errors import DtlsConfigurationError
from .problems import Problem, ProblemLog
from .psk import PskStore
from .settings import DtlsSettings

_LOGGER = logging.getLogger(__name__)

MAX_PSK_LENGTH = 16

_HANDSHAKE = 22
_CLIENT_HELLO = 1
_RECORD_HEADER = 13


def refuse_any_address(bind: tuple[str, int]) -> None:
    """This backend binds one address of the host; the any-address is a configuration error."""
    if is_any_address(bind[0]):
        raise DtlsConfigurationError(
            f"the dtlssocket DTLS backend cannot bind the any-address {bind[0]!r}: it "
            "cannot answer each device from the address the device wrote to. Use the "
            "builtin backend (the default), or bind an address of this host"
        )


def normalise_client_hello_version(datagram: bytes) -> bytes:
    """Rewrite an epoch-0 ClientHello's record version 0xFEXX to FEFD (DTLS 1.2)."""
    if (
        len(datagram) > _RECORD_HEADER
        and datagram[0] == _HANDSHAKE
        and datagram[1] == 0xFE
        and datagram[2] not in (0xFD, 0xFF)
        and datagram[3:5] == b"\0\0"
        and datagram[_RECORD_HEADER] == _CLIENT_HELLO
    ):
        return datagram[:1] + b"\xfe\xfd" + datagram[3:]
    return datagram


def _starts_handshake(datagram: bytes) -> bool:
    return (
        len(datagram) > _RECORD_HEADER
        and datagram[0] == _HANDSHAKE
        and datagram[1] == 0xFE
        and datagram[3:5] == b"\0\0"
        and datagram[_RECORD_HEADER] == _CLIENT_HELLO
    )


class _PeerKeys:
    """The dict-like object DTLSSocket reads keys from, one per peer."""

    __slots__ = ("_handed_out", "_problems", "_store", "identity")

    def __init__(self, store: PskStore, problems: ProblemLog) -> None:
        self._store = store
        self._problems = problems
        self._handed_out: dict[bytes, bytes] = {}
        self.identity: bytes | None = None  # whose real key was last handed out

    def __repr__(self) -> str:
        return "<PeerKeys>"

    def keys(self) -> _PeerKeys:
        return self

    def __contains__(self, identity: object) -> bool:
        return isinstance(identity, bytes)

    def __getitem__(self, identity: bytes) -> bytes:
        # DTLSSocket reads the key twice (length, then bytes): answer the same both times.
        key = self._handed_out.get(identity)
        if key is None:
            key = self._real_key(identity)
            if key is None:
                key = os.urandom(MAX_PSK_LENGTH)  # fails later exactly like a wrong key
                self.identity = None
            else:
                self.identity = identity
            self._handed_out = {identity: key}
        return key

    def _real_key(self, identity: bytes) -> bytes | None:
        try:
            key = self._store.lookup(identity)
        except Exception:  # a broken store must not reach C code as an exception
            self._problems.report(Problem.STORE_FAILED)
            return None
        if not isinstance(key, bytes) or not key:
            return None
        if len(key) > MAX_PSK_LENGTH:
            self._problems.report(Problem.KEY_REFUSED)
            return None
        return key


class TinyDtlsRemote(tinydtls_server._AddressDTLS):  # type: ignore[misc]
    """One peer address with its own tinydtls context."""

    def __init__(self, protocol: TinyDtlsServerSocket, underlying_address: Any) -> None:
        from DTLSSocket import dtls

        # The stock constructor builds its key store from an aiocoap CredentialsMap;
        # this one sets the same attributes around a live PskStore instead.
        self._protocol = protocol
        self._underlying_address = simplesocketserver._Address(protocol, underlying_address)
        self._peer_keys = _PeerKeys(protocol.psk_store, protocol.problems)
        self._dtls_socket = dtls.DTLS(
            read=self._read,
            write=self._write,
            event=self._event,
            pskId=b"unused by a server",
            pskStore=self._peer_keys,
        )
        self._dtls_session = dtls.Session(
            tinydtls_server._SENTINEL_ADDRESS, tinydtls_server._SENTINEL_PORT
        )
        self._retransmission_task = asyncio.create_task(
            self._run_retransmissions(), name="DTLS server handshake retransmissions"
        )
        self.log = protocol.log
        self.sockaddr = underlying_address
        self.started_at = self.last_activity = protocol.clock()
        self.psk_identity: bytes | None = None
        self.closed = False

    def __repr__(self) -> str:
        return f"<TinyDtlsRemote {self.hostinfo}>"

    @property
    def hostinfo(self) -> str:
        host, port = self.sockaddr[0], self.sockaddr[1]
        return str(hostportjoin(host, None if port == COAPS_PORT else port))

    @property
    def authenticated_claims(self) -> tuple[PskIdentityClaim, ...]:
        if self.psk_identity is None:
            return ()
        return (PskIdentityClaim(self.psk_identity),)

    @property
    def blockwise_key(self) -> TinyDtlsRemote:
        return self

    @property
    def established(self) -> bool:
        return self.psk_identity is not None and not self.closed

    def _read(self, sender: Any, data: bytes) -> int:
        if self.closed:
            return len(data)
        self.last_activity = self._protocol.clock()
        self._protocol.touch(self)
        return int(super()._read(sender, data))

    def _event(self, level: int, code: int) -> None:
        if (level, code) == (LEVEL_NOALERT, DTLS_EVENT_CONNECTED):
            self.psk_identity = self._peer_keys.identity
            self.last_activity = self._protocol.clock()
            self._protocol.connected(self)
        elif code == CODE_CLOSE_NOTIFY and level != LEVEL_NOALERT:
            self.end(DtlsSessionClosedError("peer sent close_notify"))
        elif level == LEVEL_FATAL:
            if not self.established:
                self._protocol.problems.report(Problem.AUTHENTICATION_FAILED, self.sockaddr)
            self.end(DtlsSessionClosedError(f"fatal DTLS alert {code}"))

    async def _run_retransmissions(self) -> None:
        # The stock receive path re-arms this task after every datagram, even one
        # that ended the peer: an ended peer's task returns at once.
        if not self.closed:
            await super()._run_retransmissions()

    def _inject_error(self, exception: Exception) -> None:
        self.end(exception)

    def end(self, exception: Exception) -> None:
        """Forget this peer and fail everything pending on it; idempotent."""
        if self.closed:
            return
        self.closed = True
        self._retransmission_task.cancel()
        self._protocol.forget(self)
        self._protocol.message_interface_error(self, exception)

    def close(self, exception: Exception) -> None:
        """Send close_notify if a session stands, then end."""
        if self.established:
            with contextlib.suppress(Exception):  # DTLSSocket raises a bare Exception
                self._dtls_socket.close(self._dtls_session)
        self.end(exception)


class TinyDtlsServerSocket(tinydtls_server._DatagramServerSocketSimpleDTLS):  # type: ignore[misc]
    """The UDP socket and the per-peer tables."""

    _Address = TinyDtlsRemote

    def __init__(
        self,
        ready_callback: Callable[[Any], None],
        message_interface: Any,
        log: logging.Logger,
        *,
        psk_store: PskStore,
        settings: DtlsSettings,
        clock: Callable[[], float],
        transport_interface: TinyDtlsServerTransport,
    ) -> None:
        super().__init__(ready_callback, message_interface, log)
        self.psk_store = psk_store
        self.settings = settings
        self.clock = clock
        self.problems = ProblemLog(_LOGGER, clock, settings.problem_log_interval)
        self._interface = transport_interface
        self._handshaking: OrderedDict[Any, TinyDtlsRemote] = OrderedDict()  # by start
        self._connections: OrderedDict[Any, TinyDtlsRemote] = OrderedDict()  # by activity
        self._sweep: asyncio.TimerHandle | None = None
        self.counters: Counter[str] = Counter()
        self.peak_sessions = 0
        self.peak_handshakes = 0

    @classmethod
    async def create_bound(
        cls,
        bind: tuple[str, int],
        log: logging.Logger,
        interface: TinyDtlsServerTransport,
        *,
        psk_store: PskStore,
        settings: DtlsSettings,
        clock: Callable[[], float],
    ) -> TinyDtlsServerSocket:
        refuse_any_address(bind)
        check_bind_address(bind)
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[TinyDtlsServerSocket] = loop.create_future()
        wrapped = tinydtls_server.GoingThroughMessageDecryption(interface)
        try:
            # Unlike the stock transport: no SO_REUSEPORT and no port shifting.
            await loop.create_datagram_endpoint(
                lambda: cls(
                    ready.set_result,
                    wrapped,
                    log,
                    psk_store=psk_store,
                    settings=settings,
                    clock=clock,
                    transport_interface=interface,
                ),
                local_addr=bind,
            )
        except OSError as err:
            raise bind_failed(bind, err) from err
        server_socket = await ready
        server_socket._loop = loop
        host, port = server_socket.local_address
        server_socket.hostinfo_local = hostportjoin(host, None if port == COAPS_PORT else port)
        return server_socket

    @property
    def local_address(self) -> tuple[str, int]:
        host, port = self._transport.get_extra_info("sockname")[:2]
        return str(host), int(port)

    # tables

    def remotes(self) -> list[TinyDtlsRemote]:
        return list(self._connections.values())

    @property
    def sessions_count(self) -> int:
        return len(self._connections)

    @property
    def handshakes_count(self) -> int:
        return len(self._handshaking)

    def datagram_received(self, data: bytes, sockaddr: Any) -> None:
        self.counters["datagrams"] += 1
        data = normalise_client_hello_version(data)
        remote = self._connections.get(sockaddr) or self._handshaking.get(sockaddr)
        if remote is None:
            if not _starts_handshake(data):
                self.counters["dropped"] += 1
                return
            while len(self._handshaking) >= self.settings.max_handshakes:
                oldest = next(iter(self._handshaking.values()))
                self.problems.report(Problem.TABLE_FULL, oldest.sockaddr)
                self.counters["handshakes_ended:table_full"] += 1
                oldest.end(DtlsSessionClosedError("handshake table full"))
            remote = TinyDtlsRemote(self, sockaddr)
            self._handshaking[sockaddr] = remote
            self.peak_handshakes = max(self.peak_handshakes, len(self._handshaking))
        self._message_interface._received_datagram(remote, data)
        self._schedule_sweep()

    def connected(self, remote: TinyDtlsRemote) -> None:
        if self._handshaking.get(remote.sockaddr) is remote:
            del self._handshaking[remote.sockaddr]
        if self._connections.get(remote.sockaddr) is not remote:
            while len(self._connections) >= self.settings.max_sessions:
                oldest = next(iter(self._connections.values()))
                self.problems.report(Problem.TABLE_FULL, oldest.sockaddr)
                self.counters["sessions_closed:table_full"] += 1
                oldest.close(DtlsSessionClosedError("session table full"))
            self._connections[remote.sockaddr] = remote
            self.peak_sessions = max(self.peak_sessions, len(self._connections))
            self.counters["handshakes_completed"] += 1

    def touch(self, remote: TinyDtlsRemote) -> None:
        if self._connections.get(remote.sockaddr) is remote:
            self._connections.move_to_end(remote.sockaddr)

    def forget(self, remote: TinyDtlsRemote) -> None:
        if self._handshaking.get(remote.sockaddr) is remote:
            del self._handshaking[remote.sockaddr]
            self.counters["handshakes_failed"] += 1
        if self._connections.get(remote.sockaddr) is remote:
            del self._connections[remote.sockaddr]
            self.counters["sessions_closed"] += 1

    def message_interface_error(self, remote: TinyDtlsRemote, exception: Exception) -> None:
        self._interface.remote_failed(remote, exception)

    # timers

    def _next_deadline(self) -> float | None:
        deadlines = []
        if self._handshaking:
            oldest = next(iter(self._handshaking.values()))
            deadlines.append(oldest.started_at + self.settings.handshake_timeout)
        if self._connections:
            least_recent = next(iter(self._connections.values()))
            deadlines.append(least_recent.last_activity + self.settings.idle_timeout)
        return min(deadlines, default=None)

    def _schedule_sweep(self) -> None:
        deadline = self._next_deadline()
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        if deadline is not None and self._transport is not None:
            delay = max(0.0, deadline - self.clock())
            self._sweep = asyncio.get_running_loop().call_later(delay, self.sweep)

    def sweep(self) -> None:
        """Drop timed-out handshakes and idle sessions (tests with a fake clock call this)."""
        self._sweep = None
        now = self.clock()
        while self._handshaking:
            oldest = next(iter(self._handshaking.values()))
            if now - oldest.started_at < self.settings.handshake_timeout:
                break
            self.problems.report(Problem.HANDSHAKE_TIMEOUT, oldest.sockaddr)
            self.counters["handshakes_ended:timeout"] += 1
            oldest.end(DtlsSessionClosedError("handshake timeout"))
        while self._connections:
            least_recent = next(iter(self._connections.values()))
            if now - least_recent.last_activity < self.settings.idle_timeout:
                break
            self.counters["sessions_closed:idle"] += 1
            least_recent.close(DtlsSessionClosedError("idle timeout"))
        self._schedule_sweep()

    async def close_all(self) -> None:
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        remotes = [*self._connections.values(), *self._handshaking.values()]
        for remote in remotes:
            remote.close(error.LibraryShutdown("DTLS server shut down"))
        tasks = [remote._retransmission_task for remote in remotes]
        await asyncio.gather(*tasks, return_exceptions=True)
        self._transport.abort()


class TinyDtlsServerTransport(tinydtls_server.MessageInterfaceTinyDTLSServer, DtlsEndpoint):  # type: ignore[misc]
    """The DTLSSocket backend as an aiocoap message interface and a DtlsEndpoint."""

    backend = "dtlssocket"
    _mman: Any  # set by aiocoap's constructor, None once shut down
    _pool: Any

    @classmethod
    async def create(
        cls,
        bind: tuple[str, int],
        mman: Any,
        log: logging.Logger,
        psk_store: PskStore,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> TinyDtlsServerTransport:
        transport = cls(mman, log, asyncio.get_running_loop())
        transport._pool = await TinyDtlsServerSocket.create_bound(
            bind,
            log,
            transport,
            psk_store=psk_store,
            settings=settings or DtlsSettings(),
            clock=clock,
        )
        return transport

    @property
    def pool(self) -> TinyDtlsServerSocket:
        pool: TinyDtlsServerSocket = self._pool
        return pool

    def _is_own_live(self, remote: Any) -> bool:
        return (
            isinstance(remote, TinyDtlsRemote)
            and remote._protocol is self._pool
            and remote.established
        )

    def remote_failed(self, remote: TinyDtlsRemote, exception: Exception) -> None:
        if self._mman is not None:
            self._mman.dispatch_error(exception, remote)

    def _received_datagram(self, address: Any, datagram: bytes) -> None:
        if self._mman is not None and self._is_own_live(address):
            super()._received_datagram(address, datagram)

    def _received_exception(self, address: Any, exception: Exception) -> None:
        if self._mman is not None:
            self._mman.dispatch_error(exception, address)

    def send(self, message: Any) -> None:
        if self._mman is None:
            return
        if self._is_own_live(message.remote):
            message.remote.send(message.encode())
            return
        asyncio.get_running_loop().call_soon(
            self._mman.dispatch_error,
            DtlsSessionClosedError("no DTLS session"),
            message.remote,
        )

    async def recognize_remote(self, remote: Any) -> bool:
        return self._is_own_live(remote)

    async def determine_remote(self, message: Any) -> TinyDtlsRemote | None:
        remote = message.remote
        if isinstance(remote, TinyDtlsRemote):
            if remote._protocol is self._pool:
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
        for candidate in reversed(self.pool.remotes()):
            if str(candidate.sockaddr[0]) == host and candidate.sockaddr[1] == port:
                return candidate
        return None

    async def shutdown(self) -> None:
        self._mman = None
        await self.pool.close_all()

    # DtlsEndpoint

    @property
    def local_address(self) -> tuple[str, int]:
        return self.pool.local_address

    def stats(self) -> DtlsStats:
        return stats_of(self.backend, self.pool)

    def remote_for_identity(self, identity: bytes) -> TinyDtlsRemote | None:
        for remote in reversed(self.pool.remotes()):
            if remote.psk_identity == identity and remote.established:
                return remote
        return None

    def close_sessions(self, identity: bytes) -> int:
        doomed = [r for r in self.pool.remotes() if r.psk_identity == identity]
        for remote in doomed:
            remote.close(DtlsSessionClosedError("closed locally"))
        return len(doomed)
