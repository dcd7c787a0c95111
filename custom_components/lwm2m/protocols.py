"""Device protocols: the user's per-object choice of shown and auto-observed resources.

Stored shape (one entry per object the user configured; keys are strings for JSON)::

    {"objects": {"3303": {"resources": {"5700": {"show": true, "observe": true,
                                                  "pmin": 10, "pmax": 60}}}}}

An object with no entry follows the defaults of ``mapping.py``. An object with an entry
shows exactly the resources listed with ``show``. Keys a resource entry has beyond
``show``/``observe``/``pmin``/``pmax`` (measurement, alarm and event settings later) are
kept untouched, so older code never drops what newer code stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_KNOWN_KEYS = frozenset({"show", "observe", "pmin", "pmax"})


@dataclass(frozen=True, slots=True)
class ResourceSettings:
    """What the user chose for one resource of an object."""

    show: bool = True
    observe: bool = False
    pmin: int | None = None
    pmax: int | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.extra, "show": self.show, "observe": self.observe}
        if self.pmin is not None:
            data["pmin"] = self.pmin
        if self.pmax is not None:
            data["pmax"] = self.pmax
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResourceSettings:
        return cls(
            show=bool(data.get("show", True)),
            observe=bool(data.get("observe", False)),
            pmin=_optional_int(data.get("pmin")),
            pmax=_optional_int(data.get("pmax")),
            extra=MappingProxyType({k: v for k, v in data.items() if k not in _KNOWN_KEYS}),
        )


@dataclass(frozen=True, slots=True)
class ObjectProtocol:
    """The settings of one object's resources, by resource id."""

    resources: Mapping[int, ResourceSettings]

    def settings(self, resource_id: int) -> ResourceSettings | None:
        return self.resources.get(resource_id)

    def shown(self, resource_id: int) -> bool:
        settings = self.resources.get(resource_id)
        return settings is not None and settings.show

    def to_dict(self) -> dict[str, Any]:
        return {
            "resources": {
                str(resource_id): settings.to_dict()
                for resource_id, settings in sorted(self.resources.items())
            }
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ObjectProtocol:
        return cls(
            {
                int(resource_id): ResourceSettings.from_dict(settings)
                for resource_id, settings in data.get("resources", {}).items()
            }
        )


@dataclass(slots=True)
class DeviceProtocols:
    """Every configured object protocol, by object id."""

    objects: dict[int, ObjectProtocol] = field(default_factory=dict)

    def get(self, object_id: int) -> ObjectProtocol | None:
        return self.objects.get(object_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "objects": {
                str(object_id): protocol.to_dict()
                for object_id, protocol in sorted(self.objects.items())
            }
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeviceProtocols:
        return cls(
            {
                int(object_id): ObjectProtocol.from_dict(protocol)
                for object_id, protocol in data.get("objects", {}).items()
            }
        )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
