"""The connection_id hello extension (RFC 9146 3) and the Connection IDs this server hands out.

The client names, in its ClientHello, the CID it wants on the records it receives
(possibly empty: "I support CIDs, send me none"); the server answers with the CID
it wants on the records it receives. Each side then puts the other's CID on every
record it protects with the negotiated keys. The server's CIDs are random, of one
fixed length (a tls12_cid header does not carry the length: RFC 9146 4), and
unique among its sessions and handshakes; that is what lets a record find its
session after the client's address changed (RFC 9146 6).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from .errors import DtlsDecodeError

EXT_CONNECTION_ID = 0x0036  # 54, RFC 9146 3 (the draft versions used 53)
MAX_CID_LENGTH = 255
# Draws before giving up: only a short CID with most of its values in use gets there.
_ATTEMPTS = 32


def parse_connection_id(extension_data: bytes) -> bytes:
    """The CID of a connection_id extension: ``opaque cid<0..2^8-1>``."""
    if not extension_data or extension_data[0] != len(extension_data) - 1:
        raise DtlsDecodeError("malformed connection_id extension")
    return extension_data[1:]


def connection_id_extension(cid: bytes) -> bytes:
    """The extension_data announcing ``cid``."""
    if len(cid) > MAX_CID_LENGTH:
        raise ValueError("a Connection ID is at most 255 bytes")
    return bytes([len(cid)]) + cid


def new_connection_id(length: int, in_use: Callable[[bytes], bool]) -> bytes | None:
    """A random CID of ``length`` bytes that ``in_use`` does not know (empty for 0);
    None when no free one turned up (the handshake then goes without a CID)."""
    if length == 0:
        return b""
    for _ in range(_ATTEMPTS):
        cid = os.urandom(length)
        if not in_use(cid):
            return cid
    return None
