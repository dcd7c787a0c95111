"""The history of the device-management operations users asked for: the last 1,000 of each
device, kept across restarts.

An operation is recorded when it is sent (or queued for a sleeping device) and updated
when it ends: time, operation, path, result, duration, and the Home Assistant user whose
action, entity or panel command caused it (``acting_user`` carries that user down to the
request). The file is written at most ``SAVE_DELAY`` seconds after the first change that
is not on disk yet, however many follow: a busy device cannot keep postponing it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .engine import (
    DeviceNotRegisteredError,
    LwM2MError,
    Path,
    QueueFullError,
    RequestCancelledError,
    RequestFailedError,
    RequestTimeoutError,
)

HISTORY_LENGTH = 1000
SAVE_DELAY = 10  # seconds: the oldest unsaved entry is on disk this soon
STORAGE_VERSION = 1
# The code a device answers each operation with when it succeeds (LwM2M 1.1, 6.3-6.4).
SUCCESS_CODES = {
    "read": "2.05",
    "discover": "2.05",
    "observe": "2.05",
    "write": "2.04",
    "write_attributes": "2.04",
    "execute": "2.04",
    "create": "2.01",
    "delete": "2.02",
    "cancel_observation": "2.05",
}
PENDING = "pending"
INTERRUPTED = "interrupted"

acting_user: ContextVar[str | None] = ContextVar("lwm2m_acting_user", default=None)


@contextmanager
def acting_as(user_id: str | None) -> Iterator[None]:
    """Requests made inside are recorded as ``user_id``'s."""
    token = acting_user.set(user_id)
    try:
        yield
    finally:
        acting_user.reset(token)


@dataclass(slots=True)
class HistoryEntry:
    time: float  # wall clock, seconds
    operation: str
    path: str
    result: str  # a dotted CoAP code, or what kept the request from an answer
    duration: float | None  # seconds; None while pending
    user_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryEntry:
        return cls(
            float(data["time"]),
            str(data["operation"]),
            str(data["path"]),
            str(data["result"]),
            None if data.get("duration") is None else float(data["duration"]),
            data.get("user_id"),
        )


def result_of(error: BaseException | None, operation: str) -> str:
    """What an operation's history entry says about its outcome."""
    match error:
        case None:
            return SUCCESS_CODES.get(operation, "2.04")
        case RequestFailedError():
            return error.code
        case RequestTimeoutError():
            return "timeout"
        case RequestCancelledError():
            return "cancelled"
        case QueueFullError():
            return "queue full"
        case DeviceNotRegisteredError():
            return "not registered"
        case LwM2MError():
            return "error"
    return "error"


class OperationHistory:
    """Per-device operation histories in one private Store."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.history", private=True, atomic_writes=True
        )
        self._entries: dict[str, deque[HistoryEntry]] = {}
        self._listeners: dict[str, list[Callable[[], None]]] = {}
        self._save_scheduled = False

    async def async_load(self) -> None:
        data = await self._store.async_load() or {}
        for endpoint, rows in data.get("devices", {}).items():
            entries = deque((HistoryEntry.from_dict(row) for row in rows), maxlen=HISTORY_LENGTH)
            for entry in entries:
                if entry.result == PENDING:  # Home Assistant stopped before it ended
                    entry.result = INTERRUPTED
            self._entries[endpoint] = entries

    def entries(self, endpoint: str) -> list[HistoryEntry]:
        """Newest first."""
        return list(reversed(self._entries.get(endpoint, ())))

    @contextmanager
    def track(self, endpoint: str, operation: str, path: Path) -> Iterator[None]:
        """Record the operation run inside; its error (if any) passes on unchanged."""
        entry = HistoryEntry(time.time(), operation, str(path), PENDING, None, acting_user.get())
        started = time.monotonic()
        self._entries.setdefault(endpoint, deque(maxlen=HISTORY_LENGTH)).append(entry)
        self._changed(endpoint)
        error: BaseException | None = None
        try:
            yield
        except BaseException as err:
            error = err
            raise
        finally:
            entry.result = result_of(error, operation)
            entry.duration = round(time.monotonic() - started, 3)
            self._changed(endpoint)

    @callback
    def listen(self, endpoint: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever ``endpoint``'s history changes."""
        listeners = self._listeners.setdefault(endpoint, [])
        listeners.append(listener)

        def forget() -> None:
            listeners.remove(listener)
            if not listeners:
                self._listeners.pop(endpoint, None)

        return forget

    def forget(self, endpoint: str) -> None:
        if self._entries.pop(endpoint, None) is not None:
            self._schedule_save()

    async def async_save(self) -> None:
        self._save_scheduled = False
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        await self._store.async_remove()

    def _changed(self, endpoint: str) -> None:
        self._schedule_save()
        for listener in list(self._listeners.get(endpoint, ())):
            listener()

    def _schedule_save(self) -> None:
        # Store.async_delay_save restarts its timer on every call: called only for the
        # first change after a write, the write comes SAVE_DELAY after that change.
        if not self._save_scheduled:
            self._save_scheduled = True
            self._store.async_delay_save(self._data_for_delayed_save, SAVE_DELAY)

    def _data_for_delayed_save(self) -> dict[str, Any]:
        self._save_scheduled = False
        return self._data()

    def _data(self) -> dict[str, Any]:
        return {
            "devices": {
                endpoint: [entry.to_dict() for entry in entries]
                for endpoint, entries in self._entries.items()
                if entries
            }
        }
