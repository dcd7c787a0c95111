"""Per-peer state: a handshake in progress, and an established session."""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Any

from .handshake import Reassembler
from .protection import RecordProtection
from .records import DTLS_1_2, MAX_SEQUENCE_NUMBER, Record, encode_record
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


class RecordWriter:
    """Numbers and protects the records the server sends to one peer."""

    __slots__ = ("_epoch0_next", "_epoch1_next", "protection")

    def __init__(self, epoch0_next: int) -> None:
        self._epoch0_next = epoch0_next
        self._epoch1_next = 0
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
        fragment = self.protection.encrypt((1 << 48) | sequence, content_type, DTLS_1_2, payload)
        return encode_record(content_type, DTLS_1_2, 1, sequence, fragment)

    def seal_flight(self, flight: list[FlightItem]) -> bytes:
        """One datagram; a retransmission gets new sequence numbers (RFC 6347 4.2.4)."""
        return b"".join(
            self.seal(content_type, epoch, payload) for content_type, epoch, payload in flight
        )

    def forget_keys(self) -> None:
        self.protection = None


class HandshakeState(Enum):
    WAIT_CLIENT_KEY_EXCHANGE = "wait_client_key_exchange"
    WAIT_FINISHED = "wait_finished"
    ENDED = "ended"


class Handshake:
    """A handshake past the cookie exchange. Its secrets are wiped when it ends."""

    __slots__ = (
        "client_hello_seq",
        "client_random",
        "client_write",
        "early_records",
        "extended_master_secret",
        "flight",
        "identity_known",
        "last_reply_at",
        "master_secret",
        "next_receive_seq",
        "next_send_seq",
        "peer",
        "psk_identity",
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
    ) -> None:
        self.peer = peer
        self.started_at = now
        self.last_reply_at = now
        self.state = HandshakeState.WAIT_CLIENT_KEY_EXCHANGE
        self.suite = suite
        self.extended_master_secret = extended_master_secret
        self.client_random = client_random
        self.server_random = server_random
        self.client_hello_seq = client_hello_seq
        self.next_receive_seq = client_hello_seq + 1
        self.next_send_seq = client_hello_seq
        # A stateless server continues from the sequence number of the ClientHello.
        self.writer = RecordWriter(record_sequence)
        self.transcript: hashlib._Hash | None = hashlib.sha256()
        self.reassembly: dict[int, Reassembler] = {}
        self.flight: list[FlightItem] = []
        self.retransmit_timeout = retransmit_timeout
        self.early_records: list[Record] = []
        self.psk_identity = b""
        self.identity_known = False
        self.master_secret = b""
        self.client_write: RecordProtection | None = None
        self.replay_window = ReplayWindow()

    def __repr__(self) -> str:
        return f"<Handshake {describe_peer(self.peer)} {self.state.value}>"

    def hand_over_writer(self) -> RecordWriter:
        """Give the record writer (with the server's write keys) to the new session."""
        writer = self.writer
        self.writer = RecordWriter(0)
        return writer

    def wipe(self) -> None:
        """Drop every secret and buffer; the object stays only as a tombstone."""
        self.state = HandshakeState.ENDED
        self.master_secret = b""
        self.transcript = None
        self.client_write = None
        self.writer.forget_keys()
        self.psk_identity = b""
        self.flight = []
        self.early_records = []
        self.reassembly = {}


class Session:
    """An established DTLS session with one peer address.

    ``psk_identity`` is the authenticated identity; it is a secret in this
    product, so ``repr()`` leaves it out.
    """

    __slots__ = (
        "__weakref__",
        "_read",
        "_writer",
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
        read: RecordProtection,
        writer: RecordWriter,
        final_flight: list[FlightItem],
        client_finished_seq: int,
        now: float,
    ) -> None:
        self.peer = handshake.peer
        self.psk_identity = handshake.psk_identity
        self.cipher_suite = handshake.suite
        self.extended_master_secret = handshake.extended_master_secret
        self.established_at = now
        self.last_activity = now
        self.last_reply_at = now
        self._read: RecordProtection | None = read
        self._writer = writer
        self.replay_window = ReplayWindow()
        self.final_flight = final_flight
        self.client_finished_seq = client_finished_seq
        self.closed = False
        self.close_reason: str | None = None

    def __repr__(self) -> str:
        state = "closed" if self.closed else "established"
        return f"<Session {describe_peer(self.peer)} {self.cipher_suite.name} {state}>"

    def unprotect(self, record: Record) -> bytes:
        """Decrypt an epoch-1 record; raises RecordAuthenticationError."""
        if self._read is None:
            raise RuntimeError("session is closed")
        return self._read.decrypt(
            record.epoch_and_sequence, record.content_type, record.version, record.fragment
        )

    def seal(self, content_type: int, payload: bytes) -> bytes:
        return self._writer.seal(content_type, 1, payload)

    def seal_flight(self, flight: list[FlightItem]) -> bytes:
        return self._writer.seal_flight(flight)

    def forget_keys(self) -> None:
        self._read = None
        self._writer.forget_keys()
        self.final_flight = []
