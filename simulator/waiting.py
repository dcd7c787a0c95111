"""Awaiting a condition on a device's state without polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Changes:
    """Wakes the waiters of :meth:`wait_until` whenever :meth:`happened` is called."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def happened(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5,  # noqa: ASYNC109  (callers pass a plain number of seconds)
    ) -> None:
        """Return once ``condition()`` holds; raises TimeoutError after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while not condition():
                if self._event is None:
                    self._event = asyncio.Event()
                await self._event.wait()
