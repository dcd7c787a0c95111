"""The device-protocol form of the options flow: choices, defaults, and the result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..device_protocols.settings import PROTECTED_OBJECTS, ObjectProtocol, ResourceSettings
from ..discovery import describe, find_row
from ..engine import ObjectDef, ObjectRegistry

SHOWN = "shown"
OBSERVED = "observed"
PMIN = "pmin"
PMAX = "pmax"
GT = "gt"
LT = "lt"
ST = "st"
RESET = "reset"


def object_choices(
    object_registry: ObjectRegistry, first: Iterable[int] = ()
) -> list[dict[str, str]]:
    """Select options for every known object; the ``first`` ids lead the list."""
    leading = set(first)
    newest: dict[int, ObjectDef] = {}
    for obj in object_registry.objects():
        newest[obj.id] = object_registry.get(obj.id) or obj
    ordered = sorted(newest.values(), key=lambda obj: (obj.id not in leading, obj.id))
    return [
        {"value": str(obj.id), "label": f"{obj.id} {obj.name}"}
        for obj in ordered
        if obj.id not in PROTECTED_OBJECTS
    ]


def find_object(object_registry: ObjectRegistry, answer: str) -> ObjectDef | None:
    """The object the picker's answer names: its id (the option's value), or a label, name
    or part of a name that only one object has (the picker lets the user type freely)."""
    text = answer.strip()
    if text.isdigit():
        return None if int(text) in PROTECTED_OBJECTS else object_registry.get(int(text))
    wanted = text.casefold()
    if not wanted:
        return None
    objects = {
        obj.id: object_registry.get(obj.id) or obj
        for obj in object_registry.objects()
        if obj.id not in PROTECTED_OBJECTS
    }
    exact = [
        obj
        for obj in objects.values()
        if wanted in (obj.name.casefold(), f"{obj.id} {obj.name}".casefold())
    ]
    partial = [obj for obj in objects.values() if wanted in f"{obj.id} {obj.name}".casefold()]
    for matches in (exact, partial):
        if len(matches) == 1:
            return matches[0]
    return None


def resource_choices(
    obj: ObjectDef, *, readable_only: bool = False, writable_only: bool = False
) -> list[dict[str, str]]:
    return [
        {
            "value": str(resource.id),
            "label": f"{resource.id} {resource.name} ({resource.operations or '-'}, "
            f"{resource.type.value})",
        }
        for resource in (obj.resources[key] for key in sorted(obj.resources))
        if (resource.operations.readable or not readable_only)
        and (resource.operations.writable or not writable_only)
    ]


def current_choice(obj: ObjectDef, protocol: ObjectProtocol | None) -> dict[str, Any]:
    """What the form starts with: the saved protocol, else the mapping's defaults."""
    if protocol is not None:
        shown = [str(rid) for rid, settings in protocol.resources.items() if settings.show]
        observed = {
            rid: settings for rid, settings in protocol.resources.items() if settings.observe
        }
        first = next(iter(observed.values()), ResourceSettings())
        return {
            SHOWN: sorted(shown, key=int),
            OBSERVED: sorted((str(rid) for rid in observed), key=int),
            PMIN: first.pmin,
            PMAX: first.pmax,
            GT: first.gt,
            LT: first.lt,
            ST: first.st,
        }
    default_shown: list[str] = []
    default_observed: list[str] = []
    for resource in (obj.resources[key] for key in sorted(obj.resources)):
        description = describe(obj, resource)
        if description is not None and description.entity_registry_enabled_default:
            default_shown.append(str(resource.id))
        row = find_row(obj.id, resource)
        if row is not None and row.description is not None and row.observe:
            default_observed.append(str(resource.id))
    return {
        SHOWN: default_shown,
        OBSERVED: default_observed,
        PMIN: None,
        PMAX: None,
        GT: None,
        LT: None,
        ST: None,
    }


def protocol_or_defaults(obj: ObjectDef, previous: ObjectProtocol | None) -> ObjectProtocol:
    """The saved protocol, else one that keeps the defaults' entities and observations (so
    setting up one resource does not hide the others)."""
    if previous is not None:
        return previous
    return protocol_from_choice(obj, current_choice(obj, None), None)


def unobservable(obj: ObjectDef, choice: dict[str, Any], previous: ObjectProtocol | None) -> bool:
    """Whether the answer observes a resource with no functionality (no entity either)."""
    protocol = protocol_from_choice(obj, choice, previous)
    return any(
        settings.observe and not settings.observes for settings in protocol.resources.values()
    )


def protocol_from_choice(
    obj: ObjectDef, choice: dict[str, Any], previous: ObjectProtocol | None
) -> ObjectProtocol:
    """The protocol the form's answer describes; the other settings of kept resources (and
    resources with functionalities or validation rules) survive. The value conditions
    (gt, lt, st) go to numeric resources only."""
    shown = {int(rid) for rid in choice.get(SHOWN, [])}
    observed = {int(rid) for rid in choice.get(OBSERVED, [])}
    pmin, pmax = _optional_int(choice.get(PMIN)), _optional_int(choice.get(PMAX))
    gt, lt, st = (_optional_float(choice.get(key)) for key in (GT, LT, ST))
    configured = {
        rid
        for rid, settings in (previous.resources.items() if previous is not None else ())
        if settings.functions or settings.rules
    }
    resources: dict[int, ResourceSettings] = {}
    for rid in sorted((shown | observed | configured) & set(obj.resources)):
        before = previous.settings(rid) if previous is not None else None
        watch = rid in observed
        compare = watch and obj.resources[rid].type.is_numeric
        resources[rid] = replace(
            before or ResourceSettings(),
            show=rid in shown,
            observe=watch,
            pmin=pmin if watch else None,
            pmax=pmax if watch else None,
            gt=gt if compare else None,
            lt=lt if compare else None,
            st=st if compare else None,
        )
    return ObjectProtocol(resources)


def with_resource(
    obj: ObjectDef, previous: ObjectProtocol | None, resource_id: int, settings: ResourceSettings
) -> ObjectProtocol:
    """The object's protocol (or its defaults) with one resource's settings replaced."""
    base = protocol_or_defaults(obj, previous)
    return ObjectProtocol({**base.resources, resource_id: settings})


def _optional_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _optional_float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)
