"""What the hub knows about one device: its objects, its values, whether it is reachable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .engine import Path, Registration
from .storage import KnownDevice
from .values.credentials import without_credentials
from .values.json_forms import from_stored, to_stored


@dataclass(slots=True)
class DeviceState:
    """One endpoint as the hub tracks it, registered now or known from an earlier run."""

    endpoint: str
    objects: dict[Path, dict[str, Any]] = field(default_factory=dict)
    values: dict[Path, Any] = field(default_factory=dict)
    registration: Registration | None = None  # the live registration, if any
    available: bool = False
    expires_at: float | None = None  # restored devices: when to stop presuming them alive
    away_logged: bool = False
    summary: dict[str, Any] = field(default_factory=dict)

    def value(self, path: Path) -> Any:
        return self.values.get(path)

    def resource_instances(self, path: Path) -> dict[int, Any]:
        """Values of a multiple resource's instances, by resource instance id."""
        return {
            key.ids[3]: value
            for key, value in self.values.items()
            if len(key.ids) == 4 and key.ids[:3] == path.ids
        }

    def merge(self, values: Mapping[Path, Any]) -> set[Path]:
        """Take new values in; returns the resource paths that changed.

        A response that carries a multiple resource (its instances, or ``[]`` for none)
        replaces every instance of it the hub had.
        """
        multiple = {path.resource_path() for path in values if len(path.ids) == 4}
        multiple |= {path for path, value in values.items() if len(path.ids) == 3 and value == []}
        changed: set[Path] = set()
        stale = (
            [
                key
                for key in self.values
                if len(key.ids) == 4 and key.resource_path() in multiple and key not in values
            ]
            if multiple
            else []
        )
        for key in stale:
            del self.values[key]
            changed.add(key.resource_path())
        for path, value in values.items():
            if len(path.ids) < 3 or path in multiple:
                continue
            if self.values.get(path, _MISSING) != value:
                self.values[path] = value
                changed.add(path.resource_path())
        return changed

    def forget_instance(self, instance: Path) -> None:
        for key in [key for key in self.values if key.startswith(instance)]:
            del self.values[key]

    def to_known(self) -> KnownDevice:
        # The Store may call this from its executor thread while the event loop takes new
        # values in: copy first (one step for the interpreter), then read the copy.
        values = dict(self.values)
        return KnownDevice(
            self.endpoint,
            dict(self.summary),
            {str(path): to_stored(value) for path, value in sorted(values.items())},
        )

    @classmethod
    def from_known(cls, known: KnownDevice) -> DeviceState:
        objects = {
            Path.parse(path): dict(params)
            for path, params in known.registration.get("objects", {}).items()
        }
        values = {Path.parse(path): from_stored(value) for path, value in known.values.items()}
        # A file written before credentials were kept out may still hold some.
        values = without_credentials(values)
        return cls(known.endpoint, objects, values, summary=dict(known.registration))


_MISSING = object()


def registration_summary(registration: Registration, seen_at: float) -> dict[str, Any]:
    """The parts of a registration worth keeping across restarts (no address, no identity).

    ``seen_at`` is the wall-clock time the hub last heard of the registration.
    """
    return {
        "seen_at": seen_at,
        "registered": True,
        "registration_id": registration.registration_id,
        "lifetime": registration.lifetime,
        "lwm2m_version": registration.lwm2m_version,
        "binding": registration.binding,
        "queue_mode": registration.queue_mode,
        "secure": registration.secure,
        "objects": {str(path): dict(params) for path, params in registration.objects.items()},
    }
