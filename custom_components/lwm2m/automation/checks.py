"""What the device conditions check, on the hub's view of one device."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ..engine import Path
from ..hub import LwM2MHub
from ..panel.devices import ASLEEP, OFFLINE, REGISTERED, device_state
from . import catalog
from .resources import Function, alarm_tracker, function_targets

Check = Callable[[LwM2MHub, str, Path | None], bool]


def is_registered(hub: LwM2MHub, endpoint: str, path: Path | None) -> bool:
    """The server holds an accepted registration (asleep or not) the device made."""
    return device_state(hub.entry.runtime_data, endpoint) in (REGISTERED, ASLEEP)


def is_offline(hub: LwM2MHub, endpoint: str, path: Path | None) -> bool:
    """No registration: never made since the server started, ended or run out."""
    return device_state(hub.entry.runtime_data, endpoint) == OFFLINE


def is_asleep(hub: LwM2MHub, endpoint: str, path: Path | None) -> bool:
    """Registered in queue mode and out of its awake window: requests wait for it."""
    return device_state(hub.entry.runtime_data, endpoint) == ASLEEP


def alarm_active(hub: LwM2MHub, endpoint: str, path: Path | None) -> bool:
    """The alarm of ``path`` is raised; without a path, any alarm of the device is."""
    return any(
        alarm_tracker(hub, item.target).active is not None
        for item in function_targets(hub, endpoint)
        if item.function is Function.ALARM and path in (None, item.path)
    )


CHECKS: Final[dict[str, Check]] = {
    catalog.IS_REGISTERED: is_registered,
    catalog.IS_OFFLINE: is_offline,
    catalog.IS_ASLEEP: is_asleep,
    catalog.ANY_ALARM_ACTIVE: alarm_active,
    catalog.ALARM_ACTIVE: alarm_active,
}
