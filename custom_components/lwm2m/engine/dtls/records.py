"""DTLS record layer framing (RFC 6347 4.1)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from .errors import DtlsDecodeError

DTLS_1_2 = b"\xfe\xfd"
DTLS_1_0 = b"\xfe\xff"
RECORD_HEADER_LENGTH = 13
MAX_SEQUENCE_NUMBER = (1 << 48) - 1

# content type, version, epoch, sequence number (16 + 32 bits), length
_HEADER = struct.Struct(">B2sHHIH")


class ContentType(IntEnum):
    CHANGE_CIPHER_SPEC = 20
    ALERT = 21
    HANDSHAKE = 22
    APPLICATION_DATA = 23


_CONTENT_TYPES = frozenset(ContentType)


@dataclass(frozen=True, slots=True)
class Record:
    content_type: int
    version: bytes
    epoch: int
    sequence_number: int
    fragment: bytes

    @property
    def epoch_and_sequence(self) -> int:
        """The 64-bit value the MAC and AEAD additional data cover."""
        return (self.epoch << 48) | self.sequence_number


def parse_records(datagram: bytes) -> list[Record]:
    """The well-formed records at the start of a datagram.

    A malformed record ends the parse and what follows it is ignored (RFC 6347
    4.1.2.7 says invalid records are discarded). A datagram that does not start
    with a well-formed record raises :class:`DtlsDecodeError`.
    """
    records: list[Record] = []
    position = 0
    while len(datagram) - position >= RECORD_HEADER_LENGTH:
        content_type, version, epoch, seq_high, seq_low, length = _HEADER.unpack_from(
            datagram, position
        )
        end = position + RECORD_HEADER_LENGTH + length
        if version[0] != 0xFE or content_type not in _CONTENT_TYPES or end > len(datagram):
            break
        records.append(
            Record(
                content_type,
                version,
                epoch,
                (seq_high << 32) | seq_low,
                datagram[position + RECORD_HEADER_LENGTH : end],
            )
        )
        position = end
    if not records:
        raise DtlsDecodeError("no well-formed record")
    return records


def encode_record(
    content_type: int, version: bytes, epoch: int, sequence_number: int, fragment: bytes
) -> bytes:
    if not 0 <= sequence_number <= MAX_SEQUENCE_NUMBER or len(fragment) > 0xFFFF:
        raise ValueError("record sequence number or length out of range")
    return (
        _HEADER.pack(
            content_type,
            version,
            epoch,
            sequence_number >> 32,
            sequence_number & 0xFFFFFFFF,
            len(fragment),
        )
        + fragment
    )
