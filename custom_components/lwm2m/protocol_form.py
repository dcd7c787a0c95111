"""The device-protocol form of the options flow: choices, defaults, and the result."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .engine.model import ObjectDef, ObjectRegistry
from .mapping import describe, find_rule
from .protocols import ObjectProtocol, ResourceSettings

SHOWN = "shown"
OBSERVED = "observed"
PMIN = "pmin"
PMAX = "pmax"
RESET = "reset"


def object_choices(registry: ObjectRegistry, first: Iterable[int] = ()) -> list[dict[str, str]]:
    """Select options for every known object; the ``first`` ids lead the list."""
    leading = set(first)
    newest: dict[int, ObjectDef] = {}
    for obj in registry.objects():
        newest[obj.id] = registry.get(obj.id) or obj
    ordered = sorted(newest.values(), key=lambda obj: (obj.id not in leading, obj.id))
    return [{"value": str(obj.id), "label": f"{obj.id} {obj.name}"} for obj in ordered]


def resource_choices(obj: ObjectDef, *, readable_only: bool = False) -> list[dict[str, str]]:
    return [
        {
            "value": str(resource.id),
            "label": f"{resource.id} {resource.name} ({resource.operations or '-'}, "
            f"{resource.type.value})",
        }
        for resource in (obj.resources[key] for key in sorted(obj.resources))
        if resource.operations.readable or not readable_only
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
        }
    default_shown: list[str] = []
    default_observed: list[str] = []
    for resource in (obj.resources[key] for key in sorted(obj.resources)):
        spec = describe(obj, resource)
        if spec is not None and spec.enabled:
            default_shown.append(str(resource.id))
        rule = find_rule(obj.id, resource)
        if rule is not None and rule.platform is not None and rule.observe:
            default_observed.append(str(resource.id))
    return {SHOWN: default_shown, OBSERVED: default_observed, PMIN: None, PMAX: None}


def protocol_from_choice(
    obj: ObjectDef, choice: dict[str, Any], previous: ObjectProtocol | None
) -> ObjectProtocol:
    """The protocol the form's answer describes; extra settings of kept resources survive."""
    shown = {int(rid) for rid in choice.get(SHOWN, [])}
    observed = {int(rid) for rid in choice.get(OBSERVED, [])}
    pmin = _optional_int(choice.get(PMIN))
    pmax = _optional_int(choice.get(PMAX))
    resources: dict[int, ResourceSettings] = {}
    for rid in sorted((shown | observed) & set(obj.resources)):
        before = previous.settings(rid) if previous is not None else None
        resources[rid] = ResourceSettings(
            show=rid in shown,
            observe=rid in observed,
            pmin=pmin if rid in observed else None,
            pmax=pmax if rid in observed else None,
            extra=before.extra if before is not None else ResourceSettings().extra,
        )
    return ObjectProtocol(resources)


def _optional_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)
