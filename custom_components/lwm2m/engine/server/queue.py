"""A bounded, ordered queue of requests waiting for a queue-mode device to wake up."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import QueueFullError
from ..path import Path
from ..requests.request import DeviceRequest

DEFAULT_QUEUE_LIMIT = 100
_IDS = itertools.count(1)


@dataclass(eq=False, slots=True)
class QueuedRequest:
    """A request and whoever awaits it (None: nobody, e.g. restored after a restart)."""

    request: DeviceRequest
    future: asyncio.Future[Any] | None = None
    id: int = field(default_factory=lambda: next(_IDS))  # unique within the process
    queued_at: float = field(default_factory=time.time)  # wall-clock time

    @property
    def abandoned(self) -> bool:
        return self.future is not None and self.future.done()


@dataclass(frozen=True, slots=True)
class QueuedRequestInfo:
    """What a queued request is, for whoever shows or cancels it."""

    id: int
    operation: str
    path: Path
    queued_at: float
    awaited: bool  # False: restored after a restart, its result is only logged

    @classmethod
    def of(cls, item: QueuedRequest) -> QueuedRequestInfo:
        request = item.request
        return cls(
            item.id, request.operation.value, request.path, item.queued_at, item.future is not None
        )


class RequestQueue:
    def __init__(self, endpoint: str, limit: int = DEFAULT_QUEUE_LIMIT) -> None:
        self.endpoint = endpoint
        self.limit = limit
        self._items: deque[QueuedRequest] = deque()

    def push(self, item: QueuedRequest) -> None:
        """Append; QueueFullError when ``limit`` requests are already waiting."""
        if len(self._items) >= self.limit:
            raise QueueFullError(self.endpoint, self.limit)
        self._items.append(item)

    def push_front(self, item: QueuedRequest) -> None:
        """Put back a request that could not be delivered: it keeps its turn."""
        self._items.appendleft(item)

    def pop(self) -> QueuedRequest | None:
        """The next request somebody still wants (abandoned ones are dropped)."""
        while self._items:
            item = self._items.popleft()
            if not item.abandoned:
                return item
        return None

    def discard(self, item: QueuedRequest) -> None:
        with contextlib.suppress(ValueError):
            self._items.remove(item)

    def find(self, request_id: int) -> QueuedRequest | None:
        return next((item for item in self._items if item.id == request_id), None)

    def take_all(self) -> list[QueuedRequest]:
        items = list(self._items)
        self._items.clear()
        return items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[QueuedRequest]:
        return iter(list(self._items))
