"""Per-peer state: a handshake in progress, and an established session."""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Any

from .handshake import Reassembler
from .key_exchange import KeyCandidate
from .protection import RecordProtection
from .records import DTLS_1_2, MAX_SEQUENCE_NUMBER, ContentType, Record, encode_record
from .replay_window import ReplayWindow
from .suites import CipherSuite

PeerAddress = tuple[Any, ...]  # what asyncio reports: (host, port[, flowinfo, scope_id])
# (content type, epoch, payload) of one record of a flight, before protection
FlightItem = tuple[int, int, bytes]


def describe_peer(peer: PeerAddress) -> str:
    host, port = peer[0], peer[1]
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


class SequenceExhaustedError(Exception):
    """The 48-bit record sequence space of an epoch is used up."""


def host_of(peer: PeerAddress) -> str:
    """The host part of a peer address: what per-address limits count by."""
    return str(peer[0])


class RecordWriter:
    """Numbers and protects the records the server sends to one peer.

    ``peer_cid`` is the Connection ID the peer asked for: epoch 1 records then go
    out as tls12_cid records carrying it (RFC 9146 4).
    """

    __slots__ = ("_epoch0_next", "_epoch1_next", "peer_cid", "protection")

    def __init__(self, epoch0_next: int, peer_cid: bytes = b"") -> None:
        self._epoch0_next = epoch0_next
        self._epoch1_next = 0
        self.peer_cid = peer_cid
        self.protection: RecordProtection | None = None

    def __repr__(self) -> str:
        return "<RecordWriter>"

    def seal(self, content_type: int, epoch: int, payload: bytes) -> bytes:
        if epoch == 0:
            sequence = self._epoch0_next
            self._epoch0_next += 1
            return encode_record(content_type, DTLS_1_2, 0, sequence, payload)
        if self.protection is None:
            raise RuntimeError("no epoch 1 keys yet")
        sequence = self._epoch1_next
        if sequence > MAX_SEQUENCE_NUMBER:
            raise SequenceExhaustedError
        self._epoch1_next += 1
        cid = self.peer_cid
        fragment = self.protection.encrypt(
            (1 << 48) | sequence, content_type, DTLS_1_2, payload, cid
        )
        if cid:
            content_type = ContentType.TLS12_CID
        return encode_record(content_type, DTLS_1_2, 1, sequence, fragment, cid)

    def seal_flight(self, flight: list[FlightItem]) -> bytes:
        """One datagram; a retransmission gets new sequence numbers (RFC 6347 4.2.4)."""
        return b"".join(
            self.seal(content_type, epoch, payload) for content_type, epoch, payload in flight
        )

    def forget_keys(self) -> None:
        self.protection = None


class HandshakeState(Enum):
    WAIT_CLIENT_FLIGHT = "wait_client_flight"
    ENDED = "ended"


class Handshake:
    """A handshake past the cookie exchange, waiting for the client's last flight.

    That flight (ClientKeyExchange, ChangeCipherSpec, Finished) is what a spoofer
    can imitate: its plaintext part authenticates nothing. So every well-formed
    ClientKeyExchange becomes a :class:`KeyCandidate`, and only a Finished that
    decrypts and verifies under one of them picks the keys; everything else is
    dropped without an answer (RFC 6347 4.1.2.7). Secrets are wiped when it ends.
    """

    __slots__ = (
        "auth_failures",
        "candidates",
        "cid",
        "client_hello_seq",
        "client_random",
        "early_bytes",
        "early_records",
        "extended_master_secret",
        "flight",
        "last_reply_at",
        "peer",
        "peer_cid",
        "reassembly",
        "replay_window",
        "retransmit_timeout",
        "server_random",
        "started_at",
        "state",
        "suite",
        "transcript",
        "writer",
    )

    def __init__(
        self,
        peer: PeerAddress,
        now: float,
        suite: CipherSuite,
        extended_master_secret: bool,
        client_random: bytes,
        server_random: bytes,
        client_hello_seq: int,
        record_sequence: int,
        retransmit_timeout: float,
        cid: bytes | None = None,
        peer_cid: bytes = b"",
    ) -> None:
        self.peer = peer
        self.started_at = now
        self.last_reply_at = now
        self.state = HandshakeState.WAIT_CLIENT_FLIGHT
        self.suite = suite
        self.extended_master_secret = extended_master_secret
        self.client_random = client_random
        self.server_random = server_random
        self.client_hello_seq = client_hello_seq
        # None: no Connection ID negotiated; b"": negotiated, none on records to us
        self.cid = cid
        self.peer_cid = peer_cid
        # A stateless server continues from the sequence number of the ClientHello.
        self.writer = RecordWriter(record_sequence, peer_cid)
        self.transcript: hashlib._Hash | None = hashlib.sha256()
        self.reassembly: dict[int, Reassembler] = {}  # ClientKeyExchange by total length
        self.candidates: list[KeyCandidate] = []
        self.flight: list[FlightItem] = []
        self.retransmit_timeout = retransmit_timeout
        self.early_records: list[Record] = []
        self.early_bytes = 0
        self.auth_failures = 0
        self.replay_window = ReplayWindow()

    def __repr__(self) -> str:
        return f"<Handshake {describe_peer(self.peer)} {self.state.value}>"

    @property
    def key_exchange_seq(self) -> int:
        return self.client_hello_seq + 1

    @property
    def finished_seq(self) -> int:
        return self.client_hello_seq + 2

    @property
    def host(self) -> str:
        return host_of(self.peer)

    def hand_over_writer(self, protection: RecordProtection) -> RecordWriter:
        """Give the record writer, with the chosen server write keys, to the new session."""
        writer = self.writer
        writer.protection = protection
        self.writer = RecordWriter(0)
        return writer

    def wipe(self) -> None:
        """Drop every secret and buffer; the object stays only as a tombstone."""
        self.state = HandshakeState.ENDED
        self.transcript = None
        for candidate in self.candidates:
            candidate.wipe()
        self.candidates = []
        self.writer.forget_keys()
        self.flight = []
        self.early_records = []
        self.early_bytes = 0
        self.reassembly = {}


class DtlsSession:
    """An established DTLS session with one peer address.

    ``psk_identity`` is the authenticated identity; it is a secret in this
    product, so ``repr()`` leaves it out.
    """

    __slots__ = (
        "__weakref__",
        "_read",
        "_writer",
        "cid",
        "cipher_suite",
        "client_finished_seq",
        "close_reason",
        "closed",
        "established_at",
        "extended_master_secret",
        "final_flight",
        "last_activity",
        "last_reply_at",
        "peer",
        "psk_identity",
        "replay_window",
    )

    def __init__(
        self,
        handshake: Handshake,
        psk_identity: bytes,
        read: RecordProtection,
        writer: RecordWriter,
        final_flight: list[FlightItem],
        now: float,
    ) -> None:
        self.peer = handshake.peer
        self.psk_identity = psk_identity
        # The CID records to this server carry: b"" when none (found by address).
        self.cid = handshake.cid or b""
        self.cipher_suite = handshake.suite
        self.extended_master_secret = handshake.extended_master_secret
        self.established_at = now
        self.last_activity = now
        self.last_reply_at = now
        self._read: RecordProtection | None = read
        self._writer = writer
        self.replay_window = ReplayWindow()
        self.final_flight = final_flight
        self.client_finished_seq = handshake.finished_seq
        self.closed = False
        self.close_reason: str | None = None

    def __repr__(self) -> str:
        state = "closed" if self.closed else "established"
        return f"<DtlsSession {describe_peer(self.peer)} {self.cipher_suite.name} {state}>"

    @property
    def host(self) -> str:
        return host_of(self.peer)

    @property
    def peer_cid(self) -> bytes:
        """The CID records to the peer carry (b"" when it asked for none)."""
        return self._writer.peer_cid

    def unprotect(self, record: Record) -> tuple[int, bytes]:
        """(content type, plaintext) of an epoch-1 record; raises RecordAuthenticationError."""
        if self._read is None:
            raise RuntimeError("session is closed")
        return self._read.unprotect(record)

    def seal(self, content_type: int, payload: bytes) -> bytes:
        return self._writer.seal(content_type, 1, payload)

    def seal_flight(self, flight: list[FlightItem]) -> bytes:
        return self._writer.seal_flight(flight)

    def forget_keys(self) -> None:
        self._read = None
        self._writer.forget_keys()
        self.final_flight = []
