"""Object model: object/resource definitions, DDF parsing and the object registry."""

from .types import ObjectDef, ObjectLookup, Operations, ResourceDef, ResourceType, ValueRange

__all__ = [
    "ObjectDef",
    "ObjectLookup",
    "Operations",
    "ResourceDef",
    "ResourceType",
    "ValueRange",
]
