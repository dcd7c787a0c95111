"""Device-management operations from the panel, the queue of a sleeping device, the
operation history and the shell: the same requests the integration's actions make."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import voluptuous as vol
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv

from .. import device_requests as requests
from ..data import LwM2MData
from ..engine import Path
from ..errors import validation_error
from ..hub import LwM2MHub
from ..services import run_command
from ..shell.commands import CommandSyntaxError, parse_command
from .api import ENDPOINT, PATH, Handler, command, device_fields, known_endpoint, parsed_path

_PATH = {vol.Required(PATH): str}
_ATTRIBUTES = {
    **{
        vol.Optional(name): vol.Any(None, vol.All(int, vol.Range(min=0)))
        for name in ("pmin", "pmax")
    },
    **{vol.Optional(name): vol.Any(None, vol.Coerce(float)) for name in ("gt", "lt", "st")},
}


def _target(data: LwM2MData, msg: dict[str, Any]) -> tuple[str, Path]:
    return known_endpoint(data, msg[ENDPOINT]), parsed_path(msg[PATH])


@command("lwm2m/read", device_fields(_PATH))
async def ws_read(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    endpoint, path = _target(data, msg)
    values = await requests.async_read(data.hub, endpoint, path)
    return {"values": requests.responses(values)}


@command("lwm2m/write", device_fields({**_PATH, vol.Required("value"): object}))
async def ws_write(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    endpoint, path = _target(data, msg)
    await requests.async_write(data.hub, endpoint, path, msg["value"])
    return {
        "values": requests.responses(requests.typed_values(data.hub, endpoint, path, msg["value"]))
    }


@command("lwm2m/execute", device_fields({**_PATH, vol.Optional("arguments"): cv.string}))
async def ws_execute(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    endpoint, path = _target(data, msg)
    await requests.async_execute(data.hub, endpoint, path, msg.get("arguments") or None)
    return {}


def _path_command(
    message_type: str, request: Callable[[LwM2MHub, str, Path], Awaitable[None]]
) -> Handler:
    """A command whose request takes the path alone and answers nothing."""

    async def handler(
        hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
    ) -> Any:
        endpoint, path = _target(data, msg)
        await request(data.hub, endpoint, path)
        return {}

    handler.__name__ = message_type.replace("/", "_")
    return handler


ws_observe = command("lwm2m/observe", device_fields(_PATH))(
    _path_command("lwm2m/observe", requests.async_observe)
)
ws_cancel_observation = command("lwm2m/cancel_observation", device_fields(_PATH))(
    _path_command("lwm2m/cancel_observation", requests.async_cancel_observation)
)
ws_delete = command("lwm2m/delete", device_fields(_PATH))(
    _path_command("lwm2m/delete", requests.async_delete)
)


@command("lwm2m/write_attributes", device_fields({**_PATH, **_ATTRIBUTES}))
async def ws_write_attributes(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """Attributes given as null are removed from the device."""
    endpoint, path = _target(data, msg)
    attributes = {name: msg[name] for name in ("pmin", "pmax", "gt", "lt", "st") if name in msg}
    await requests.async_write_attributes(data.hub, endpoint, path, attributes)
    return {}


@command("lwm2m/create", device_fields({**_PATH, vol.Optional("values"): dict}))
async def ws_create(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    endpoint, path = _target(data, msg)
    created = await requests.async_create(data.hub, endpoint, path, msg.get("values"))
    return {"path": str(created)}


@command("lwm2m/requests", device_fields())
async def ws_requests(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """The requests queued for a sleeping device, oldest first."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    return {
        "requests": [
            {
                "id": item.id,
                "operation": item.operation,
                "path": str(item.path),
                "queued_at": item.queued_at,
                "awaited": item.awaited,
            }
            for item in data.hub.server.queued_requests(endpoint)
        ]
    }


@command("lwm2m/requests/cancel", device_fields({vol.Required("request_id"): int}))
async def ws_cancel_request(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    endpoint = known_endpoint(data, msg[ENDPOINT])
    if not data.hub.server.cancel_queued(endpoint, msg["request_id"]):
        raise validation_error("request_not_queued", endpoint=endpoint)
    return {}


@command("lwm2m/history", device_fields())
async def ws_history(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """The device's operations, newest first, with the names of the users behind them."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    names = {user.id: user.name for user in await hass.auth.async_get_users()}
    return {
        "history": [
            {**entry.to_dict(), "user": names.get(entry.user_id) if entry.user_id else None}
            for entry in data.history.entries(endpoint)
        ]
    }


@command("lwm2m/shell", device_fields({vol.Required("command"): str}))
async def ws_shell(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """One command of the device shell (the syntax of the ``lwm2m.command`` action)."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    try:
        parsed = parse_command(msg["command"])
    except CommandSyntaxError as err:
        raise validation_error(err.key, **err.placeholders) from err
    return await run_command(data.hub, endpoint, parsed)
