"""DTLS handshake message framing and fragment reassembly (RFC 6347 4.2.2, 4.2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from .errors import DtlsDecodeError

HANDSHAKE_HEADER_LENGTH = 12
# A PSK handshake's largest message is a ClientHello offering many suites.
MAX_HANDSHAKE_MESSAGE_LENGTH = 4096
# Enough for any sane fragmentation; bounds the work a peer can cause.
MAX_FRAGMENTS_PER_MESSAGE = 64


class HandshakeType(IntEnum):
    CLIENT_HELLO = 1
    SERVER_HELLO = 2
    HELLO_VERIFY_REQUEST = 3
    SERVER_HELLO_DONE = 14
    CLIENT_KEY_EXCHANGE = 16
    FINISHED = 20


@dataclass(frozen=True, slots=True)
class HandshakeFragment:
    msg_type: int
    length: int
    message_seq: int
    fragment_offset: int
    body: bytes

    @property
    def is_whole_message(self) -> bool:
        return self.fragment_offset == 0 and len(self.body) == self.length


def parse_handshake_fragments(data: bytes) -> list[HandshakeFragment]:
    """Every handshake fragment in a record's (decrypted) payload."""
    fragments: list[HandshakeFragment] = []
    position = 0
    while position < len(data):
        if len(data) - position < HANDSHAKE_HEADER_LENGTH:
            raise DtlsDecodeError("truncated handshake header")
        header = data[position : position + HANDSHAKE_HEADER_LENGTH]
        length = int.from_bytes(header[1:4], "big")
        offset = int.from_bytes(header[6:9], "big")
        fragment_length = int.from_bytes(header[9:12], "big")
        start = position + HANDSHAKE_HEADER_LENGTH
        body = data[start : start + fragment_length]
        if (
            len(body) != fragment_length
            or offset + fragment_length > length
            or length > MAX_HANDSHAKE_MESSAGE_LENGTH
        ):
            raise DtlsDecodeError("inconsistent handshake fragment")
        fragments.append(
            HandshakeFragment(header[0], length, int.from_bytes(header[4:6], "big"), offset, body)
        )
        position = start + fragment_length
    return fragments


def encode_handshake(msg_type: int, message_seq: int, body: bytes) -> bytes:
    """An unfragmented handshake message; this form is also what the transcript hashes."""
    length = len(body).to_bytes(3, "big")
    return bytes([msg_type]) + length + message_seq.to_bytes(2, "big") + b"\0\0\0" + length + body


class Reassembler:
    """Collects the fragments of one handshake message, in any order, overlaps allowed."""

    __slots__ = ("_buffer", "_fragments", "_ranges", "epoch", "length", "msg_type")

    def __init__(self, msg_type: int, length: int, epoch: int) -> None:
        self.msg_type = msg_type
        self.length = length
        self.epoch = epoch
        self._buffer = bytearray(length)
        self._ranges: list[tuple[int, int]] = []
        self._fragments = 0

    @property
    def complete(self) -> bool:
        return self.length == 0 or self._ranges == [(0, self.length)]

    def add(self, fragment: HandshakeFragment, epoch: int) -> None:
        if (fragment.msg_type, fragment.length, epoch) != (self.msg_type, self.length, self.epoch):
            raise DtlsDecodeError("fragment does not match its message")
        self._fragments += 1
        if self._fragments > MAX_FRAGMENTS_PER_MESSAGE:
            raise DtlsDecodeError("too many fragments")
        end = fragment.fragment_offset + len(fragment.body)
        self._buffer[fragment.fragment_offset : end] = fragment.body
        merged: list[tuple[int, int]] = []
        for start, stop in sorted([*self._ranges, (fragment.fragment_offset, end)]):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
            else:
                merged.append((start, stop))
        self._ranges = merged

    def message(self) -> bytes:
        return bytes(self._buffer)
