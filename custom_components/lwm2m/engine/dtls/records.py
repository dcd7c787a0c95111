"""DTLS record layer framing (RFC 6347 4.1), with Connection IDs (RFC 9146 4)."""

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
    TLS12_CID = 25  # RFC 9146 4: a protected record carrying a Connection ID


_CONTENT_TYPES = frozenset(ContentType) - {ContentType.TLS12_CID}


@dataclass(frozen=True, slots=True)
class Record:
    content_type: int
    version: bytes
    epoch: int
    sequence_number: int
    fragment: bytes
    cid: bytes = b""  # a tls12_cid record's Connection ID

    @property
    def epoch_and_sequence(self) -> int:
        """The 64-bit value the MAC and AEAD additional data cover."""
        return (self.epoch << 48) | self.sequence_number


def parse_records(datagram: bytes, cid_length: int = 0) -> list[Record]:
    """The well-formed records at the start of a datagram.

    ``cid_length`` is the length of the Connection IDs this side hands out: the
    header of a tls12_cid record does not say it (RFC 9146 4), so without one such
    records do not parse. A tls12_cid record in epoch 0 is malformed: a CID is used
    only with the keys the handshake negotiated. A malformed record ends the parse
    and what follows it is ignored (RFC 6347 4.1.2.7 says invalid records are
    discarded). A datagram that does not start with a well-formed record raises
    :class:`DtlsDecodeError`.
    """
    records: list[Record] = []
    position = 0
    while len(datagram) - position >= RECORD_HEADER_LENGTH:
        content_type, version, epoch, seq_high, seq_low, length = _HEADER.unpack_from(
            datagram, position
        )
        if version[0] != 0xFE:
            break
        cid = b""
        body = position + RECORD_HEADER_LENGTH
        if content_type == ContentType.TLS12_CID and cid_length and epoch:
            cid_end = position + RECORD_HEADER_LENGTH - 2 + cid_length
            if len(datagram) < cid_end + 2:
                break
            cid = datagram[cid_end - cid_length : cid_end]
            length = int.from_bytes(datagram[cid_end : cid_end + 2], "big")
            body = cid_end + 2
        elif content_type not in _CONTENT_TYPES:
            break
        end = body + length
        if end > len(datagram):
            break
        records.append(
            Record(
                content_type, version, epoch, (seq_high << 32) | seq_low, datagram[body:end], cid
            )
        )
        position = end
    if not records:
        raise DtlsDecodeError("no well-formed record")
    return records


def encode_record(
    content_type: int,
    version: bytes,
    epoch: int,
    sequence_number: int,
    fragment: bytes,
    cid: bytes = b"",
) -> bytes:
    """A record; with ``cid`` a tls12_cid record, the CID before the length (RFC 9146 4)."""
    if not 0 <= sequence_number <= MAX_SEQUENCE_NUMBER or len(fragment) > 0xFFFF:
        raise ValueError("record sequence number or length out of range")
    header = _HEADER.pack(
        content_type,
        version,
        epoch,
        sequence_number >> 32,
        sequence_number & 0xFFFFFFFF,
        len(fragment),
    )
    if cid:
        header = header[:-2] + cid + header[-2:]
    return header + fragment
