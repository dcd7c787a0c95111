"""What the device saw: the requests the server sent it, in order, and a way to await one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

RequestPredicate = Callable[["RequestRecord"], bool]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request from the server, as the device received it.

    ``path`` is the URI path as sent (``"/3/0/1"``, ``"/lwm2m/3/0"``, ``"/"``); ``query``
    its query items; ``observe`` the Observe option (0 register, 1 cancel) if present.
    """

    method: str
    path: str
    content_format: int | None
    accept: int | None
    query: tuple[str, ...]
    payload: bytes
    observe: int | None


class RequestLog:
    """An ordered list of records that tests can await entries of."""

    def __init__(self) -> None:
        self.records: list[RequestRecord] = []
        self._waiters: list[tuple[RequestPredicate, asyncio.Future[RequestRecord]]] = []

    def add(self, record: RequestRecord) -> None:
        self.records.append(record)
        still_waiting = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate(record):
                future.set_result(record)
            else:
                still_waiting.append((predicate, future))
        self._waiters = still_waiting

    async def wait_for(
        self,
        predicate: RequestPredicate,
        timeout: float = 5,  # noqa: ASYNC109  (callers pass a plain number of seconds)
        *,
        since: int = 0,
    ) -> RequestRecord:
        """The first record from index ``since`` on that matches, waiting for it if needed.

        Raises TimeoutError when none arrives within ``timeout`` seconds.
        """
        for record in self.records[since:]:
            if predicate(record):
                return record
        future: asyncio.Future[RequestRecord] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            async with asyncio.timeout(timeout):
                return await future
        finally:
            if not future.done():
                future.cancel()
