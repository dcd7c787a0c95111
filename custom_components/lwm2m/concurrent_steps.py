"""A device's requests after registration, sent together rather than one after another.

Each step starts at once (an eager task), so its request reaches the message layer in the
order given; a step that needs no I/O is done before the next one starts. The CoAP message
layer still sends one confirmable request at a time to a device (NSTART = 1, RFC 7252
section 4.7): the next goes out as soon as the previous one is acknowledged, without
waiting for the hub to handle the answer first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable
from typing import Any

from homeassistant.util.async_ import create_eager_task


async def all_succeed(steps: Iterable[Coroutine[Any, Any, bool]]) -> bool:
    """Run ``steps`` at once; False at the first (in order) that returns False, and the
    rest are cancelled."""
    return await _together(steps, stop_at=False)


async def run_together(steps: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run ``steps`` at once until all are done; cancelling this cancels them all."""
    await _together(steps, stop_at=object())


async def _together(steps: Iterable[Coroutine[Any, Any, Any]], stop_at: object) -> bool:
    tasks: list[asyncio.Task[Any]] = [create_eager_task(step) for step in steps]
    try:
        for task in tasks:
            if await task is stop_at:
                return False
        return True
    finally:
        unfinished = [task for task in tasks if not task.done()]
        for task in unfinished:
            task.cancel()
        if unfinished:  # none outlives the caller (nor its Home Assistant task)
            await asyncio.wait(unfinished)
