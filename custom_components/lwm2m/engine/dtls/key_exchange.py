"""One ClientKeyExchange a handshake received, and the keys it would lead to.

A ClientKeyExchange is plaintext, so anyone who can spoof the client's address can
send one. The server therefore keeps each well-formed one as a candidate with its
own transcript and keys, and lets the client's Finished decide: only the real
client's Finished decrypts and verifies under the keys of its own key exchange
(RFC 6347 4.1.2.7: what does not authenticate is discarded).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from .handshake import HandshakeType, encode_handshake
from .hello import parse_psk_client_key_exchange
from .keys import extended_master_secret, finished_verify_data, key_block, master_secret
from .protection import RecordProtection, directional_protections
from .psk import PskLookup
from .suites import CipherSuite

UNKNOWN_IDENTITY_KEY_LENGTH = 16


class KeyCandidate:
    """Keys from one ClientKeyExchange. An unknown identity gets a random key, so it
    fails exactly like a wrong one."""

    __slots__ = (
        "body",
        "client_write",
        "identity",
        "identity_known",
        "master_secret",
        "psk_digest",
        "server_write",
        "transcript",
    )

    def __init__(
        self,
        body: bytes,
        identity: bytes,
        psk: bytes | None,
        transcript: hashlib._Hash,
        master: bytes,
        protections: tuple[RecordProtection, RecordProtection],
    ) -> None:
        self.body = body
        self.identity = identity
        self.identity_known = psk is not None
        # To tell at the end whether the key changed meanwhile; not the key itself.
        self.psk_digest = hashlib.sha256(psk).digest() if psk is not None else b""
        self.transcript: hashlib._Hash | None = transcript
        self.master_secret = master
        self.client_write: RecordProtection | None = protections[0]
        self.server_write: RecordProtection | None = protections[1]

    def __repr__(self) -> str:
        return "<KeyCandidate>"

    @classmethod
    def derive(
        cls,
        body: bytes,
        message_seq: int,
        transcript: hashlib._Hash,
        suite: CipherSuite,
        client_random: bytes,
        server_random: bytes,
        *,
        extended: bool,
        lookup: PskLookup,
    ) -> KeyCandidate:
        """Keys for the ClientKeyExchange ``body``; DtlsDecodeError when it is malformed.

        ``transcript`` holds the handshake up to the ServerHelloDone; a copy goes on.
        """
        identity = parse_psk_client_key_exchange(body)
        own = transcript.copy()
        own.update(encode_handshake(HandshakeType.CLIENT_KEY_EXCHANGE, message_seq, body))
        psk = lookup(identity)
        key = psk if psk is not None else os.urandom(UNKNOWN_IDENTITY_KEY_LENGTH)
        if extended:
            master = extended_master_secret(key, own.digest())  # digest() leaves it open
        else:
            master = master_secret(key, client_random, server_random)
        del key
        keys = key_block(suite, master, client_random, server_random)
        return cls(body, identity, psk, own, master, directional_protections(suite, keys))

    def verifies(self, finished_body: bytes) -> bool:
        """Whether a Finished body is the client's verify_data for this transcript."""
        if self.transcript is None:
            return False
        expected = finished_verify_data(
            self.master_secret, from_client=True, handshake_hash=self.transcript.digest()
        )
        return hmac.compare_digest(expected, finished_body)

    def still_keyed(self, psk: bytes | None) -> bool:
        """Whether ``psk`` (looked up again now) is the key this candidate used."""
        return (
            self.identity_known
            and psk is not None
            and hmac.compare_digest(hashlib.sha256(psk).digest(), self.psk_digest)
        )

    def wipe(self) -> None:
        self.master_secret = b""
        self.transcript = None
        self.client_write = None
        self.server_write = None
        self.identity = b""
