"""Object model: object/resource definitions and DDF parsing."""

from .ddf import parse_ddf
from .errors import DDFError
from .types import ObjectDef, ObjectLookup, Operations, ResourceDef, ResourceType, ValueRange

__all__ = [
    "DDFError",
    "ObjectDef",
    "ObjectLookup",
    "Operations",
    "ResourceDef",
    "ResourceType",
    "ValueRange",
    "parse_ddf",
]
