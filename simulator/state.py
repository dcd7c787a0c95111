"""Everything a request handler needs from its device, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from custom_components.lwm2m.engine import Path

from .attributes import AttributeStore
from .formats import FormatPolicy
from .objects import ObjectStore
from .quirks import Quirks


def _ignore_paths(paths: list[Path]) -> None:
    pass


def _ignore_execute(path: Path, arguments: str) -> None:
    pass


def _ignore_instance(path: Path) -> None:
    pass


@dataclass(slots=True)
class ClientState:
    """A device's objects, attributes and format rules, and hooks for what requests change.

    ``changed`` gets the resource paths a write changed; ``executed`` each Execute with
    its argument text; ``created`` and ``deleted`` each instance a server created or
    deleted.
    """

    store: ObjectStore
    attributes: AttributeStore
    policy: FormatPolicy
    changed: Callable[[list[Path]], None] = _ignore_paths
    executed: Callable[[Path, str], None] = _ignore_execute
    deleted: Callable[[Path], None] = _ignore_instance
    created: Callable[[Path], None] = _ignore_instance

    @property
    def quirks(self) -> Quirks:
        return self.policy.quirks

    @property
    def lwm2m_version(self) -> str:
        return self.policy.lwm2m_version
