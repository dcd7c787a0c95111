"""The device view's data: the object tree from the registration's links and the object
model, the last known values, what is observed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant

from ..data import LwM2MData
from ..device_protocols.settings import PROTECTED_OBJECTS
from ..discovery import object_definition
from ..engine import ObjectDef, Path, ResourceDef, announced_version
from ..values.json_forms import to_response
from .api import ENDPOINT, command, device_fields, known_endpoint
from .devices import summary

BOOTSTRAP_TRIGGER = 9  # Server object resource: Bootstrap-Request Trigger (LwM2M 1.1)
SERVER_OBJECT = 1


def resource_row(resource: ResourceDef) -> dict[str, Any]:
    return {
        "id": resource.id,
        "name": resource.name,
        "type": resource.type.value,
        "operations": str(resource.operations),
        "multiple": resource.multiple,
        "mandatory": resource.mandatory,
        "units": resource.units,
        "range": resource.range_enumeration,
        "description": resource.description,
    }


def object_row(
    object_id: int, definition: ObjectDef | None, instances: list[int]
) -> dict[str, Any]:
    resources = [] if definition is None else list(definition.resources.values())
    return {
        "id": object_id,
        "name": definition.name if definition else f"Object {object_id}",
        "version": definition.version if definition else None,
        "description": definition.description if definition else "",
        "multiple": definition.multiple if definition else True,
        "mandatory": definition.mandatory if definition else False,
        "protected": object_id in PROTECTED_OBJECTS,
        "instances": instances,
        "resources": [resource_row(resource) for resource in resources],
    }


def object_tree(data: LwM2MData, objects: Mapping[Path, Any]) -> list[dict[str, Any]]:
    """Each object the device lists, its instances and the resources its definition has."""
    instances: dict[int, list[int]] = {}
    for path in objects:
        if not path.ids:
            continue
        listed = instances.setdefault(path.ids[0], [])
        if len(path.ids) == 2:
            listed.append(path.ids[1])
    return [
        object_row(
            object_id,
            object_definition(
                data.object_registry, object_id, announced_version(objects, object_id)
            ),
            sorted(instances[object_id]),
        )
        for object_id in sorted(instances)
    ]


def device_values(data: LwM2MData, endpoint: str) -> dict[str, Any]:
    state = data.hub.devices.get(endpoint)
    if state is None:
        return {}
    return {str(path): to_response(value) for path, value in sorted(state.values.items())}


def observed_paths(data: LwM2MData, endpoint: str, tree: list[dict[str, Any]]) -> list[str]:
    """Resource and instance paths an observation of the server covers."""
    server = data.hub.server
    found = []
    for obj in tree:
        for instance in obj["instances"]:
            base = Path.of(obj["id"], instance)
            if server.is_observed(endpoint, base):
                found.append(str(base))
            found += [
                str(base.child(resource["id"]))
                for resource in obj["resources"]
                if server.is_observed(endpoint, base.child(resource["id"]))
            ]
    return found


def bootstrap_trigger(data: LwM2MData, endpoint: str) -> str | None:
    """The path of the Bootstrap-Request Trigger of this server's account, if the device
    has one: /1/x/9 of the Server instance with the device's short server id."""
    state = data.hub.devices.get(endpoint)
    if state is None:
        return None
    version = announced_version(state.objects, SERVER_OBJECT)
    definition = object_definition(data.object_registry, SERVER_OBJECT, version)
    trigger = definition.resource(BOOTSTRAP_TRIGGER) if definition else None
    if trigger is None or not trigger.operations.executable:
        return None
    instances = sorted(
        path.ids[1] for path in state.objects if len(path) == 2 and path.ids[0] == SERVER_OBJECT
    )
    if not instances:
        return None
    credentials = data.storage.credentials.get(endpoint)
    short_id = credentials.lwm2m_short_server_id if credentials else None
    chosen = next(
        (i for i in instances if state.value(Path.of(SERVER_OBJECT, i, 0)) == short_id),
        instances[0],
    )
    return str(Path.of(SERVER_OBJECT, chosen, BOOTSTRAP_TRIGGER))


@command("lwm2m/device", device_fields())
async def ws_device(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    endpoint = known_endpoint(data, msg[ENDPOINT])
    state = data.hub.devices.get(endpoint)
    registration = data.hub.server.registrations.get(endpoint)
    objects = registration.objects if registration else (state.objects if state else {})
    tree = object_tree(data, objects)
    return {
        "device": summary(hass, data, endpoint),
        "objects": tree,
        "values": device_values(data, endpoint),
        "observed": observed_paths(data, endpoint, tree),
        "bootstrap_trigger": bootstrap_trigger(data, endpoint),
    }
