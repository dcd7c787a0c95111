"""Parsing and building the messages of a PSK handshake (RFC 5246 7.4, RFC 4279, RFC 6347)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import DtlsDecodeError
from .records import DTLS_1_0, DTLS_1_2

EXT_ENCRYPT_THEN_MAC = 0x0016
EXT_EXTENDED_MASTER_SECRET = 0x0017
EXT_RENEGOTIATION_INFO = 0xFF01
TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF
NULL_COMPRESSION = 0
RANDOM_LENGTH = 32
MAX_SESSION_ID_LENGTH = 32
MAX_PSK_IDENTITY_LENGTH = 1024


class _Reader:
    __slots__ = ("_data", "_position")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 0

    def take(self, count: int) -> bytes:
        end = self._position + count
        if end > len(self._data):
            raise DtlsDecodeError("truncated handshake message")
        value = self._data[self._position : end]
        self._position = end
        return value

    def uint8(self) -> int:
        return self.take(1)[0]

    def uint16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def vector8(self) -> bytes:
        return self.take(self.uint8())

    def vector16(self) -> bytes:
        return self.take(self.uint16())

    @property
    def at_end(self) -> bool:
        return self._position == len(self._data)


@dataclass(frozen=True, slots=True)
class ClientHello:
    client_version: bytes
    random: bytes
    session_id: bytes
    cookie: bytes
    cipher_suites: tuple[int, ...]
    compression_methods: bytes
    extensions: dict[int, bytes] = field(default_factory=dict)

    def cookie_binding(self) -> bytes:
        """The fields a cookie covers: those RFC 6347 4.2.1 keeps equal in both hellos."""
        suites = b"".join(code.to_bytes(2, "big") for code in self.cipher_suites)
        return b"".join(
            len(part).to_bytes(2, "big") + part
            for part in (
                self.client_version,
                self.random,
                self.session_id,
                suites,
                self.compression_methods,
            )
        )


def parse_client_hello(body: bytes) -> ClientHello:
    reader = _Reader(body)
    version = reader.take(2)
    random = reader.take(RANDOM_LENGTH)
    session_id = reader.vector8()
    cookie = reader.vector8()
    raw_suites = reader.vector16()
    compression = reader.vector8()
    if (
        version[0] != 0xFE
        or len(session_id) > MAX_SESSION_ID_LENGTH
        or not raw_suites
        or len(raw_suites) % 2
        or not compression
    ):
        raise DtlsDecodeError("malformed ClientHello")
    suites = tuple(
        int.from_bytes(raw_suites[index : index + 2], "big")
        for index in range(0, len(raw_suites), 2)
    )
    extensions: dict[int, bytes] = {}
    if not reader.at_end:
        extension_reader = _Reader(reader.vector16())
        while not extension_reader.at_end:
            extension_type = extension_reader.uint16()
            data = extension_reader.vector16()
            if extension_type in extensions:
                raise DtlsDecodeError("duplicate ClientHello extension")
            extensions[extension_type] = data
        if not reader.at_end:
            raise DtlsDecodeError("data after ClientHello extensions")
    return ClientHello(version, random, session_id, cookie, suites, compression, extensions)


def offers_dtls_1_2(hello: ClientHello) -> bool:
    """DTLS versions count down: FEFD (1.2) is numerically below FEFF (1.0)."""
    return hello.client_version <= DTLS_1_2


def parse_psk_client_key_exchange(body: bytes) -> bytes:
    """The PSK identity of a ClientKeyExchange (RFC 4279 2)."""
    reader = _Reader(body)
    identity = reader.vector16()
    if not reader.at_end:
        raise DtlsDecodeError("data after the PSK identity")
    if not 0 < len(identity) <= MAX_PSK_IDENTITY_LENGTH:
        raise DtlsDecodeError("PSK identity length out of range")
    return identity


def server_hello_body(
    random: bytes, cipher_suite: int, extensions: list[tuple[int, bytes]]
) -> bytes:
    """ServerHello with an empty session id (no resumption) and null compression."""
    body = DTLS_1_2 + random + b"\x00" + cipher_suite.to_bytes(2, "big") + b"\x00"
    if extensions:
        encoded = b"".join(
            kind.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data
            for kind, data in extensions
        )
        body += len(encoded).to_bytes(2, "big") + encoded
    return body


def hello_verify_request_body(cookie: bytes) -> bytes:
    # RFC 6347 4.2.1: server_version here is DTLS 1.0 whatever gets negotiated.
    return DTLS_1_0 + bytes([len(cookie)]) + cookie
