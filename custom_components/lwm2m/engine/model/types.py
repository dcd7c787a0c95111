"""The LwM2M object model: object and resource definitions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Flag, StrEnum
from typing import Protocol


class ResourceType(StrEnum):
    """Data types of LwM2M resources, spelled as in DDF files."""

    STRING = "String"
    INTEGER = "Integer"
    UNSIGNED_INTEGER = "Unsigned Integer"
    FLOAT = "Float"
    BOOLEAN = "Boolean"
    OPAQUE = "Opaque"
    TIME = "Time"
    OBJLNK = "Objlnk"
    CORELNK = "Corelnk"
    NONE = "none"  # executable resources carry no value

    @property
    def is_numeric(self) -> bool:
        return self in _NUMERIC


_NUMERIC = frozenset({ResourceType.INTEGER, ResourceType.UNSIGNED_INTEGER, ResourceType.FLOAT})


class Operations(Flag):
    """Operations a resource allows: any of Read, Write, Execute."""

    NONE = 0
    R = 1
    W = 2
    E = 4

    @classmethod
    def parse(cls, text: str) -> Operations:
        """Parse ``""``, ``"R"``, ``"RW"``, ``"W"`` or ``"E"``."""
        result = cls.NONE
        for letter in text.strip().upper():
            if letter not in ("R", "W", "E"):
                raise ValueError(f"unknown operation letter {letter!r} in {text!r}")
            result |= cls[letter]
        return result

    def __str__(self) -> str:
        return "".join(
            op.name or "" for op in (Operations.R, Operations.W, Operations.E) if op in self
        )

    @property
    def readable(self) -> bool:
        return Operations.R in self

    @property
    def writable(self) -> bool:
        return Operations.W in self

    @property
    def executable(self) -> bool:
        return Operations.E in self


@dataclass(frozen=True, slots=True)
class ValueRange:
    """A numeric range from a DDF ``RangeEnumeration`` such as ``0..100``."""

    minimum: float
    maximum: float


@dataclass(frozen=True, slots=True)
class ResourceDef:
    """One resource of an object definition."""

    id: int
    name: str
    type: ResourceType
    operations: Operations = Operations.R
    multiple: bool = False
    mandatory: bool = False
    units: str = ""
    range_enumeration: str = ""
    value_range: ValueRange | None = None
    enumeration: tuple[str, ...] = ()
    # The DDF's prose: kept for imported DDFs only (the bundled model has none); it
    # does not make two definitions different.
    description: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """One object definition (as described by a DDF file)."""

    id: int
    name: str
    version: str = "1.0"
    lwm2m_version: str = "1.0"
    urn: str = ""
    multiple: bool = True
    mandatory: bool = False
    resources: Mapping[int, ResourceDef] = field(default_factory=dict)
    description: str = field(default="", compare=False)

    def resource(self, resource_id: int) -> ResourceDef | None:
        return self.resources.get(resource_id)


class ObjectLookup(Protocol):
    """What codecs need from a model: object definitions by id (and version)."""

    def get(self, object_id: int, version: str | None = None) -> ObjectDef | None: ...
