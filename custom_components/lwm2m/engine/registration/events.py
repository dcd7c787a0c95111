"""What happens to registrations: the events the registrar emits."""

from __future__ import annotations

from dataclasses import dataclass

from ..events import LwM2MEvent
from .record import Registration


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
