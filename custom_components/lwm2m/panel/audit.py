"""The Audit tab: a device's writable values beside a reference device's, per object
instance; selected values synced to the reference's, validation rules applied."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .. import device_requests as requests
from ..data import LwM2MData
from ..device_protocols.settings import PROTECTED_OBJECTS
from ..discovery import object_definition
from ..engine import Path, ResourceDef, announced_version
from ..errors import validation_error
from ..hub import LwM2MHub
from ..values.json_forms import to_response
from .api import ENDPOINT, command, device_fields, known_endpoint, parsed_path

REFERENCE = "reference"


def _instances(hub: LwM2MHub, endpoint: str) -> set[Path]:
    state = hub.devices.get(endpoint)
    objects = state.objects if state is not None else {}
    return {path for path in objects if len(path) == 2 and path.ids[0] not in PROTECTED_OBJECTS}


def _writable(data: LwM2MData, endpoint: str, object_id: int) -> list[ResourceDef]:
    state = data.hub.devices.get(endpoint)
    version = announced_version(state.objects if state else {}, object_id)
    definition = object_definition(data.object_registry, object_id, version)
    if definition is None:
        return []
    return [
        resource
        for resource in definition.resources.values()
        if resource.operations.writable and not resource.operations.executable
    ]


def _value(hub: LwM2MHub, endpoint: str, path: Path, resource: ResourceDef) -> Any:
    if resource.multiple:
        instances = hub.resource_instances(endpoint, path)
        return [instances[key] for key in sorted(instances)] if instances else None
    return hub.value(endpoint, path)


async def _read_quietly(hub: LwM2MHub, endpoint: str, instance: Path) -> str | None:
    try:
        await requests.async_read(hub, endpoint, instance)
    except HomeAssistantError as err:
        return str(err)
    return None


def compare(
    data: LwM2MData, endpoint: str, reference: str, instances: list[Path]
) -> list[dict[str, Any]]:
    hub = data.hub
    result = []
    for instance in instances:
        rows = []
        for resource in _writable(data, endpoint, instance.ids[0]):
            path = instance.child(resource.id)
            mine = _value(hub, endpoint, path, resource)
            theirs = _value(hub, reference, path, resource)
            if mine is None and theirs is None:
                continue
            rows.append(
                {
                    "path": str(path),
                    "name": resource.name,
                    "value": to_response(mine),
                    "reference": to_response(theirs),
                    "equal": mine == theirs,
                    "syncable": theirs is not None,
                }
            )
        definition = object_definition(data.object_registry, instance.ids[0], None)
        result.append(
            {
                "path": str(instance),
                "name": definition.name if definition else f"Object {instance.ids[0]}",
                "equal": sum(row["equal"] for row in rows),
                "different": sum(not row["equal"] for row in rows),
                "values": rows,
            }
        )
    return result


@command(
    "lwm2m/audit",
    device_fields({vol.Required(REFERENCE): str, vol.Optional("read", default=True): bool}),
)
async def ws_audit(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """Per object instance both devices have: how many writable values are equal, how
    many differ, and the values. Both devices are read first unless ``read`` is false."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    reference = known_endpoint(data, msg[REFERENCE])
    if reference == endpoint:
        raise validation_error("audit_same_device", endpoint=endpoint)
    hub = data.hub
    instances = sorted(_instances(hub, endpoint) & _instances(hub, reference))
    problems: list[str] = []
    if msg["read"]:
        for instance in instances:
            for device in (endpoint, reference):
                problem = await _read_quietly(hub, device, instance)
                if problem is not None:
                    problems.append(problem)
    return {"instances": compare(data, endpoint, reference, instances), "problems": problems}


@command(
    "lwm2m/audit/sync",
    device_fields({vol.Required(REFERENCE): str, vol.Required("paths"): [str]}),
)
async def ws_audit_sync(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """Write the reference's value of each path to the device; a result per path."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    reference = known_endpoint(data, msg[REFERENCE])
    hub = data.hub
    results = []
    for text in msg["paths"]:
        path = parsed_path(text)
        resource = requests.resource_definition(hub, endpoint, path)
        value = None if resource is None else _value(hub, reference, path, resource)
        if len(path) != 3 or resource is None or value is None:
            results.append({"path": text, "ok": False, "error": f"{text}: no reference value"})
            continue
        try:
            await requests.async_write(hub, endpoint, path, value)
        except HomeAssistantError as err:
            results.append({"path": text, "ok": False, "error": str(err)})
        else:
            results.append({"path": text, "ok": True, "error": None})
    return {"results": results}
