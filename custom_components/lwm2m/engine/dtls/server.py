"""Sans-I/O DTLS 1.2 PSK server.

Feed it datagrams with :meth:`DtlsServer.datagram_received`, call
:meth:`DtlsServer.poll` once :meth:`DtlsServer.next_deadline` has passed, and
put what it hands to ``transmit`` on the wire. Nothing here reads a clock
other than the one it is given, or touches a socket.

* No per-peer state before a valid cookie (stateless HMAC cookies).
* Any 0xFEXX record version is accepted on an initial ClientHello (RFC 6347 4.1).
* Cipher suite chosen in the server's order of preference; CBC only with
  encrypt_then_mac; extended master secret when offered.
* An unknown identity gets a random key and fails exactly like a wrong key.
* Unauthenticated records never end an established session.
* A new handshake from an address leaves that address's session alone until it
  completes (RFC 6347 4.2.8).
"""

from __future__ import annotations

import contextlib
import heapq
import hmac
import itertools
import logging
import os
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from enum import IntEnum, StrEnum
from typing import Protocol

from .cookies import CookieJar
from .errors import (
    DtlsDecodeError,
    RecordAuthenticationError,
    SessionNotEstablishedError,
)
from .handshake import (
    HandshakeType,
    Reassembler,
    encode_handshake,
    parse_handshake_fragments,
)
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
    parse_psk_client_key_exchange,
    server_hello_body,
)
from .keys import extended_master_secret, finished_verify_data, key_block, master_secret
from .problems import Problem, ProblemLog
from .protection import directional_protections
from .psk import PskStore
from .records import DTLS_1_0, DTLS_1_2, ContentType, Record, encode_record, parse_records
from .session import (
    FlightItem,
    Handshake,
    HandshakeState,
    PeerAddress,
    SequenceExhaustedError,
    Session,
)
from .settings import DtlsSettings
from .suites import SUITES_BY_CODE, CipherSuite, Protection

_LOGGER = logging.getLogger(__name__)

MAX_PLAINTEXT = 16384
_MAX_EARLY_RECORDS = 4
_MAX_MESSAGES_AHEAD = 2
_UNKNOWN_IDENTITY_KEY_LENGTH = 16


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
    NO_RENEGOTIATION = 100


class CloseReason(StrEnum):
    """Why an established session ended."""

    PEER_CLOSED = "peer sent close_notify"
    PEER_ALERT = "peer sent a fatal alert"
    IDLE = "idle timeout"
    TABLE_FULL = "session table full"
    REPLACED = "replaced by a new handshake from the same address"
    LOCAL = "closed locally"
    SHUTDOWN = "server shut down"
    SEQUENCE_EXHAUSTED = "record sequence numbers exhausted"


class HandshakeEnd(StrEnum):
    """Why a handshake ended without a session."""

    TIMEOUT = "handshake timeout"
    AUTHENTICATION_FAILED = "authentication failed"
    PROTOCOL_ERROR = "protocol error"
    PEER_ALERT = "peer sent an alert"
    TABLE_FULL = "handshake table full"
    RESTARTED = "peer started over"
    SHUTDOWN = "server shut down"


class SessionListener(Protocol):
    """What the server reports about sessions. Calls never raise into the server."""

    def session_established(self, session: Session) -> None: ...

    def session_data(self, session: Session, data: bytes) -> None: ...

    def session_closed(self, session: Session, reason: CloseReason) -> None: ...


class DtlsServer:
    """All DTLS state of one server socket."""

    def __init__(
        self,
        psk_store: PskStore,
        transmit: Callable[[PeerAddress, bytes], None],
        listener: SessionListener,
        *,
        settings: DtlsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> None:
        self._psk_store = psk_store
        self._transmit = transmit
        self._listener = listener
        self.settings = settings or DtlsSettings()
        self._clock = clock
        self._logger = logger or _LOGGER
        self._suites: list[CipherSuite] = [
            SUITES_BY_CODE[code] for code in self.settings.cipher_suites
        ]
        self._cookies = CookieJar(self.settings.cookie_rotation, clock)
        self._problems = ProblemLog(self._logger, clock, self.settings.problem_log_interval)
        self._handshakes: OrderedDict[PeerAddress, Handshake] = OrderedDict()  # by start
        self._sessions: OrderedDict[PeerAddress, Session] = OrderedDict()  # by activity
        self._retransmissions: list[tuple[float, int, Handshake]] = []
        self._tiebreak = itertools.count()
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

    def session(self, peer: PeerAddress) -> Session | None:
        """The established session with ``peer``, if any."""
        return self._sessions.get(peer)

    def sessions(self) -> Iterator[Session]:
        return iter(list(self._sessions.values()))

    def is_current(self, session: Session) -> bool:
        return not session.closed and self._sessions.get(session.peer) is session

    def rotate_cookie_secret(self) -> None:
        self._cookies.rotate()

    # ---------------------------------------------------------------- input

    def datagram_received(self, data: bytes, peer: PeerAddress) -> None:
        now = self._clock()
        self.counters["datagrams"] += 1
        try:
            records = parse_records(data)
        except DtlsDecodeError:
            self._malformed(peer)
            return
        for record in records:
            if record.epoch == 0:
                self._epoch0_record(record, peer, now)
            elif record.epoch == 1:
                self._epoch1_record(record, peer, now)
            else:
                self.counters["dropped"] += 1

    def _malformed(self, peer: PeerAddress) -> None:
        self.counters["malformed"] += 1
        self._problems.report(Problem.MALFORMED, peer)

    def _epoch0_record(self, record: Record, peer: PeerAddress, now: float) -> None:
        if record.content_type == ContentType.HANDSHAKE and record.fragment[:1] == bytes(
            [HandshakeType.CLIENT_HELLO]
        ):
            self._client_hello(record, peer, now)
            return
        handshake = self._handshakes.get(peer)
        if handshake is None or record.version != DTLS_1_2:
            # Plaintext never touches an established session.
            self.counters["dropped"] += 1
            return
        if record.content_type == ContentType.HANDSHAKE:
            try:
                self._handshake_fragments(handshake, record.fragment, 0, now)
            except DtlsDecodeError:
                self._malformed(peer)  # unauthenticated: dropped, the handshake goes on
        elif record.content_type == ContentType.ALERT and len(record.fragment) == 2:
            level, description = record.fragment
            if level == AlertLevel.FATAL or description == Alert.CLOSE_NOTIFY:
                self._end_handshake(handshake, HandshakeEnd.PEER_ALERT)
        # A ChangeCipherSpec carries nothing: keys switch on the server's own state.

    def _epoch1_record(self, record: Record, peer: PeerAddress, now: float) -> None:
        session = self._sessions.get(peer)
        if session is not None and self._session_record(session, record, now):
            return
        handshake = self._handshakes.get(peer)
        if handshake is not None:
            self._handshake_record(handshake, record, now, buffered=False)
        elif session is None:
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
        except DtlsDecodeError:
            self._malformed(peer)
            return
        current = self._handshakes.get(peer)
        if current is not None and hello.random == current.client_random:
            if (
                current.state is HandshakeState.WAIT_CLIENT_KEY_EXCHANGE
                and fragment.message_seq == current.client_hello_seq
            ):
                self._retransmit_on_demand(current, now)  # our flight got lost
            return
        if not offers_dtls_1_2(hello):
            self._plain_alert(peer, record.sequence_number, Alert.PROTOCOL_VERSION)
            self.counters["negotiation_failed"] += 1
            self._problems.report(Problem.NEGOTIATION_FAILED, peer)
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
            self._plain_alert(peer, record.sequence_number, Alert.HANDSHAKE_FAILURE)
            self.counters["negotiation_failed"] += 1
            self._problems.report(Problem.NEGOTIATION_FAILED, peer)
            return
        if current is not None:
            self._end_handshake(current, HandshakeEnd.RESTARTED)
        while len(self._handshakes) >= self.settings.max_handshakes:
            oldest = next(iter(self._handshakes.values()))
            self._problems.report(Problem.TABLE_FULL, oldest.peer)
            self._end_handshake(oldest, HandshakeEnd.TABLE_FULL)
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
        )
        self._start_flight(handshake, hello, fragment.message_seq, fragment.body, offers_ems)
        self._handshakes[peer] = handshake
        self.peak_handshakes = max(self.peak_handshakes, len(self._handshakes))
        self.counters["handshakes_started"] += 1
        self._send_flight(handshake)
        self._arm_retransmission(handshake, now)

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
        server_hello = encode_handshake(
            HandshakeType.SERVER_HELLO,
            handshake.next_send_seq,
            server_hello_body(handshake.server_random, handshake.suite.code, extensions),
        )
        hello_done = encode_handshake(
            HandshakeType.SERVER_HELLO_DONE, handshake.next_send_seq + 1, b""
        )
        handshake.next_send_seq += 2
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

    # ---------------------------------------------------------------- handshake

    def _handshake_record(
        self, handshake: Handshake, record: Record, now: float, *, buffered: bool
    ) -> None:
        if handshake.state is HandshakeState.WAIT_CLIENT_KEY_EXCHANGE:
            # The Finished overtook the ClientKeyExchange; keep it for later.
            if len(handshake.early_records) < _MAX_EARLY_RECORDS:
                handshake.early_records.append(record)
            return
        if (
            handshake.client_write is None
            or record.version != DTLS_1_2
            or not handshake.replay_window.is_fresh(record.sequence_number)
        ):
            self.counters["dropped"] += 1
            return
        try:
            plaintext = handshake.client_write.decrypt(
                record.epoch_and_sequence, record.content_type, record.version, record.fragment
            )
        except RecordAuthenticationError:
            self.counters["decrypt_failed"] += 1
            if record.content_type == ContentType.HANDSHAKE and not buffered:
                # The client's Finished: wrong key, or an identity the store does not know.
                self._fail(handshake, Alert.DECRYPT_ERROR, Problem.AUTHENTICATION_FAILED)
            return
        handshake.replay_window.accept(record.sequence_number)
        if record.content_type == ContentType.HANDSHAKE:
            try:
                self._handshake_fragments(handshake, plaintext, 1, now)
            except DtlsDecodeError:
                self._fail(handshake, Alert.DECODE_ERROR, Problem.MALFORMED)
        elif record.content_type == ContentType.ALERT and len(plaintext) == 2:
            self._end_handshake(handshake, HandshakeEnd.PEER_ALERT)

    def _handshake_fragments(
        self, handshake: Handshake, data: bytes, epoch: int, now: float
    ) -> None:
        for fragment in parse_handshake_fragments(data):
            seq = fragment.message_seq
            if seq < handshake.next_receive_seq or seq > handshake.next_receive_seq + (
                _MAX_MESSAGES_AHEAD
            ):
                continue
            reassembler = handshake.reassembly.get(seq)
            if reassembler is None:
                if len(handshake.reassembly) > _MAX_MESSAGES_AHEAD:
                    continue
                reassembler = Reassembler(fragment.msg_type, fragment.length, epoch)
                handshake.reassembly[seq] = reassembler
            reassembler.add(fragment, epoch)
        while handshake.state is not HandshakeState.ENDED:
            ready = handshake.reassembly.get(handshake.next_receive_seq)
            if ready is None or not ready.complete:
                return
            del handshake.reassembly[handshake.next_receive_seq]
            seq = handshake.next_receive_seq
            handshake.next_receive_seq += 1
            self._handshake_message(
                handshake, ready.msg_type, seq, ready.message(), ready.epoch, now
            )

    def _handshake_message(
        self,
        handshake: Handshake,
        msg_type: int,
        message_seq: int,
        body: bytes,
        epoch: int,
        now: float,
    ) -> None:
        if (
            handshake.state is HandshakeState.WAIT_CLIENT_KEY_EXCHANGE
            and msg_type == HandshakeType.CLIENT_KEY_EXCHANGE
            and epoch == 0
        ):
            self._client_key_exchange(handshake, message_seq, body, now)
        elif (
            handshake.state is HandshakeState.WAIT_FINISHED
            and msg_type == HandshakeType.FINISHED
            and epoch == 1
        ):
            self._client_finished(handshake, message_seq, body, now)
        else:
            self._fail(handshake, Alert.UNEXPECTED_MESSAGE, Problem.MALFORMED)

    def _lookup_psk(self, identity: bytes, peer: PeerAddress) -> bytes | None:
        try:
            key = self._psk_store.lookup(identity)
        except Exception:  # a broken store must not take the server down
            self.counters["store_errors"] += 1
            self._problems.report(Problem.STORE_FAILED, peer)
            return None
        if not isinstance(key, bytes) or not key:
            return None
        return key

    def _client_key_exchange(
        self, handshake: Handshake, message_seq: int, body: bytes, now: float
    ) -> None:
        identity = parse_psk_client_key_exchange(body)
        assert handshake.transcript is not None
        handshake.transcript.update(
            encode_handshake(HandshakeType.CLIENT_KEY_EXCHANGE, message_seq, body)
        )
        psk = self._lookup_psk(identity, handshake.peer)
        handshake.identity_known = psk is not None
        if psk is None:
            self.counters["unknown_identity"] += 1
            psk = os.urandom(_UNKNOWN_IDENTITY_KEY_LENGTH)  # fails later like a wrong key
        if handshake.extended_master_secret:
            master = extended_master_secret(psk, handshake.transcript.copy().digest())
        else:
            master = master_secret(psk, handshake.client_random, handshake.server_random)
        del psk
        client_write, server_write = directional_protections(
            handshake.suite,
            key_block(handshake.suite, master, handshake.client_random, handshake.server_random),
        )
        handshake.master_secret = master
        handshake.client_write = client_write
        handshake.writer.protection = server_write
        handshake.psk_identity = identity
        handshake.state = HandshakeState.WAIT_FINISHED
        handshake.flight = []  # the client has our flight: no more retransmissions
        early, handshake.early_records = handshake.early_records, []
        for record in early:
            if handshake.state is not HandshakeState.WAIT_FINISHED:
                break
            self._handshake_record(handshake, record, now, buffered=True)

    def _client_finished(
        self, handshake: Handshake, message_seq: int, body: bytes, now: float
    ) -> None:
        assert handshake.transcript is not None
        expected = finished_verify_data(
            handshake.master_secret,
            from_client=True,
            handshake_hash=handshake.transcript.copy().digest(),
        )
        if not (hmac.compare_digest(expected, body) and handshake.identity_known):
            self._fail(handshake, Alert.DECRYPT_ERROR, Problem.AUTHENTICATION_FAILED)
            return
        handshake.transcript.update(encode_handshake(HandshakeType.FINISHED, message_seq, body))
        server_finished = encode_handshake(
            HandshakeType.FINISHED,
            handshake.next_send_seq,
            finished_verify_data(
                handshake.master_secret,
                from_client=False,
                handshake_hash=handshake.transcript.digest(),
            ),
        )
        final_flight: list[FlightItem] = [
            (ContentType.CHANGE_CIPHER_SPEC, 0, b"\x01"),
            (ContentType.HANDSHAKE, 1, server_finished),
        ]
        assert handshake.client_write is not None
        session = Session(
            handshake,
            handshake.client_write,
            handshake.hand_over_writer(),
            final_flight,
            message_seq,
            now,
        )
        self._handshakes.pop(handshake.peer, None)
        handshake.wipe()
        replaced = self._sessions.pop(session.peer, None)
        if replaced is not None:
            self._close(replaced, CloseReason.REPLACED, notify_peer=False)
        while len(self._sessions) >= self.settings.max_sessions:
            oldest = next(iter(self._sessions.values()))
            self._problems.report(Problem.TABLE_FULL, oldest.peer)
            self._close(oldest, CloseReason.TABLE_FULL)
        self._sessions[session.peer] = session
        self.peak_sessions = max(self.peak_sessions, len(self._sessions))
        self.counters["handshakes_completed"] += 1
        self._transmit(session.peer, session.seal_flight(session.final_flight))
        self._notify(self._listener.session_established, session)

    # ---------------------------------------------------------------- sessions

    def _session_record(self, session: Session, record: Record, now: float) -> bool:
        """Handle an epoch-1 record for an established session; False if it is not its."""
        if record.version != DTLS_1_2 or not session.replay_window.is_fresh(record.sequence_number):
            self.counters["replayed"] += 1
            return False
        try:
            plaintext = session.unprotect(record)
        except RecordAuthenticationError:
            self.counters["decrypt_failed"] += 1
            if self._handshakes.get(session.peer) is None:
                self._problems.report(Problem.DECRYPT_FAILED, session.peer)
            return False
        session.replay_window.accept(record.sequence_number)
        session.last_activity = now
        self._sessions.move_to_end(session.peer)
        if record.content_type == ContentType.APPLICATION_DATA:
            session.final_flight = []  # the client got our Finished
            self.counters["records_received"] += 1
            self._notify(self._listener.session_data, session, plaintext)
        elif record.content_type == ContentType.HANDSHAKE:
            self._session_handshake(session, plaintext, now)
        elif record.content_type == ContentType.ALERT and len(plaintext) == 2:
            level, description = plaintext
            if description == Alert.CLOSE_NOTIFY:
                self._close(session, CloseReason.PEER_CLOSED)
            elif level == AlertLevel.FATAL:
                self._close(session, CloseReason.PEER_ALERT, notify_peer=False)
        return True

    def _session_handshake(self, session: Session, plaintext: bytes, now: float) -> None:
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

    def send(self, session: Session, data: bytes) -> None:
        """Send application data over an established session."""
        if not self.is_current(session):
            raise SessionNotEstablishedError("the DTLS session is gone")
        if len(data) > MAX_PLAINTEXT:
            raise ValueError("application data exceeds one record")
        if not self._send_on_session(session, [(ContentType.APPLICATION_DATA, 1, data)]):
            raise SessionNotEstablishedError("the DTLS session is gone")
        self.counters["records_sent"] += 1

    def _send_on_session(self, session: Session, flight: list[FlightItem]) -> bool:
        try:
            datagram = session.seal_flight(flight)
        except SequenceExhaustedError:
            self._close(session, CloseReason.SEQUENCE_EXHAUSTED, notify_peer=False)
            return False
        self._transmit(session.peer, datagram)
        return True

    def close(self, session: Session, reason: CloseReason = CloseReason.LOCAL) -> None:
        """Send close_notify and forget the session."""
        if self.is_current(session):
            self._close(session, reason)

    def close_all(self, reason: CloseReason = CloseReason.SHUTDOWN) -> None:
        for session in list(self._sessions.values()):
            self._close(session, reason)
        for handshake in list(self._handshakes.values()):
            self._end_handshake(handshake, HandshakeEnd.SHUTDOWN)

    def _close(self, session: Session, reason: CloseReason, *, notify_peer: bool = True) -> None:
        if session.closed:
            return
        if notify_peer:
            alert = bytes([AlertLevel.WARNING, Alert.CLOSE_NOTIFY])
            with contextlib.suppress(SequenceExhaustedError):
                self._transmit(session.peer, session.seal(ContentType.ALERT, alert))
        if self._sessions.get(session.peer) is session:
            del self._sessions[session.peer]
        session.closed = True
        session.close_reason = reason.value
        session.forget_keys()
        self.counters[f"sessions_closed:{reason.name.lower()}"] += 1
        self._logger.debug("DTLS session %r closed: %s", session, reason.value)
        self._notify(self._listener.session_closed, session, reason)

    # ---------------------------------------------------------------- endings, output

    def _fail(self, handshake: Handshake, alert: Alert, problem: Problem) -> None:
        self._problems.report(problem, handshake.peer)
        self._transmit(
            handshake.peer,
            handshake.writer.seal(ContentType.ALERT, 0, bytes([AlertLevel.FATAL, alert])),
        )
        self._end_handshake(
            handshake,
            HandshakeEnd.AUTHENTICATION_FAILED
            if problem is Problem.AUTHENTICATION_FAILED
            else HandshakeEnd.PROTOCOL_ERROR,
        )

    def _end_handshake(self, handshake: Handshake, end: HandshakeEnd) -> None:
        if self._handshakes.get(handshake.peer) is handshake:
            del self._handshakes[handshake.peer]
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
        candidates: list[float] = []
        while self._retransmissions and not self._awaits_retransmission(
            self._retransmissions[0][2]
        ):
            heapq.heappop(self._retransmissions)
        if self._retransmissions:
            candidates.append(self._retransmissions[0][0])
        if self._handshakes:
            oldest = next(iter(self._handshakes.values()))
            candidates.append(oldest.started_at + self.settings.handshake_timeout)
        if self._sessions:
            least_recent = next(iter(self._sessions.values()))
            candidates.append(least_recent.last_activity + self.settings.idle_timeout)
        return min(candidates, default=None)

    def _awaits_retransmission(self, handshake: Handshake) -> bool:
        return (
            self._handshakes.get(handshake.peer) is handshake
            and handshake.state is HandshakeState.WAIT_CLIENT_KEY_EXCHANGE
        )

    def poll(self) -> None:
        """Retransmit, and expire handshakes and idle sessions that are due."""
        now = self._clock()
        while self._handshakes:
            oldest = next(iter(self._handshakes.values()))
            if now - oldest.started_at < self.settings.handshake_timeout:
                break
            self._problems.report(Problem.HANDSHAKE_TIMEOUT, oldest.peer)
            self._end_handshake(oldest, HandshakeEnd.TIMEOUT)
        while self._retransmissions and self._retransmissions[0][0] <= now:
            _, _, handshake = heapq.heappop(self._retransmissions)
            if not self._awaits_retransmission(handshake):
                continue
            handshake.last_reply_at = now
            self._send_flight(handshake)
            handshake.retransmit_timeout = min(
                handshake.retransmit_timeout * 2, self.settings.max_retransmit_timeout
            )
            self._arm_retransmission(handshake, now)
        while self._sessions:
            least_recent = next(iter(self._sessions.values()))
            if now - least_recent.last_activity < self.settings.idle_timeout:
                break
            self._close(least_recent, CloseReason.IDLE)
