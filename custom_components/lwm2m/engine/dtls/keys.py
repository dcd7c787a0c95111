"""TLS 1.2 key schedule for PSK key exchange (RFC 5246 5, 8.1; RFC 4279 2; RFC 7627 4)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from .suites import CipherSuite

MASTER_SECRET_LENGTH = 48
VERIFY_DATA_LENGTH = 12


def prf_sha256(secret: bytes, label: bytes, seed: bytes, length: int) -> bytes:
    """P_SHA256(secret, label + seed), cut to ``length`` bytes."""
    labelled_seed = label + seed
    output = bytearray()
    chain = labelled_seed
    while len(output) < length:
        chain = hmac.digest(secret, chain, "sha256")
        output += hmac.digest(secret, chain + labelled_seed, "sha256")
    return bytes(output[:length])


def psk_premaster_secret(psk: bytes) -> bytes:
    """RFC 4279 2: length-prefixed zeros followed by the length-prefixed PSK."""
    length = len(psk).to_bytes(2, "big")
    return length + bytes(len(psk)) + length + psk


def master_secret(psk: bytes, client_random: bytes, server_random: bytes) -> bytes:
    return prf_sha256(
        psk_premaster_secret(psk),
        b"master secret",
        client_random + server_random,
        MASTER_SECRET_LENGTH,
    )


def extended_master_secret(psk: bytes, session_hash: bytes) -> bytes:
    """RFC 7627: bound to the hash of the handshake up to the ClientKeyExchange."""
    return prf_sha256(
        psk_premaster_secret(psk), b"extended master secret", session_hash, MASTER_SECRET_LENGTH
    )


@dataclass(frozen=True, slots=True, repr=False)
class KeyBlock:
    """Write keys of both directions; never printed."""

    client_mac_key: bytes
    server_mac_key: bytes
    client_key: bytes
    server_key: bytes
    client_iv: bytes
    server_iv: bytes

    def __repr__(self) -> str:
        return "<KeyBlock>"


def key_block(
    suite: CipherSuite, master: bytes, client_random: bytes, server_random: bytes
) -> KeyBlock:
    mac, key, iv = suite.mac_key_length, suite.key_length, suite.fixed_iv_length
    block = prf_sha256(
        master, b"key expansion", server_random + client_random, 2 * (mac + key + iv)
    )
    parts = []
    position = 0
    for size in (mac, mac, key, key, iv, iv):
        parts.append(block[position : position + size])
        position += size
    return KeyBlock(*parts)


def finished_verify_data(master: bytes, *, from_client: bool, handshake_hash: bytes) -> bytes:
    label = b"client finished" if from_client else b"server finished"
    return prf_sha256(master, label, handshake_hash, VERIFY_DATA_LENGTH)
