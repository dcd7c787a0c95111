"""Device protocols: per object, what each resource becomes and how it is observed.

Stored shape (one entry per object the user configured; keys are strings for JSON)::

    {"objects": {"3303": {"resources": {"5700": {
        "show": true,
        "observe": true, "pmin": 10, "pmax": 60, "gt": 30.0, "lt": 5.0, "st": 0.5,
        "measurement": {"type": "c8y_Temperature", "series": "T", "unit": "°C"},
        "alarm": {"severity": "MAJOR", "type": "overheat", "status": "ACTIVE",
                  "text": "Too hot", "above": 30.0},
        "event": {"type": "temperature_report", "text": "Temperature received"},
        "custom_action": true,
        "validation": [[{"type": "string", "operator": "not_equals", "value": "test"}]]
    }}}}}

Every key but ``show`` is optional. An object with no entry follows the defaults of
``mapping.py``. An object with an entry shows exactly the resources listed with ``show``;
a resource with a functionality (measurement, alarm, event, custom action) gets that
functionality's entities whether shown or not. Auto-observe takes effect only for a
resource with at least one functionality, being shown as an entity counting as one.
Validation rules apply to writes. Keys a resource entry has beyond these are kept
untouched, so older code never drops what newer code stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .alarms import AlarmSettings
from .validation import RuleSet

# Secrets and access control: never entities, functionalities or observations.
PROTECTED_OBJECTS = frozenset({0, 2, 21})
OBSERVATION_ATTRIBUTES = ("pmin", "pmax", "gt", "lt", "st")
_KNOWN_KEYS = frozenset(
    {
        "show",
        "observe",
        *OBSERVATION_ATTRIBUTES,
        "measurement",
        "alarm",
        "event",
        "custom_action",
        "validation",
    }
)


@dataclass(frozen=True, slots=True)
class MeasurementSettings:
    """Send measurement: a sensor with long-term statistics; ``unit`` overrides the DDF's."""

    type: str
    series: str
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {"type": self.type, "series": self.series}
        return data if self.unit is None else {**data, "unit": self.unit}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MeasurementSettings:
        unit = data.get("unit")
        return cls(str(data["type"]), str(data["series"]), None if unit is None else str(unit))


@dataclass(frozen=True, slots=True)
class EventSettings:
    """Send event: an event entity that fires on every value the device reports."""

    type: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventSettings:
        return cls(str(data["type"]), str(data["text"]))


@dataclass(frozen=True, slots=True)
class ResourceSettings:
    """What the user chose for one resource of an object."""

    show: bool = True
    observe: bool = False
    pmin: int | None = None
    pmax: int | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    gt: float | None = None
    lt: float | None = None
    st: float | None = None
    measurement: MeasurementSettings | None = None
    alarm: AlarmSettings | None = None
    event: EventSettings | None = None
    custom_action: bool = False
    rules: RuleSet = field(default_factory=RuleSet)

    @property
    def functions(self) -> list[str]:
        """The functionalities set, by name."""
        chosen = {
            "measurement": self.measurement is not None,
            "alarm": self.alarm is not None,
            "event": self.event is not None,
            "custom_action": self.custom_action,
        }
        return [name for name, on in chosen.items() if on]

    @property
    def observes(self) -> bool:
        """Auto-observe in effect: asked for, and something uses the values."""
        return self.observe and (self.show or bool(self.functions))

    @property
    def observation_attributes(self) -> dict[str, int | float]:
        values = {name: getattr(self, name) for name in OBSERVATION_ATTRIBUTES}
        return {name: value for name, value in values.items() if value is not None}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.extra, "show": self.show, "observe": self.observe}
        data.update(self.observation_attributes)
        for name, settings in (
            ("measurement", self.measurement),
            ("alarm", self.alarm),
            ("event", self.event),
        ):
            if settings is not None:
                data[name] = settings.to_dict()
        if self.custom_action:
            data["custom_action"] = True
        if self.rules:
            data["validation"] = self.rules.to_list()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResourceSettings:
        return cls(
            show=bool(data.get("show", True)),
            observe=bool(data.get("observe", False)),
            pmin=_optional_int(data.get("pmin")),
            pmax=_optional_int(data.get("pmax")),
            extra=MappingProxyType({k: v for k, v in data.items() if k not in _KNOWN_KEYS}),
            gt=_optional_float(data.get("gt")),
            lt=_optional_float(data.get("lt")),
            st=_optional_float(data.get("st")),
            measurement=_optional(MeasurementSettings.from_dict, data.get("measurement")),
            alarm=_optional(AlarmSettings.from_dict, data.get("alarm")),
            event=_optional(EventSettings.from_dict, data.get("event")),
            custom_action=bool(data.get("custom_action", False)),
            rules=RuleSet.from_list(data.get("validation", [])),
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


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _optional[T](parse: Callable[[Mapping[str, Any]], T], data: Any) -> T | None:
    return None if data is None else parse(data)
