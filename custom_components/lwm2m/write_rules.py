"""The device protocols' validation rules, enforced before Home Assistant writes a value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .const import LOGGER
from .device_protocols.settings import PROTECTED_OBJECTS
from .device_protocols.validation import RuleSet
from .engine import LwM2MError, Path
from .errors import validation_error
from .values.json_forms import to_response

if TYPE_CHECKING:
    from .hub import LwM2MHub

SHOWN_VALUE_LENGTH = 64


def rules_for(hub: LwM2MHub, path: Path) -> RuleSet:
    """The rules of the resource ``path`` is in (none for objects that hold secrets)."""
    if len(path) < 3 or path.ids[0] in PROTECTED_OBJECTS:
        return RuleSet()
    protocol = hub.storage.protocols.get(path.ids[0])
    settings = protocol.settings(path.ids[2]) if protocol is not None else None
    return settings.rules if settings is not None else RuleSet()


async def async_check_write(hub: LwM2MHub, endpoint: str, values: Mapping[Path, Any]) -> None:
    """Raise a translated error naming the failed rules when a value breaks its rules."""
    checks = [(path, value, rules_for(hub, path)) for path, value in values.items()]
    checks = [(path, value, rules) for path, value, rules in checks if rules]
    if not checks:
        return
    references = {reference for _path, _value, rules in checks for reference in rules.references}
    referenced = {ref: await _async_current(hub, endpoint, ref) for ref in sorted(references)}
    for path, value, rules in checks:
        verdict = rules.check(value, referenced)
        if not verdict.valid:
            raise validation_error(
                "validation_failed",
                path=str(path),
                value=str(to_response(value))[:SHOWN_VALUE_LENGTH],
                rules=" | ".join(str(rule) for rule in verdict.failed_rules),
            )


async def _async_current(hub: LwM2MHub, endpoint: str, path: Path) -> Any:
    """The referenced resource's value: the last known one, else read from the device."""
    known = hub.value(endpoint, path)
    if known is not None:
        return known
    try:
        values = await hub.server.read(endpoint, path)
    except LwM2MError as err:
        LOGGER.debug("Reading %s of %s for a validation rule failed: %s", path, endpoint, err)
        return None
    hub.apply_values(endpoint, values)
    return values.get(path)
