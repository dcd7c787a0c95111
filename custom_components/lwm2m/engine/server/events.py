"""What the LwM2M server hears from registered devices besides registrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..codec import TimedValue
from ..events import LwM2MEvent
from ..path import Path


@dataclass(frozen=True, slots=True)
class NotificationReceived(LwM2MEvent):
    """An observe notification (or the first response of an observation)."""

    path: Path
    values: dict[Path, Any]
    observe_sequence: int | None = None
    content_format: int | None = None
    history: tuple[TimedValue, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SendReceived(LwM2MEvent):
    """Data the device pushed with the LwM2M Send operation (POST /dp)."""

    values: dict[Path, Any]
    history: tuple[TimedValue, ...] = field(default=())
    content_format: int | None = None


@dataclass(frozen=True, slots=True)
class Asleep(LwM2MEvent):
    """A queue-mode device left its awake window: requests are queued."""


@dataclass(frozen=True, slots=True)
class Awake(LwM2MEvent):
    """A queue-mode device is reachable again; queued requests are flushed."""


@dataclass(frozen=True, slots=True)
class QueueChanged(LwM2MEvent):
    """A request joined or left the endpoint's queue (queue mode): time to save
    ``export_queue()`` if the queue is to survive a crash."""
