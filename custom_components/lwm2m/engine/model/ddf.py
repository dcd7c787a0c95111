"""Parsing DDF (object definition) XML into ObjectDefs, for both DDF schemas (1.0 and 1.1).

Real-world files are sloppy, so elements are matched by local name (namespaces are
ignored), text is stripped, keywords are matched in any case, and optional elements may
be missing: ObjectVersion and LWM2MVersion default to 1.0, ObjectURN to the registry's
URN for the id, MultipleInstances and Mandatory to the ObjectDef/ResourceDef defaults,
and a missing Type or Operations reads like an empty one. Everything that would make a
definition wrong rather than incomplete raises DDFError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from lxml import etree

from ..path import MAX_ID
from .errors import DDFError
from .range_enumeration import parse_range_enumeration, tidy_range_text
from .safe_xml import local_name, parse_untrusted_xml
from .types import ObjectDef, Operations, ResourceDef, ResourceType
from .urn import default_urn
from .versions import DEFAULT_VERSION, normalize_version

_ID = re.compile(r"\d+", re.ASCII)
_MAX_ID = MAX_ID
_OPERATIONS = frozenset({"", "R", "W", "RW", "E"})
_TYPES = {kind.value.lower(): kind for kind in ResourceType if kind is not ResourceType.NONE}
_MULTIPLE = {"multiple": True, "single": False}
_MANDATORY = {"mandatory": True, "optional": False}

Children = Mapping[str, etree._Element]


def parse_ddf(data: bytes) -> list[ObjectDef]:
    """Every ``<Object>`` of a DDF document, in document order. Raises DDFError."""
    root = parse_untrusted_xml(data)
    elements = [root] if local_name(root) == "Object" else _named(root, "Object")
    if not elements:
        raise DDFError(local_name(root), "no <Object> element")
    objects: list[ObjectDef] = []
    seen: set[tuple[int, str]] = set()
    for position, element in enumerate(elements, start=1):
        obj = _parse_object(element, position)
        if (obj.id, obj.version) in seen:
            raise DDFError(f"Object[{obj.id}]", f"version {obj.version} is defined twice")
        seen.add((obj.id, obj.version))
        objects.append(obj)
    return objects


def _named(parent: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in parent if local_name(child) == name]


def _children(element: etree._Element) -> Children:
    """Child elements by local name; when a name repeats, the first one counts.

    Every child node is an element: the parser drops comments and processing
    instructions, and entity references cannot occur without a DOCTYPE.
    """
    found: dict[str, etree._Element] = {}
    for child in element:
        found.setdefault(local_name(child), child)
    return found


def _text(children: Children, name: str) -> str:
    """The stripped text of a child element; a missing element reads as empty."""
    element = children.get(name)
    if element is None:
        return ""
    return (element.text or "").strip()


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _number_id(text: str) -> int | None:
    text = text.strip()
    if _ID.fullmatch(text) is None or int(text) > _MAX_ID:
        return None
    return int(text)


def _choice(
    children: Children, name: str, where: str, choices: dict[str, bool], default: bool
) -> bool:
    text = _text(children, name)
    if not text:
        return default
    try:
        return choices[text.lower()]
    except KeyError:
        expected = " or ".join(choice.capitalize() for choice in choices)
        raise DDFError(f"{where}/{name}", f"{text!r} is not {expected}") from None


def _version(children: Children, name: str, where: str) -> str:
    text = _text(children, name)
    if not text:
        return DEFAULT_VERSION
    try:
        return normalize_version(text)
    except ValueError as err:
        raise DDFError(f"{where}/{name}", str(err)) from None


def _parse_object(element: etree._Element, position: int) -> ObjectDef:
    children = _children(element)
    object_id = _number_id(_text(children, "ObjectID"))
    if object_id is None:
        where = f"Object#{position}/ObjectID"
        if "ObjectID" not in children:
            raise DDFError(where, "missing")
        raise DDFError(where, f"{_text(children, 'ObjectID')!r} is not an object id (0..{_MAX_ID})")
    where = f"Object[{object_id}]"
    version = _version(children, "ObjectVersion", where)
    return ObjectDef(
        id=object_id,
        name=_collapsed(_text(children, "Name")),
        version=version,
        lwm2m_version=_version(children, "LWM2MVersion", where),
        urn=_text(children, "ObjectURN") or default_urn(object_id, version),
        multiple=_choice(children, "MultipleInstances", where, _MULTIPLE, default=True),
        mandatory=_choice(children, "Mandatory", where, _MANDATORY, default=False),
        resources=_parse_resources(children.get("Resources"), f"{where}/Resources"),
        description=_collapsed(_text(children, "Description1")),
    )


def _parse_resources(element: etree._Element | None, where: str) -> Mapping[int, ResourceDef]:
    resources: dict[int, ResourceDef] = {}
    items = [] if element is None else _named(element, "Item")
    for position, item in enumerate(items, start=1):
        resource = _parse_item(item, position, where)
        if resource.id in resources:
            raise DDFError(f"{where}/Item[{resource.id}]", f"duplicate resource id {resource.id}")
        resources[resource.id] = resource
    return MappingProxyType(dict(sorted(resources.items())))


def _parse_item(item: etree._Element, position: int, where: str) -> ResourceDef:
    raw_id = item.get("ID")
    resource_id = None if raw_id is None else _number_id(raw_id)
    if resource_id is None:
        reason = "missing ID attribute" if raw_id is None else f"ID {raw_id!r} is not a resource id"
        raise DDFError(f"{where}/Item#{position}", reason)
    where = f"{where}/Item[{resource_id}]"
    children = _children(item)
    resource_type = _resource_type(_text(children, "Type"), f"{where}/Type")
    range_text = tidy_range_text(_text(children, "RangeEnumeration"))
    value_range, enumeration = parse_range_enumeration(range_text, resource_type)
    return ResourceDef(
        id=resource_id,
        name=_collapsed(_text(children, "Name")),
        type=resource_type,
        operations=_operations(_text(children, "Operations"), f"{where}/Operations"),
        multiple=_choice(children, "MultipleInstances", where, _MULTIPLE, default=False),
        mandatory=_choice(children, "Mandatory", where, _MANDATORY, default=False),
        units=_collapsed(_text(children, "Units")),
        range_enumeration=range_text,
        value_range=value_range,
        enumeration=enumeration,
        description=_collapsed(_text(children, "Description")),
    )


def _resource_type(text: str, where: str) -> ResourceType:
    """``Type`` is empty for executable resources: they carry no value."""
    if not text:
        return ResourceType.NONE
    try:
        return _TYPES[_collapsed(text).lower()]
    except KeyError:
        raise DDFError(where, f"unknown type {text!r}") from None


def _operations(text: str, where: str) -> Operations:
    letters = text.upper()
    if letters not in _OPERATIONS:
        raise DDFError(where, f"{text!r} is not one of R, W, RW, E or empty")
    return Operations.parse(letters)
