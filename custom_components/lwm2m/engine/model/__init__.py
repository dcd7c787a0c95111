"""Object model: object/resource definitions, DDF parsing and the object registry."""

from .ddf import parse_ddf
from .errors import DDFError
from .registry import ObjectRegistry
from .types import ObjectDef, ObjectLookup, Operations, ResourceDef, ResourceType, ValueRange

__all__ = [
    "DDFError",
    "ObjectDef",
    "ObjectLookup",
    "ObjectRegistry",
    "Operations",
    "ResourceDef",
    "ResourceType",
    "ValueRange",
    "parse_ddf",
]
