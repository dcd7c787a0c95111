"""Small DDF documents for tests, built from keyword arguments.

An argument of ``None`` leaves its element out, so tests can exercise missing elements.
"""

from __future__ import annotations

from collections.abc import Iterable


def _element(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{value}</{name}>"


def item(
    resource_id: str | None = "1",
    *,
    name: str | None = "Value",
    operations: str | None = "R",
    multiple: str | None = "Single",
    mandatory: str | None = "Mandatory",
    type_: str | None = "Integer",
    range_enumeration: str | None = "",
    units: str | None = "",
    description: str | None = "Test resource.",
) -> str:
    id_attribute = "" if resource_id is None else f' ID="{resource_id}"'
    return (
        f"<Item{id_attribute}>"
        + _element("Name", name)
        + _element("Operations", operations)
        + _element("MultipleInstances", multiple)
        + _element("Mandatory", mandatory)
        + _element("Type", type_)
        + _element("RangeEnumeration", range_enumeration)
        + _element("Units", units)
        + _element("Description", description)
        + "</Item>"
    )


def obj(
    object_id: str | None = "30000",
    *,
    name: str | None = "Test Object",
    version: str | None = None,
    lwm2m_version: str | None = None,
    urn: str | None = None,
    multiple: str | None = "Multiple",
    mandatory: str | None = "Optional",
    items: Iterable[str] = (item(),),
    resources: bool = True,
) -> str:
    body = "".join(items)
    return (
        '<Object ObjectType="MODefinition">'
        + _element("Name", name)
        + _element("Description1", "Test object.")
        + _element("ObjectID", object_id)
        + _element("ObjectURN", urn)
        + _element("LWM2MVersion", lwm2m_version)
        + _element("ObjectVersion", version)
        + _element("MultipleInstances", multiple)
        + _element("Mandatory", mandatory)
        + (f"<Resources>{body}</Resources>" if resources else "")
        + _element("Description2", "")
        + "</Object>"
    )


def ddf(*objects: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    return f"{prolog}<LWM2M>{''.join(objects)}</LWM2M>".encode()
