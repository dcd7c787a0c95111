"""Pushing an image into the device's Package resource with Block1, block after block.

The blocks go one at a time so each acknowledgement counts as progress. A device may
ask for smaller blocks: in a 2.31 Continue (the block was taken; the next ones are
smaller) or in a 4.13 answer to the first block (it was not taken; start again smaller),
as RFC 7959 allows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiocoap
from aiocoap.numbers.codes import Code
from aiocoap.optiontypes import BlockOption

_LAST_BLOCK_TAKEN = (Code.CHANGED, Code.CREATED)

SendBlock = Callable[[BlockOption.BlockwiseTuple, bytes], Awaitable[aiocoap.Message]]
Sent = Callable[[int], None]
"""Called with the number of bytes the device has acknowledged so far."""


class PushRefusedError(Exception):
    """The device answered a block with something other than going on."""

    def __init__(self, block_number: int, code: str) -> None:
        super().__init__(f"block {block_number} was answered with {code}")
        self.code = code


async def push_blocks(send: SendBlock, data: bytes, size_exponent: int, sent: Sent) -> None:
    offset = 0
    exponent = size_exponent
    while True:
        size = 1 << (exponent + 4)
        chunk = data[offset : offset + size]
        more = offset + len(chunk) < len(data)
        block = BlockOption.BlockwiseTuple(offset // size, more, exponent)
        response = await send(block, chunk)
        code = response.code
        asked = response.opt.block1
        smaller = asked is not None and asked.size_exponent < exponent
        if code == Code.REQUEST_ENTITY_TOO_LARGE and offset == 0 and smaller:
            exponent = asked.size_exponent
            continue
        if code not in ((Code.CONTINUE,) if more else _LAST_BLOCK_TAKEN):
            raise PushRefusedError(block.block_number, code.dotted)
        offset += len(chunk)
        sent(offset)
        if not more:
            return
        if smaller:
            exponent = asked.size_exponent
