"""What the automation editor lists for one device, from the hub's runtime data: the
device's objects and registration, its credentials, and the functionalities its device
protocols give its resources.

Device-wide entries name nothing but the device; an entry for one resource also carries
the resource's ``path`` and, for the editor's label, the ``entity_id`` (registry id) of
the entity that shows that functionality.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_ENTITY_ID
from homeassistant.core import HomeAssistant

from ..const import DOMAIN
from ..engine import Path
from ..hub import LwM2MHub
from .devices import LinkedDevice, served_device
from .resources import Function, FunctionTarget, device_resources, function_targets
from .schema import CONF_PATH

SERVER_OBJECT: Final = 1
FIRMWARE_OBJECT: Final = 5
REBOOT: Final = Path.of(3, 0, 4)
FACTORY_RESET: Final = Path.of(3, 0, 5)

# Trigger types: device-wide first, in the order the editor lists them.
REGISTERED: Final = "registered"
DEREGISTERED: Final = "deregistered"
WENT_OFFLINE: Final = "went_offline"
BOOTSTRAP_TRIGGERS: Final = ("bootstrap_finished", "bootstrap_failed")
FIRMWARE_TRIGGERS: Final = ("firmware_update_finished", "firmware_update_failed")
ANY_ALARM_TRIGGERS: Final = ("any_alarm_raised", "any_alarm_cleared")
ANY_VALUE_RECEIVED: Final = "any_value_received"
ALARM_TRIGGERS: Final = ("alarm_raised", "alarm_cleared")
VALUE_RECEIVED: Final = "value_received"

# Condition types.
IS_REGISTERED: Final = "is_registered"
IS_OFFLINE: Final = "is_offline"
IS_ASLEEP: Final = "is_asleep"
ANY_ALARM_ACTIVE: Final = "any_alarm_active"
ALARM_ACTIVE: Final = "alarm_active"

# Action types.
REBOOT_ACTION: Final = "reboot"
FACTORY_RESET_ACTION: Final = "factory_reset"
EXECUTE: Final = "execute"
WRITE: Final = "write"
READ: Final = "read"
REGISTRATION_UPDATE: Final = "registration_update"

Entry = dict[str, Any]  # what one list entry adds to the device and domain
Lister = Callable[[HomeAssistant, LwM2MHub, LinkedDevice], list[Entry]]


def listed(hass: HomeAssistant, device_id: str, base: Entry, lister: Lister) -> list[Entry]:
    """What ``lister`` finds for the device, each entry with ``base`` and the device's
    domain and id; nothing for a device of another integration or of an unloaded entry."""
    served = served_device(hass, device_id)
    if served is None:
        return []
    device, hub = served
    base = {**base, CONF_DOMAIN: DOMAIN, CONF_DEVICE_ID: device_id}
    return [{**base, **entry} for entry in lister(hass, hub, device)]


def triggers(hass: HomeAssistant, hub: LwM2MHub, device: LinkedDevice) -> list[Entry]:
    entries: list[Entry] = [{"type": REGISTERED}, {"type": DEREGISTERED}, {"type": WENT_OFFLINE}]
    if device.endpoint in hub.storage.credentials:  # bootstrap serves known devices only
        entries += [{"type": kind} for kind in BOOTSTRAP_TRIGGERS]
    if _has_object(hub, device.endpoint, FIRMWARE_OBJECT):
        entries += [{"type": kind} for kind in FIRMWARE_TRIGGERS]
    alarms = list(_labelled(hass, hub, device, {Function.ALARM}))
    reporting = list(_labelled(hass, hub, device, {Function.EVENT, Function.PAYLOAD}))
    if alarms:
        entries += [{"type": kind} for kind in ANY_ALARM_TRIGGERS]
    if reporting:
        entries.append({"type": ANY_VALUE_RECEIVED})
    for entry in alarms:
        entries += [{"type": kind, **entry} for kind in ALARM_TRIGGERS]
    entries += [{"type": VALUE_RECEIVED, **entry} for entry in reporting]
    return entries


def conditions(hass: HomeAssistant, hub: LwM2MHub, device: LinkedDevice) -> list[Entry]:
    entries: list[Entry] = [{"type": IS_REGISTERED}, {"type": IS_OFFLINE}]
    state = hub.devices.get(device.endpoint)
    if state is not None and state.summary.get("queue_mode"):
        entries.append({"type": IS_ASLEEP})
    alarms = list(_labelled(hass, hub, device, {Function.ALARM}))
    if alarms:
        entries.append({"type": ANY_ALARM_ACTIVE})
    entries += [{"type": ALARM_ACTIVE, **entry} for entry in alarms]
    return entries


def actions(hass: HomeAssistant, hub: LwM2MHub, device: LinkedDevice) -> list[Entry]:
    resources = {item.path: item.definition for item in device_resources(hub, device.endpoint)}
    entries: list[Entry] = []
    for path, kind in ((REBOOT, REBOOT_ACTION), (FACTORY_RESET, FACTORY_RESET_ACTION)):
        definition = resources.get(path)
        if definition is not None and definition.operations.executable:
            entries.append({"type": kind})
    operations = [definition.operations for definition in resources.values()]
    if any(operation.executable for operation in operations):
        entries.append({"type": EXECUTE})
    if any(operation.writable for operation in operations):
        entries.append({"type": WRITE})
    if any(operation.readable for operation in operations):
        entries.append({"type": READ})
    if server_instances(hub, device.endpoint):
        entries.append({"type": REGISTRATION_UPDATE})
    return entries


def server_instances(hub: LwM2MHub, endpoint: str) -> list[int]:
    """The device's LwM2M Server object (/1) instances, lowest first."""
    state = hub.devices.get(endpoint)
    objects = {} if state is None else state.objects
    return sorted(
        path.ids[1] for path in objects if len(path) == 2 and path.ids[0] == SERVER_OBJECT
    )


def _has_object(hub: LwM2MHub, endpoint: str, object_id: int) -> bool:
    state = hub.devices.get(endpoint)
    return state is not None and any(path.ids[0] == object_id for path in state.objects)


def _labelled(
    hass: HomeAssistant, hub: LwM2MHub, device: LinkedDevice, functions: set[Function]
) -> Iterator[Entry]:
    """Each resource with one of ``functions``, once, with the entity that names it in
    the editor (a Send event's before a custom action's); resources whose entity is not
    in the registry (yet) are left out."""
    seen: set[Path] = set()
    items = sorted(
        (item for item in function_targets(hub, device.endpoint) if item.function in functions),
        key=lambda item: (item.path, item.function is Function.PAYLOAD),
    )
    for item in items:
        registry_id = item.registry_id(hass)
        if item.path in seen or registry_id is None:
            continue
        seen.add(item.path)
        yield {CONF_PATH: str(item.path), CONF_ENTITY_ID: registry_id}


def resource_item(
    hub: LwM2MHub, endpoint: str, path: Path, functions: set[Function]
) -> FunctionTarget | None:
    """The device's functionality among ``functions`` for ``path``, if it has one."""
    return next(
        (
            item
            for item in function_targets(hub, endpoint)
            if item.path == path and item.function in functions
        ),
        None,
    )
