"""Record protection for one direction of one epoch (RFC 5246 6.2.3, RFC 6655, RFC 7366),
with the Connection ID record format of RFC 9146 (4, 5)."""

from __future__ import annotations

import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM

from .errors import RecordAuthenticationError
from .keys import KeyBlock
from .records import ContentType, Record
from .suites import CipherSuite, Protection

EXPLICIT_NONCE_LENGTH = 8
AES_BLOCK = 16
HMAC_SHA256_LENGTH = 32
# RFC 9146 5: stands where a record without a CID has its sequence number
_SEQ_NUM_PLACEHOLDER = b"\xff" * 8


def _additional_data(
    sequence: int, content_type: int, version: bytes, length: int, cid: bytes = b""
) -> bytes:
    """What the MAC or AEAD covers besides the payload.

    Without a CID: seq_num (epoch and sequence number) + type + version + length
    (RFC 5246 6.2.3.1, 6.2.3.3). With one (RFC 9146 5.1-5.3): seq_num_placeholder +
    tls12_cid + cid_length + tls12_cid + version + epoch and sequence number + cid +
    length. ``length`` is the AEAD plaintext's, or for encrypt-then-MAC the length
    of IV and ciphertext (RFC 7366 3).
    """
    if not cid:
        return struct.pack(">QB", sequence, content_type) + version + struct.pack(">H", length)
    cid_type = ContentType.TLS12_CID
    return (
        _SEQ_NUM_PLACEHOLDER
        + bytes([cid_type, len(cid), cid_type])
        + version
        + struct.pack(">Q", sequence)
        + cid
        + struct.pack(">H", length)
    )


def inner_plaintext(content_type: int, content: bytes) -> bytes:
    """DTLSInnerPlaintext (RFC 9146 4): the content, then its real type, no padding."""
    return content + bytes([content_type])


def split_inner_plaintext(inner: bytes) -> tuple[int, bytes]:
    """(real content type, content) of a DTLSInnerPlaintext; its zero padding dropped.

    A plaintext of zeros only has no type: RFC 9146 4 has it treated like a record
    that failed to authenticate.
    """
    content = inner.rstrip(b"\0")
    if not content:
        raise RecordAuthenticationError
    return content[-1], content[:-1]


class RecordProtection:
    """Encrypts or decrypts the records one side writes in one epoch.

    ``sequence`` arguments are the 64-bit epoch-and-sequence-number value.
    """

    __slots__ = ("_aead", "_cbc_key", "_fixed_iv", "_mac_key", "_suite")

    def __init__(self, suite: CipherSuite, key: bytes, fixed_iv: bytes, mac_key: bytes) -> None:
        self._suite = suite
        self._fixed_iv = fixed_iv
        self._mac_key = mac_key
        self._cbc_key = b""
        self._aead: AESCCM | AESGCM | None = None
        if suite.protection is Protection.CCM:
            self._aead = AESCCM(key, tag_length=suite.tag_length)
        elif suite.protection is Protection.GCM:
            self._aead = AESGCM(key)
        else:
            self._cbc_key = key

    def __repr__(self) -> str:
        return f"<RecordProtection {self._suite.name}>"

    @property
    def suite(self) -> CipherSuite:
        return self._suite

    def encrypt(
        self,
        sequence: int,
        content_type: int,
        version: bytes,
        plaintext: bytes,
        cid: bytes = b"",
    ) -> bytes:
        """The protected fragment of a record. With ``cid`` the record is a tls12_cid
        one: ``content_type`` travels inside, in the DTLSInnerPlaintext (RFC 9146 4)."""
        if cid:
            plaintext = inner_plaintext(content_type, plaintext)
            content_type = ContentType.TLS12_CID
        if self._aead is not None:
            # The sequence number is unique per key, so it makes a safe explicit nonce.
            explicit = sequence.to_bytes(EXPLICIT_NONCE_LENGTH, "big")
            aad = _additional_data(sequence, content_type, version, len(plaintext), cid)
            return explicit + self._aead.encrypt(self._fixed_iv + explicit, plaintext, aad)
        iv = os.urandom(AES_BLOCK)
        padding = AES_BLOCK - (len(plaintext) + 1) % AES_BLOCK
        padded = plaintext + bytes([padding]) * (padding + 1)
        encryptor = Cipher(algorithms.AES(self._cbc_key), modes.CBC(iv)).encryptor()
        body = iv + encryptor.update(padded) + encryptor.finalize()
        aad = _additional_data(sequence, content_type, version, len(body), cid)
        return body + hmac.digest(self._mac_key, aad + body, "sha256")

    def decrypt(
        self,
        sequence: int,
        content_type: int,
        version: bytes,
        fragment: bytes,
        cid: bytes = b"",
    ) -> bytes:
        """The plaintext of a protected fragment (for a tls12_cid record, the
        DTLSInnerPlaintext); raises RecordAuthenticationError."""
        if self._aead is not None:
            overhead = EXPLICIT_NONCE_LENGTH + self._suite.tag_length
            if len(fragment) < overhead:
                raise RecordAuthenticationError
            explicit = fragment[:EXPLICIT_NONCE_LENGTH]
            aad = _additional_data(sequence, content_type, version, len(fragment) - overhead, cid)
            try:
                return self._aead.decrypt(
                    self._fixed_iv + explicit, fragment[EXPLICIT_NONCE_LENGTH:], aad
                )
            except InvalidTag:
                raise RecordAuthenticationError from None
        return self._decrypt_cbc(sequence, content_type, version, fragment, cid)

    def unprotect(self, record: Record) -> tuple[int, bytes]:
        """(content type, plaintext) of a protected record, tls12_cid ones included."""
        plaintext = self.decrypt(
            record.epoch_and_sequence,
            record.content_type,
            record.version,
            record.fragment,
            record.cid,
        )
        if record.content_type == ContentType.TLS12_CID:
            return split_inner_plaintext(plaintext)
        return record.content_type, plaintext

    def _decrypt_cbc(
        self, sequence: int, content_type: int, version: bytes, fragment: bytes, cid: bytes
    ) -> bytes:
        body_length = len(fragment) - HMAC_SHA256_LENGTH
        if body_length < 2 * AES_BLOCK or body_length % AES_BLOCK:
            raise RecordAuthenticationError
        body, mac = fragment[:body_length], fragment[body_length:]
        aad = _additional_data(sequence, content_type, version, body_length, cid)
        if not hmac.compare_digest(hmac.digest(self._mac_key, aad + body, "sha256"), mac):
            raise RecordAuthenticationError
        decryptor = Cipher(algorithms.AES(self._cbc_key), modes.CBC(body[:AES_BLOCK])).decryptor()
        padded = decryptor.update(body[AES_BLOCK:]) + decryptor.finalize()
        padding = padded[-1]
        # The MAC is already verified, so a padding error here is no oracle.
        if padding + 1 > len(padded) or padded[-padding - 1 :] != bytes([padding]) * (padding + 1):
            raise RecordAuthenticationError
        return padded[: -padding - 1]


def directional_protections(
    suite: CipherSuite, keys: KeyBlock
) -> tuple[RecordProtection, RecordProtection]:
    """(client_write, server_write) protections from a key block."""
    return (
        RecordProtection(suite, keys.client_key, keys.client_iv, keys.client_mac_key),
        RecordProtection(suite, keys.server_key, keys.server_iv, keys.server_mac_key),
    )
