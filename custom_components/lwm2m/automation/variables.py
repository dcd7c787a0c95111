"""What an automation that an LwM2M device trigger started finds in ``trigger``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.helpers.trigger import TriggerInfo

from ..const import DOMAIN


def trigger_variables(
    trigger_info: TriggerInfo,
    *,
    device_id: str,
    endpoint: str,
    trigger_type: str,
    path: str | None = None,
    value: Any = None,
    attributes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``trigger.value``, ``trigger.path`` (None for what concerns the whole device) and
    ``trigger.attributes`` (what the event says: an alarm's severity and type, a failed
    bootstrap's step and reason, ...), beside Home Assistant's own trigger fields."""
    where = endpoint if path is None else f"{endpoint} {path}"
    return {
        "trigger": {
            **trigger_info["trigger_data"],
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device_id,
            "endpoint": endpoint,
            "type": trigger_type,
            "path": path,
            "value": value,
            "attributes": dict(attributes or {}),
            "description": f"LwM2M {trigger_type.replace('_', ' ')} ({where})",
        }
    }
