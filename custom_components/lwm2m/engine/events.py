"""Typed events the engine emits to its listeners."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .codec import TimedValue
from .path import Path

if TYPE_CHECKING:
    from .firmware.status import FirmwareStatus
    from .registration.record import Registration


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
class Revoked(Deregistered):
    """The server ended the registration: its credentials were changed or removed."""


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
class BootstrapStarted(LwM2MEvent):
    """The bootstrap server accepted a Bootstrap-Request and starts configuring."""

    secure: bool = False
    content_format: int | None = None


@dataclass(frozen=True, slots=True)
class BootstrapFinished(LwM2MEvent):
    """The device acknowledged Bootstrap-Finish; it now holds the accounts written.

    ``security_instance`` and ``server_instance`` are where its LwM2M server account
    went, ``bootstrap_instance`` where the bootstrap account was written (None when
    the device's credentials do not ask for one).
    """

    security_instance: int = 0
    server_instance: int = 0
    bootstrap_instance: int | None = None
    duration: float = 0.0


@dataclass(frozen=True, slots=True)
class BootstrapFailed(LwM2MEvent):
    """A bootstrap could not be done.

    ``step`` names what failed: ``"request"`` for a refused Bootstrap-Request, else
    the operation (``"delete /0"``, ``"write /0/1"``, ``"finish"``, ...). ``code`` is
    the device's (or, for ``"request"``, the server's) dotted response code; None when
    the device did not answer. ``attempts`` is how often the step was tried.
    """

    step: str = ""
    code: str | None = None
    reason: str = ""
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class QueueChanged(LwM2MEvent):
    """A request joined or left the endpoint's queue (queue mode): time to save
    ``export_queue()`` if the queue is to survive a crash."""


@dataclass(frozen=True, slots=True)
class FirmwareProgress(LwM2MEvent):
    """A firmware update moved on: its phase or delivery method changed, or its progress
    reached another whole percent."""

    status: FirmwareStatus


@dataclass(frozen=True, slots=True)
class FirmwareUpdateFinished(LwM2MEvent):
    """A firmware update ended: ``status.phase`` is succeeded or failed, and then
    ``status.error`` says why."""

    status: FirmwareStatus
