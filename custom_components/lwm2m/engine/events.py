"""Typed events the engine emits to its listeners."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .codec import TimedValue
from .path import Path

if TYPE_CHECKING:
    from .firmware_status import FirmwareStatus
    from .registration import Registration


@dataclass(frozen=True, slots=True)
class LwM2MEvent:
    """Base of every engine event: it always names the endpoint."""

    endpoint: str


@dataclass(frozen=True, slots=True)
class Registered(LwM2MEvent):
    """A device registered; ``replaced`` when it had a live registration before."""

    registration: Registration
    replaced: bool = False


@dataclass(frozen=True, slots=True)
class Updated(LwM2MEvent):
    """A registration update; ``changed`` names what changed (lifetime, binding,
    objects, address, sms, ...)."""

    registration: Registration
    changed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Deregistered(LwM2MEvent):
    """The device de-registered (or was replaced by a new registration elsewhere)."""

    registration: Registration


@dataclass(frozen=True, slots=True)
class Expired(LwM2MEvent):
    """The registration lifetime (plus grace) ran out without an update."""

    registration: Registration


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
class FirmwareProgress(LwM2MEvent):
    """A firmware update moved on: its phase changed or its progress reached another
    whole percent."""

    status: FirmwareStatus


@dataclass(frozen=True, slots=True)
class FirmwareUpdateFinished(LwM2MEvent):
    """A firmware update ended: ``status.phase`` is succeeded or failed, and then
    ``status.error`` says why."""

    status: FirmwareStatus
