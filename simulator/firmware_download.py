"""Fetching a firmware package from its Package URI: CoAP GETs, one Block2 block at a time.

The blocks are asked for one by one (not left to aiocoap's block-wise client) so the
device can count them, stall between them and follow a smaller block size the server
picks. A failure carries the Update Result (/5/x/5) a device reports for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiocoap import Message
from aiocoap import error as coap_error
from aiocoap.numbers.codes import Code
from aiocoap.optiontypes import BlockOption

RESULT_CONNECTION_LOST = 4
RESULT_INVALID_URI = 7
RESULT_UNSUPPORTED_PROTOCOL = 9

SUPPORTED_SCHEMES = frozenset({"coap"})
KNOWN_SCHEMES = frozenset({"coap", "coaps", "http", "https", "coap+tcp", "coaps+tcp"})

Fetch = Callable[[Message], Awaitable[Message]]
BlockArrived = Callable[[int], Awaitable[None]]


class DownloadError(Exception):
    """The download failed; ``result`` is the Update Result to report."""

    def __init__(self, result: int, reason: str) -> None:
        super().__init__(reason)
        self.result = result


def check_uri(uri: str) -> None:
    """Refuse what this device cannot fetch: a malformed URI, or a scheme it lacks."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        raise DownloadError(RESULT_INVALID_URI, f"malformed URI {uri!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in KNOWN_SCHEMES or not parts.hostname:
        raise DownloadError(RESULT_INVALID_URI, f"not a download URI: {uri!r}")
    if scheme not in SUPPORTED_SCHEMES:
        raise DownloadError(RESULT_UNSUPPORTED_PROTOCOL, f"cannot download over {scheme}")


async def download(fetch: Fetch, uri: str, size_exponent: int, arrived: BlockArrived) -> bytes:
    """The whole package at ``uri``; ``arrived(count)`` is awaited after each block."""
    check_uri(uri)
    first = Message(code=Code.GET, uri=uri)
    remote = None
    received = bytearray()
    number = 0
    count = 0
    while True:
        request = first.copy(block2=BlockOption.BlockwiseTuple(number, False, size_exponent))
        if remote is not None:
            request.remote = remote  # resolve the URI's host once, not for every block
        try:
            response = await fetch(request)
        except (coap_error.Error, OSError) as error:
            reason = f"fetching block {number}: {error}"
            raise DownloadError(RESULT_CONNECTION_LOST, reason) from None
        if response.code != Code.CONTENT:
            result = RESULT_INVALID_URI if response.code.class_ == 4 else RESULT_CONNECTION_LOST
            raise DownloadError(result, f"block {number} answered {response.code}")
        remote = response.remote
        block = response.opt.block2
        count += 1
        if block is None:
            await arrived(count)
            return bytes(response.payload)
        if block.start != len(received):
            raise DownloadError(RESULT_CONNECTION_LOST, f"block {block.block_number} out of order")
        received += response.payload
        await arrived(count)
        if not block.more:
            return bytes(received)
        size_exponent = block.size_exponent
        number = len(received) // block.size
