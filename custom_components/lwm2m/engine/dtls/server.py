"""Sans-I/O DTLS 1.2 PSK server.

Feed it datagrams with :meth:`DtlsServer.datagram_received`, call
:meth:`DtlsServer.poll` once :meth:`DtlsServer.next_deadline` has passed, and
put what it hands to ``transmit`` on the wire. Nothing here reads a clock
other than the one it is given, or touches a socket.

* No per-peer state before a valid cookie (stateless HMAC cookies), and at most
  one ClientHello answered per datagram: no amplification (RFC 6347 4.2.1).
* Any 0xFEXX record version is accepted on an initial ClientHello (RFC 6347 4.1).
* Cipher suite chosen in the server's order of preference; CBC only with
  encrypt_then_mac; extended master secret when offered.
* An unknown identity gets a random key and fails exactly like a wrong key.
* What does not authenticate or parse is dropped without an answer (RFC 6347
  4.1.2.7): no spoofed record ends a handshake or a session, and the real
  client's next flight still completes (see :mod:`.key_exchange`).
* A new handshake from an address leaves that address's session alone until it
  completes (RFC 6347 4.2.8).
* Connection IDs (RFC 9146): a record that authenticates under a CID and is the
  newest of its session moves the session to the address it came from (RFC 9146 6).
* Limits per PSK identity, per host address and in total (:class:`.DtlsSettings`):
  nobody's established session is pushed out by someone else's.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from enum import IntEnum, StrEnum
from typing import Protocol

from .connection_id import (
    EXT_CONNECTION_ID,
    connection_id_extension,
    new_connection_id,
    parse_connection_id,
)
from .cookies import CookieJar
from .errors import (
    DtlsDecodeError,
    RecordAuthenticationError,
    SessionNotEstablishedError,
)
from .handshake import (
    HandshakeFragment,
    HandshakeType,
    Reassembler,
    encode_handshake,
    parse_handshake_fragments,
)
from .handshake_table import HandshakeTable
from .hello import (
    EXT_ENCRYPT_THEN_MAC,
    EXT_EXTENDED_MASTER_SECRET,
    EXT_RENEGOTIATION_INFO,
    NULL_COMPRESSION,
    TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
    ClientHello,
    hello_verify_request_body,
    offers_dtls_1_2,
    parse_client_hello,
    server_hello_body,
)
from .key_exchange import KeyCandidate
from .keys import finished_verify_data
from .problems import Problem, ProblemLog
from .psk import PskLookup
from .records import DTLS_1_0, DTLS_1_2, ContentType, Record, encode_record, parse_records
from .session import (
    DtlsSession,
    FlightItem,
    Handshake,
    HandshakeState,
    PeerAddress,
    SequenceExhaustedError,
    describe_peer,
    host_of,
)
from .session_table import SessionTable
from .settings import DtlsSettings
from .suites import SUITES_BY_CODE, CipherSuite, Protection

_LOGGER = logging.getLogger(__name__)

MAX_PLAINTEXT = 16384
_MAX_EARLY_RECORDS = 4
# A client's Finished is far smaller, with a CID and CBC padding included.
_MAX_EARLY_RECORD_SIZE = 512
# ClientKeyExchanges kept apart per handshake (a spoofer's and the client's own).
_MAX_KEY_EXCHANGES = 4
# Fragmented ClientKeyExchanges being reassembled at once, by their total length.
_MAX_REASSEMBLIES = 2
# Expiries and retransmissions per poll(); the rest follows on the next one, so a
# mass expiry never holds the event loop in one callback.
_MAX_TIMER_WORK = 256
# Below this share of max_sessions a full table counts as having room again.
_ROOM_AGAIN = 0.9


class AlertLevel(IntEnum):
    WARNING = 1
    FATAL = 2


class Alert(IntEnum):
    CLOSE_NOTIFY = 0
    UNEXPECTED_MESSAGE = 10
    HANDSHAKE_FAILURE = 40
    DECODE_ERROR = 50
    DECRYPT_ERROR = 51
    PROTOCOL_VERSION = 70
    INTERNAL_ERROR = 80
    NO_RENEGOTIATION = 100


class CloseReason(StrEnum):
    """Why an established session ended."""

    PEER_CLOSED = "peer sent close_notify"
    PEER_ALERT = "peer sent a fatal alert"
    IDLE = "idle timeout"
    REPLACED = "replaced by a new handshake from the same address"
    IDENTITY_LIMIT = "replaced by a newer session of the same identity"
    REVOKED = "credentials changed or removed"
    LOCAL = "closed locally"
    SHUTDOWN = "server shut down"
    SEQUENCE_EXHAUSTED = "record sequence numbers exhausted"


class HandshakeEnd(StrEnum):
    """Why a handshake ended without a session."""

    TIMEOUT = "handshake timeout"
    AUTHENTICATION_FAILED = "authentication failed"
    PEER_ALERT = "peer sent an alert"
    TABLE_FULL = "handshake table full"
    SESSIONS_FULL = "session table full"
    ADDRESS_LIMIT = "too many sessions from this address"
    RESTARTED = "peer started over"
    SHUTDOWN = "server shut down"


class SessionListener(Protocol):
    """What the server reports about sessions. Calls never raise into the server."""

    def session_established(self, session: DtlsSession) -> None: ...

    def session_data(self, session: DtlsSession, data: bytes) -> None: ...

    def session_closed(self, session: DtlsSession, reason: CloseReason) -> None: ...

    def session_moved(self, session: DtlsSession, previous: PeerAddress) -> None:
        """``session`` now answers to ``session.peer`` (RFC 9146 6)."""

    def session_table_full(self, full: bool) -> None:
        """The table refused a session for want of room (True), or has room again."""


class DtlsServer:
    """All DTLS state of one server socket."""

    def __init__(
        self,
        psk_lookup: PskLookup,
        transmit: Callable[[PeerAddress, bytes], None],
        listener: SessionListener,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> None:
        self._psk_lookup = psk_lookup
        self._transmit = transmit
        self._listener = listener
        self.settings = settings or DtlsSettings()
        self._clock = clock
        self._logger = logger or _LOGGER
        self._suites: list[CipherSuite] = [
            SUITES_BY_CODE[code] for code in self.settings.cipher_suites
        ]
        self._cid_length = self.settings.connection_id_length or 0
        self._cookies = CookieJar(self.settings.cookie_rotation, clock)
        self._problems = ProblemLog(self._logger, clock, self.settings.problem_log_interval)
        self._handshakes = HandshakeTable()
        self._sessions = SessionTable()
        self._retransmissions: list[tuple[float, int, Handshake]] = []
        self._tiebreak = itertools.count()
        self._timer_work_left = False
        self.table_full = False
        self.counters: Counter[str] = Counter()
        self.peak_sessions = 0
        self.peak_handshakes = 0

    # ---------------------------------------------------------------- queries

    @property
    def sessions_count(self) -> int:
        return len(self._sessions)

    @property
    def handshakes_count(self) -> int:
        return len(self._handshakes)

    @property
    def early_bytes(self) -> int:
        """Bytes of records kept for handshakes that cannot decrypt them yet."""
        return self._handshakes.early_bytes

    def session(self, peer: PeerAddress) -> DtlsSession | None:
        """The established session with ``peer``, if any."""
        return self._sessions.at(peer)

    def sessions(self) -> Iterator[DtlsSession]:
        return iter(self._sessions)

    def is_current(self, session: DtlsSession) -> bool:
        return not session.closed and session in self._sessions

    def rotate_cookie_secret(self) -> None:
        self._cookies.rotate()

    # ---------------------------------------------------------------- input

    def datagram_received(self, data: bytes, peer: PeerAddress) -> None:
        now = self._clock()
        self.counters["datagrams"] += 1
        try:
            records = parse_records(data, self._cid_length)
        except DtlsDecodeError:
            self._malformed(peer)
            return
        hello_seen = False
        for record in records:
            if record.cid:
                self._cid_record(record, peer, now)
            elif record.epoch == 0 and _is_client_hello(record):
                if hello_seen:
                    # RFC 6347 4.2.1: no amplification; one answer per datagram at most.
                    self.counters["client_hellos_ignored"] += 1
                    continue
                hello_seen = True
                self._client_hello(record, peer, now)
            elif record.epoch == 0:
                self._epoch0_record(record, peer, now)
            elif record.epoch == 1:
                self._epoch1_record(record, peer, now)
            else:
                self.counters["dropped"] += 1

    def _malformed(self, peer: PeerAddress) -> None:
        self.counters["malformed"] += 1
        self._problems.report(Problem.MALFORMED, peer)

    def _epoch0_record(self, record: Record, peer: PeerAddress, now: float) -> None:
        if record.content_type == ContentType.CHANGE_CIPHER_SPEC:
            return  # carries nothing: keys switch on the server's own state
        handshake = self._handshakes.get(peer)
        if (
            handshake is None
            or record.version != DTLS_1_2
            or record.content_type != ContentType.HANDSHAKE
        ):
            # Plaintext never touches a session, and a plaintext alert authenticates
            # nothing: it ends no handshake either (RFC 6347 4.1.2.7).
            self.counters["dropped"] += 1
            return
        try:
            fragments = parse_handshake_fragments(record.fragment)
        except DtlsDecodeError:
            self._malformed(peer)
            return
        for fragment in fragments:
            if (
                fragment.msg_type == HandshakeType.CLIENT_KEY_EXCHANGE
                and fragment.message_seq == handshake.key_exchange_seq
            ):
                self._key_exchange_fragment(handshake, fragment, now)
            else:
                self.counters["dropped"] += 1
            if handshake.state is HandshakeState.ENDED:
                return

    def _epoch1_record(self, record: Record, peer: PeerAddress, now: float) -> None:
        session = self._sessions.by_address(peer)
        if session is not None and self._session_record(session, record, peer, now):
            return
        handshake = self._handshakes.get(peer)
        if handshake is not None and not handshake.cid:
            self._handshake_record(handshake, record, now)
        elif session is None:
            self.counters["dropped"] += 1

    def _cid_record(self, record: Record, peer: PeerAddress, now: float) -> None:
        """A tls12_cid record: its CID, not its source address, names its session."""
        session = self._sessions.by_cid(record.cid)
        if session is not None:
            self._session_record(session, record, peer, now)
            return
        handshake = self._handshakes.get(peer)
        if handshake is not None and handshake.cid == record.cid:
            self._handshake_record(handshake, record, now)
        else:
            self.counters["dropped"] += 1

    # ---------------------------------------------------------------- ClientHello

    def _client_hello(self, record: Record, peer: PeerAddress, now: float) -> None:
        try:
            fragments = parse_handshake_fragments(record.fragment)
            if len(fragments) != 1 or not fragments[0].is_whole_message:
                # Like most servers, an initial ClientHello must fit one record.
                raise DtlsDecodeError("fragmented ClientHello")
            fragment = fragments[0]
            hello = parse_client_hello(fragment.body)
            offered_cid = hello.extensions.get(EXT_CONNECTION_ID)
            peer_cid = None if offered_cid is None else parse_connection_id(offered_cid)
        except DtlsDecodeError:
            self._malformed(peer)
            return
        current = self._handshakes.get(peer)
        if current is not None and hello.random == current.client_random:
            if fragment.message_seq == current.client_hello_seq:
                self._retransmit_on_demand(current, now)  # our flight got lost
            return
        if not offers_dtls_1_2(hello):
            self._refuse_hello(peer, record, Alert.PROTOCOL_VERSION)
            return
        if not self._cookies.verify(peer, hello):
            if hello.cookie:
                self.counters["bad_cookie"] += 1
                self._problems.report(Problem.BAD_COOKIE, peer)
            self._hello_verify_request(peer, record, fragment.message_seq, hello)
            return
        suite = self._choose_suite(hello)
        offers_ems = EXT_EXTENDED_MASTER_SECRET in hello.extensions
        renegotiation_info = hello.extensions.get(EXT_RENEGOTIATION_INFO)
        if (
            suite is None
            or NULL_COMPRESSION not in hello.compression_methods
            or (self.settings.require_extended_master_secret and not offers_ems)
            or renegotiation_info not in (None, b"\x00")
        ):
            self._refuse_hello(peer, record, Alert.HANDSHAKE_FAILURE)
            return
        if current is not None:
            self._end_handshake(current, HandshakeEnd.RESTARTED)
        if not self._make_room_for_handshake(peer):
            return
        cid = None if peer_cid is None else self._new_cid()
        if cid is None:
            peer_cid = None  # not configured, or no free CID: no extension in the answer
        handshake = Handshake(
            peer,
            now,
            suite,
            offers_ems,
            hello.random,
            os.urandom(32),
            fragment.message_seq,
            record.sequence_number,
            self.settings.initial_retransmit_timeout,
            cid=cid,
            peer_cid=peer_cid or b"",
        )
        self._start_flight(handshake, hello, fragment.message_seq, fragment.body, offers_ems)
        self._handshakes.add(handshake)
        self.peak_handshakes = max(self.peak_handshakes, len(self._handshakes))
        self.counters["handshakes_started"] += 1
        self._send_flight(handshake)
        self._arm_retransmission(handshake, now)

    def _make_room_for_handshake(self, peer: PeerAddress) -> bool:
        """Room for a handshake with ``peer``; False when its host has too many already."""
        if self._handshakes.on_host(host_of(peer)) >= self.settings.max_handshakes_per_address:
            self.counters["handshakes_refused:address_limit"] += 1
            self._problems.report(Problem.ADDRESS_LIMIT, peer)
            return False
        while len(self._handshakes) >= self.settings.max_handshakes:
            victim = self._handshakes.oldest_of_busiest_host()
            if victim is None:
                break
            self._problems.report(Problem.TABLE_FULL, victim.peer)
            self._end_handshake(victim, HandshakeEnd.TABLE_FULL)
        return True

    def _new_cid(self) -> bytes | None:
        if self.settings.connection_id_length is None:
            return None
        return new_connection_id(
            self._cid_length,
            lambda cid: self._sessions.cid_in_use(cid) or self._handshakes.cid_in_use(cid),
        )

    def _refuse_hello(self, peer: PeerAddress, record: Record, alert: Alert) -> None:
        self._plain_alert(peer, record.sequence_number, alert)
        self.counters["negotiation_failed"] += 1
        self._problems.report(Problem.NEGOTIATION_FAILED, peer)

    def _hello_verify_request(
        self, peer: PeerAddress, record: Record, message_seq: int, hello: ClientHello
    ) -> None:
        cookie = self._cookies.issue(peer, hello)
        message = encode_handshake(
            HandshakeType.HELLO_VERIFY_REQUEST, message_seq, hello_verify_request_body(cookie)
        )
        # RFC 6347 4.2.1: echo the ClientHello's record sequence number.
        self._transmit(
            peer,
            encode_record(ContentType.HANDSHAKE, DTLS_1_0, 0, record.sequence_number, message),
        )
        self.counters["hello_verify_requests"] += 1

    def _choose_suite(self, hello: ClientHello) -> CipherSuite | None:
        offered = set(hello.cipher_suites)
        encrypt_then_mac = EXT_ENCRYPT_THEN_MAC in hello.extensions
        for suite in self._suites:
            if suite.code not in offered:
                continue
            if suite.protection is Protection.CBC_ENCRYPT_THEN_MAC and not encrypt_then_mac:
                continue
            return suite
        return None

    def _start_flight(
        self,
        handshake: Handshake,
        hello: ClientHello,
        message_seq: int,
        hello_body: bytes,
        offers_ems: bool,
    ) -> None:
        extensions: list[tuple[int, bytes]] = []
        if (
            EXT_RENEGOTIATION_INFO in hello.extensions
            or TLS_EMPTY_RENEGOTIATION_INFO_SCSV in hello.cipher_suites
        ):
            extensions.append((EXT_RENEGOTIATION_INFO, b"\x00"))
        if offers_ems:
            extensions.append((EXT_EXTENDED_MASTER_SECRET, b""))
        if handshake.suite.protection is Protection.CBC_ENCRYPT_THEN_MAC:
            extensions.append((EXT_ENCRYPT_THEN_MAC, b""))
        if handshake.cid is not None:
            # RFC 9146 3: only in answer to a client that offered the extension.
            extensions.append((EXT_CONNECTION_ID, connection_id_extension(handshake.cid)))
        # RFC 6347 4.2.2: the ServerHello takes the message_seq of the ClientHello.
        server_hello = encode_handshake(
            HandshakeType.SERVER_HELLO,
            handshake.client_hello_seq,
            server_hello_body(handshake.server_random, handshake.suite.code, extensions),
        )
        hello_done = encode_handshake(
            HandshakeType.SERVER_HELLO_DONE, handshake.key_exchange_seq, b""
        )
        assert handshake.transcript is not None
        handshake.transcript.update(
            encode_handshake(HandshakeType.CLIENT_HELLO, message_seq, hello_body)
        )
        handshake.transcript.update(server_hello)
        handshake.transcript.update(hello_done)
        handshake.flight = [
            (ContentType.HANDSHAKE, 0, server_hello),
            (ContentType.HANDSHAKE, 0, hello_done),
        ]

    # ---------------------------------------------------------------- the client's last flight

    def _key_exchange_fragment(
        self, handshake: Handshake, fragment: HandshakeFragment, now: float
    ) -> None:
        if fragment.is_whole_message:
            self._key_exchange(handshake, fragment.body, now)
            return
        # Fragments are grouped by the total length they claim, so a spoofed fragment
        # with another length cannot spoil the client's own (RFC 6347 4.2.3).
        reassembler = handshake.reassembly.get(fragment.length)
        if reassembler is None:
            if len(handshake.reassembly) >= _MAX_REASSEMBLIES:
                self.counters["dropped"] += 1
                return
            reassembler = Reassembler(HandshakeType.CLIENT_KEY_EXCHANGE, fragment.length, 0)
            handshake.reassembly[fragment.length] = reassembler
        try:
            reassembler.add(fragment, 0)
        except DtlsDecodeError:
            # Overlapping fragments that disagree: start over; a retransmission rebuilds it.
            del handshake.reassembly[fragment.length]
            self._malformed(handshake.peer)
            return
        if reassembler.complete:
            del handshake.reassembly[fragment.length]
            self._key_exchange(handshake, reassembler.message(), now)

    def _key_exchange(self, handshake: Handshake, body: bytes, now: float) -> None:
        if handshake.transcript is None or any(c.body == body for c in handshake.candidates):
            return  # a retransmission: its Finished finds the keys already there
        try:
            candidate = KeyCandidate.derive(
                body,
                handshake.key_exchange_seq,
                handshake.transcript,
                handshake.suite,
                handshake.client_random,
                handshake.server_random,
                extended=handshake.extended_master_secret,
                lookup=lambda identity: self._lookup_psk(identity, handshake.peer),
            )
        except DtlsDecodeError:
            self._malformed(handshake.peer)  # e.g. an empty or over-long identity
            return
        if not candidate.identity_known:
            self.counters["unknown_identity"] += 1
        if len(handshake.candidates) >= _MAX_KEY_EXCHANGES:
            handshake.candidates.pop(0).wipe()
        handshake.candidates.append(candidate)
        for record in self._handshakes.take_early(handshake):
            if handshake.state is HandshakeState.ENDED:
                return
            self._handshake_record(handshake, record, now, early=True)

    def _lookup_psk(self, identity: bytes, peer: PeerAddress) -> bytes | None:
        try:
            key = self._psk_lookup(identity)
        except Exception:  # a broken store must not take the server down
            self.counters["store_errors"] += 1
            self._problems.report(Problem.STORE_FAILED, peer)
            return None
        if not isinstance(key, bytes) or not key:
            return None
        return key

    def _handshake_record(
        self, handshake: Handshake, record: Record, now: float, *, early: bool = False
    ) -> None:
        """An epoch-1 record during the handshake: the client's Finished, or junk."""
        if record.version != DTLS_1_2 or not handshake.replay_window.is_fresh(
            record.sequence_number
        ):
            self.counters["dropped"] += 1
            return
        for candidate in reversed(handshake.candidates):
            assert candidate.client_write is not None
            try:
                content_type, plaintext = candidate.client_write.unprotect(record)
            except RecordAuthenticationError:
                continue
            handshake.replay_window.accept(record.sequence_number)
            self._authenticated_handshake_record(handshake, candidate, content_type, plaintext)
            return
        # No keys yet (the Finished overtook the key exchange), or keys it does not
        # match: kept for a key exchange still to come, within limits, else dropped.
        if handshake.candidates and not early:
            self.counters["decrypt_failed"] += 1
            handshake.auth_failures += 1
        if len(record.fragment) > _MAX_EARLY_RECORD_SIZE or not self._handshakes.buffer_early(
            handshake,
            record,
            per_handshake=_MAX_EARLY_RECORDS,
            total=self.settings.max_early_bytes,
        ):
            self.counters["early_dropped"] += 1

    def _authenticated_handshake_record(
        self, handshake: Handshake, candidate: KeyCandidate, content_type: int, plaintext: bytes
    ) -> None:
        if content_type == ContentType.ALERT and len(plaintext) == 2:
            self._end_handshake(handshake, HandshakeEnd.PEER_ALERT)
            return
        try:
            fragments = parse_handshake_fragments(plaintext)
        except DtlsDecodeError:
            fragments = []
        if (
            content_type != ContentType.HANDSHAKE
            or len(fragments) != 1
            or not fragments[0].is_whole_message
            or fragments[0].msg_type != HandshakeType.FINISHED
            or fragments[0].message_seq != handshake.finished_seq
        ):
            self._malformed(handshake.peer)
            return
        if not (candidate.identity_known and candidate.verifies(fragments[0].body)):
            self.counters["finished_failed"] += 1
            handshake.auth_failures += 1
            return
        self._client_finished(handshake, candidate, fragments[0].body)

    def _client_finished(
        self, handshake: Handshake, candidate: KeyCandidate, verify_data: bytes
    ) -> None:
        identity = candidate.identity
        if not candidate.still_keyed(self._lookup_psk(identity, handshake.peer)):
            # The identity's key was changed or removed while the handshake ran.
            self._problems.report(Problem.AUTHENTICATION_FAILED, handshake.peer)
            self._end_handshake(handshake, HandshakeEnd.AUTHENTICATION_FAILED)
            return
        refusal, displaced = self._admission(identity, handshake.peer)
        if refusal is not None:
            self._refuse_session(handshake, refusal)
            return
        transcript, read, write = (
            candidate.transcript,
            candidate.client_write,
            candidate.server_write,
        )
        assert transcript is not None
        assert read is not None
        assert write is not None
        transcript.update(
            encode_handshake(HandshakeType.FINISHED, handshake.finished_seq, verify_data)
        )
        # RFC 6347 4.2.2: the server's messages continue the sequence from its ServerHello.
        server_finished = encode_handshake(
            HandshakeType.FINISHED,
            handshake.finished_seq,
            finished_verify_data(
                candidate.master_secret, from_client=False, handshake_hash=transcript.digest()
            ),
        )
        final_flight: list[FlightItem] = [
            (ContentType.CHANGE_CIPHER_SPEC, 0, b"\x01"),
            (ContentType.HANDSHAKE, 1, server_finished),
        ]
        writer = handshake.hand_over_writer(write)
        session = DtlsSession(handshake, identity, read, writer, final_flight, self._clock())
        self._handshakes.remove(handshake)
        handshake.wipe()
        for old, reason in displaced:
            self._close(old, reason, notify_peer=reason is not CloseReason.REPLACED)
        self._sessions.add(session)
        self.peak_sessions = max(self.peak_sessions, len(self._sessions))
        self.counters["handshakes_completed"] += 1
        self._transmit(session.peer, session.seal_flight(session.final_flight))
        self._notify(self._listener.session_established, session)

    def _admission(
        self, identity: bytes, peer: PeerAddress
    ) -> tuple[HandshakeEnd | None, list[tuple[DtlsSession, CloseReason]]]:
        """Whether a new session of ``identity`` at ``peer`` fits, and what it replaces.

        It replaces the session at its own address (RFC 6347 4.2.8) and, beyond the
        identity's limit, that identity's least recently active sessions; it never
        replaces another identity's session elsewhere: a full table refuses it.
        """
        displaced: list[tuple[DtlsSession, CloseReason]] = []
        at_address = self._sessions.by_address(peer)
        if at_address is not None:
            displaced.append((at_address, CloseReason.REPLACED))
        own = self._sessions.of_identity(identity)
        displaced += [
            (session, CloseReason.REPLACED)
            for session in own
            if session.peer == peer and session is not at_address
        ]
        kept = [session for session in own if all(session is not d for d, _ in displaced)]
        excess = len(kept) + 1 - self.settings.max_sessions_per_identity
        displaced += [(session, CloseReason.IDENTITY_LIMIT) for session in kept[: max(0, excess)]]
        host = host_of(peer)
        freed_here = sum(1 for session, _ in displaced if session.host == host)
        if self._sessions.on_host(host) - freed_here >= self.settings.max_sessions_per_address:
            return HandshakeEnd.ADDRESS_LIMIT, []
        if len(self._sessions) - len(displaced) >= self.settings.max_sessions:
            return HandshakeEnd.SESSIONS_FULL, []
        return None, displaced

    def _refuse_session(self, handshake: Handshake, refusal: HandshakeEnd) -> None:
        if refusal is HandshakeEnd.SESSIONS_FULL:
            self.counters["sessions_refused:table_full"] += 1
            self._problems.report(Problem.SESSION_TABLE_FULL, handshake.peer)
            if not self.table_full:
                self.table_full = True
                self._notify(self._listener.session_table_full, True)
        else:
            self.counters["sessions_refused:address_limit"] += 1
            self._problems.report(Problem.ADDRESS_LIMIT, handshake.peer)
        # The client proved its key: it is told, in the clear as any handshake alert.
        alert = bytes([AlertLevel.FATAL, Alert.INTERNAL_ERROR])
        self._transmit(handshake.peer, handshake.writer.seal(ContentType.ALERT, 0, alert))
        self._end_handshake(handshake, refusal)

    # ---------------------------------------------------------------- sessions

    def _session_record(
        self, session: DtlsSession, record: Record, peer: PeerAddress, now: float
    ) -> bool:
        """Handle an epoch-1 record for an established session; False if it is not its."""
        if record.version != DTLS_1_2 or not session.replay_window.is_fresh(record.sequence_number):
            self.counters["replayed"] += 1
            return False
        try:
            content_type, plaintext = session.unprotect(record)
        except RecordAuthenticationError:
            self.counters["decrypt_failed"] += 1
            if self._handshakes.get(session.peer) is None:
                self._problems.report(Problem.DECRYPT_FAILED, session.peer)
            return False
        newest = record.sequence_number > session.replay_window.highest
        session.replay_window.accept(record.sequence_number)
        if peer != session.peer and session.cid and newest:
            self._move(session, peer)
        session.last_activity = now
        self._sessions.touch(session)
        if content_type == ContentType.APPLICATION_DATA:
            session.final_flight = []  # the client got our Finished
            self.counters["records_received"] += 1
            self._notify(self._listener.session_data, session, plaintext)
        elif content_type == ContentType.HANDSHAKE:
            self._session_handshake(session, plaintext, now)
        elif content_type == ContentType.ALERT and len(plaintext) == 2:
            level, description = plaintext
            if description == Alert.CLOSE_NOTIFY:
                self._close(session, CloseReason.PEER_CLOSED)
            elif level == AlertLevel.FATAL:
                self._close(session, CloseReason.PEER_ALERT, notify_peer=False)
        return True

    def _move(self, session: DtlsSession, peer: PeerAddress) -> None:
        """Replies follow a client whose address changed (a NAT rebinding).

        RFC 9146 6 allows it for a record that authenticated and is newer than any
        the session had: a replayed or reordered record moves nothing. The check of
        the new address that section also asks for is the record itself: in LwM2M
        the device speaks first after a rebinding, and what an attacker who rewrites
        source addresses can do with this is misdirect replies, which stay encrypted.
        """
        previous = session.peer
        session.peer = peer
        self._sessions.moved(session, previous)
        self.counters["sessions_moved"] += 1
        self._logger.debug("DTLS session %r moved from %s", session, describe_peer(previous))
        self._notify(self._listener.session_moved, session, previous)

    def _session_handshake(self, session: DtlsSession, plaintext: bytes, now: float) -> None:
        try:
            fragments = parse_handshake_fragments(plaintext)
        except DtlsDecodeError:
            self._malformed(session.peer)
            return
        for fragment in fragments:
            if (
                fragment.msg_type == HandshakeType.FINISHED
                and fragment.message_seq == session.client_finished_seq
                and session.final_flight
            ):
                # The client did not get our Finished and sent its last flight again.
                if now - session.last_reply_at >= self.settings.initial_retransmit_timeout / 2:
                    session.last_reply_at = now
                    self._send_on_session(session, session.final_flight)
                return
            if fragment.msg_type == HandshakeType.CLIENT_HELLO:
                alert = bytes([AlertLevel.WARNING, Alert.NO_RENEGOTIATION])
                self._send_on_session(session, [(ContentType.ALERT, 1, alert)])
                return

    def send(self, session: DtlsSession, data: bytes) -> None:
        """Send application data over an established session."""
        if not self.is_current(session):
            raise SessionNotEstablishedError("the DTLS session is gone")
        if len(data) > MAX_PLAINTEXT:
            raise ValueError("application data exceeds one record")
        if not self._send_on_session(session, [(ContentType.APPLICATION_DATA, 1, data)]):
            raise SessionNotEstablishedError("the DTLS session is gone")
        self.counters["records_sent"] += 1

    def _send_on_session(self, session: DtlsSession, flight: list[FlightItem]) -> bool:
        try:
            datagram = session.seal_flight(flight)
        except SequenceExhaustedError:
            self._close(session, CloseReason.SEQUENCE_EXHAUSTED, notify_peer=False)
            return False
        self._transmit(session.peer, datagram)
        return True

    def close(self, session: DtlsSession, reason: CloseReason = CloseReason.LOCAL) -> None:
        """Send close_notify and forget the session."""
        if self.is_current(session):
            self._close(session, reason)

    def close_all(self, reason: CloseReason = CloseReason.SHUTDOWN) -> None:
        for session in self._sessions:
            self._close(session, reason)
        for handshake in self._handshakes:
            self._end_handshake(handshake, HandshakeEnd.SHUTDOWN)

    def _close(
        self, session: DtlsSession, reason: CloseReason, *, notify_peer: bool = True
    ) -> None:
        if session.closed:
            return
        if notify_peer:
            alert = bytes([AlertLevel.WARNING, Alert.CLOSE_NOTIFY])
            with contextlib.suppress(SequenceExhaustedError):
                self._transmit(session.peer, session.seal(ContentType.ALERT, alert))
        self._sessions.remove(session)
        session.closed = True
        session.close_reason = reason.value
        session.forget_keys()
        self.counters[f"sessions_closed:{reason.name.lower()}"] += 1
        self._logger.debug("DTLS session %r closed: %s", session, reason.value)
        self._notify(self._listener.session_closed, session, reason)
        if self.table_full and len(self._sessions) <= self.settings.max_sessions * _ROOM_AGAIN:
            self.table_full = False
            self._notify(self._listener.session_table_full, False)

    # ---------------------------------------------------------------- endings, output

    def _end_handshake(self, handshake: Handshake, end: HandshakeEnd) -> None:
        self._handshakes.remove(handshake)
        if handshake.state is HandshakeState.ENDED:
            return
        handshake.wipe()
        self.counters["handshakes_failed"] += 1
        self.counters[f"handshakes_ended:{end.name.lower()}"] += 1
        self._logger.debug("DTLS handshake %r ended: %s", handshake, end.value)

    def _plain_alert(self, peer: PeerAddress, sequence: int, alert: Alert) -> None:
        fragment = bytes([AlertLevel.FATAL, alert])
        self._transmit(peer, encode_record(ContentType.ALERT, DTLS_1_2, 0, sequence, fragment))

    def _send_flight(self, handshake: Handshake) -> None:
        if handshake.flight:
            self._transmit(handshake.peer, handshake.writer.seal_flight(handshake.flight))

    def _retransmit_on_demand(self, handshake: Handshake, now: float) -> None:
        # At most one answer per half initial timeout: a peer cannot make us amplify.
        if now - handshake.last_reply_at >= self.settings.initial_retransmit_timeout / 2:
            handshake.last_reply_at = now
            self._send_flight(handshake)

    def _arm_retransmission(self, handshake: Handshake, now: float) -> None:
        heapq.heappush(
            self._retransmissions,
            (now + handshake.retransmit_timeout, next(self._tiebreak), handshake),
        )

    def _notify(self, callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:
            # The application's error must not corrupt DTLS state. No payload is logged.
            self._logger.exception("DTLS session listener %s failed", callback.__name__)

    # ---------------------------------------------------------------- time

    def next_deadline(self) -> float | None:
        """When :meth:`poll` has something to do, in the clock's time base."""
        if self._timer_work_left:
            return self._clock()
        candidates: list[float] = []
        while self._retransmissions and not self._awaits_retransmission(
            self._retransmissions[0][2]
        ):
            heapq.heappop(self._retransmissions)
        if self._retransmissions:
            candidates.append(self._retransmissions[0][0])
        oldest = self._handshakes.oldest()
        if oldest is not None:
            candidates.append(oldest.started_at + self.settings.handshake_timeout)
        least_recent = self._sessions.least_recent()
        if least_recent is not None:
            candidates.append(least_recent.last_activity + self.settings.idle_timeout)
        return min(candidates, default=None)

    def _awaits_retransmission(self, handshake: Handshake) -> bool:
        """Until a key exchange arrives; after that the client's own retransmission
        of its ClientHello still gets our flight again (``_retransmit_on_demand``)."""
        return self._handshakes.get(handshake.peer) is handshake and not handshake.candidates

    def poll(self) -> None:
        """Retransmit, and expire handshakes and idle sessions that are due.

        At most ``_MAX_TIMER_WORK`` of them per call: when more are due,
        :meth:`next_deadline` says so at once and the next call goes on.
        """
        now = self._clock()
        budget = _MAX_TIMER_WORK
        while budget and (oldest := self._handshakes.oldest()) is not None:
            if now - oldest.started_at < self.settings.handshake_timeout:
                break
            budget -= 1
            if oldest.auth_failures:
                # A Finished that did not verify: a wrong key or an unknown identity,
                # told only now, since a spoofer could have sent it as well.
                self._problems.report(Problem.AUTHENTICATION_FAILED, oldest.peer)
                self._end_handshake(oldest, HandshakeEnd.AUTHENTICATION_FAILED)
            else:
                self._problems.report(Problem.HANDSHAKE_TIMEOUT, oldest.peer)
                self._end_handshake(oldest, HandshakeEnd.TIMEOUT)
        while budget and self._retransmissions and self._retransmissions[0][0] <= now:
            _, _, handshake = heapq.heappop(self._retransmissions)
            if not self._awaits_retransmission(handshake):
                continue
            budget -= 1
            handshake.last_reply_at = now
            self._send_flight(handshake)
            handshake.retransmit_timeout = min(
                handshake.retransmit_timeout * 2, self.settings.max_retransmit_timeout
            )
            self._arm_retransmission(handshake, now)
        while budget and (least_recent := self._sessions.least_recent()) is not None:
            if now - least_recent.last_activity < self.settings.idle_timeout:
                break
            budget -= 1
            self._close(least_recent, CloseReason.IDLE)
        self._timer_work_left = budget == 0


def _is_client_hello(record: Record) -> bool:
    return record.content_type == ContentType.HANDSHAKE and record.fragment[:1] == bytes(
        [HandshakeType.CLIENT_HELLO]
    )
