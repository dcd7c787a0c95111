"""How each bootstrap goes: the events the bootstrap server emits."""

from __future__ import annotations

from dataclasses import dataclass

from ..events import LwM2MEvent


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
