"""The CoAP resource serving firmware images block-wise (Block2) at /fw/<token>.

Each block is cut from the image as it is asked for, in the size the client asks for
(or smaller, if the transport cannot carry it), so a client can fetch blocks in any
order, again, or resume where it stopped. Unknown, expired and revoked tokens get 4.04;
a known token used by another peer gets 4.03.
"""

from __future__ import annotations

import logging
from typing import Any

import aiocoap
from aiocoap import resource
from aiocoap.numbers.codes import Code
from aiocoap.optiontypes import BlockOption

from ..log_once import LogOnce
from .device_object import OCTET_STREAM
from .grants import DownloadGrant, DownloadGrants

_LOGGER = logging.getLogger(__name__)
LARGEST_BLOCK_EXPONENT = 6  # 1024 bytes; 7 would mean BERT, which UDP does not carry
_ETAG_LENGTH = 8


class FirmwareResource(resource.Resource, resource.PathCapable):  # type: ignore[misc]
    def __init__(self, grants: DownloadGrants) -> None:
        super().__init__()
        self._grants = grants
        self._log_once = LogOnce(_LOGGER)

    def get_link_description(self) -> Any:
        return None  # not advertised in /.well-known/core

    async def needs_blockwise_assembly(self, request: aiocoap.Message) -> bool:
        return False

    async def render_get(self, request: aiocoap.Message) -> aiocoap.Message:
        path = request.opt.uri_path
        grant = self._grants.find(path[0]) if len(path) == 1 else None
        if grant is None:
            return aiocoap.Message(code=Code.NOT_FOUND)
        if not self._grants.permits(grant, request.remote):
            self._log_once(
                f"foreign-download:{grant.endpoint}",
                "refused a firmware download for %s to %s, which is not that device",
                grant.endpoint,
                request.remote,
            )
            return aiocoap.Message(code=Code.FORBIDDEN)
        largest = min(request.remote.maximum_block_size_exp, LARGEST_BLOCK_EXPONENT)
        return block_response(grant, request.opt.block2, largest)


def block_response(
    grant: DownloadGrant, wanted: BlockOption.BlockwiseTuple | None, largest: int
) -> aiocoap.Message:
    """The block of ``grant``'s image the request asks for (block 0 when it asks for none),
    or the whole image when it asks for none and the image fits in one."""
    data = grant.image.data
    block = (wanted or BlockOption.BlockwiseTuple(0, False, largest)).reduced_to(largest)
    if block.start >= len(data):
        return aiocoap.Message(code=Code.BAD_OPTION, payload=b"no such block")
    response = aiocoap.Message(
        code=Code.CONTENT,
        content_format=OCTET_STREAM,
        etag=bytes.fromhex(grant.image.sha256)[:_ETAG_LENGTH],
    )
    if wanted is None and len(data) <= block.size:
        response.payload = data
    else:
        end = min(block.start + block.size, len(data))
        response.payload = data[block.start : end]
        response.opt.block2 = BlockOption.BlockwiseTuple(
            block.block_number, end < len(data), block.size_exponent
        )
        if block.block_number == 0:
            response.opt.size2 = len(data)
    grant.served(block.start + len(response.payload))
    return response
