"""Device-management actions: read, write, execute, observe, ... and the shell's command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr

from . import device_requests as requests
from .const import ATTR_DEVICE_ID, ATTR_ENDPOINT, DOMAIN
from .engine import Path
from .errors import validation_error
from .firmware.command import async_fwupdate
from .firmware.updates import FirmwareUpdates
from .hub import LwM2MHub
from .operation_history import acting_as
from .options.export import protocols_document
from .shell.commands import Command, CommandSyntaxError, ShellVerb, parse_command

ATTR_PATH = "path"
ATTR_VALUE = "value"
ATTR_VALUES = "values"
ATTR_ARGUMENTS = "arguments"
ATTR_COMMAND = "command"
ATTRIBUTE_FIELDS = requests.WRITE_ATTRIBUTES

_TARGET = {
    vol.Exclusive(ATTR_DEVICE_ID, "target"): cv.string,
    vol.Exclusive(ATTR_ENDPOINT, "target"): cv.string,
}


def _schema(fields: dict[Any, Any]) -> vol.All:
    return vol.All(
        vol.Schema({**_TARGET, **fields}),
        cv.has_at_least_one_key(ATTR_DEVICE_ID, ATTR_ENDPOINT),
    )


_PATH = {vol.Required(ATTR_PATH): cv.string}
SCHEMAS: dict[str, vol.All] = {
    "read": _schema(_PATH),
    "write": _schema({**_PATH, vol.Required(ATTR_VALUE): object}),
    "execute": _schema({**_PATH, vol.Optional(ATTR_ARGUMENTS): cv.string}),
    "observe": _schema(_PATH),
    "cancel_observation": _schema(_PATH),
    "write_attributes": _schema(
        {
            **_PATH,
            **{vol.Optional(key): vol.Coerce(int) for key in ("pmin", "pmax", "epmin", "epmax")},
            **{vol.Optional(key): vol.Coerce(float) for key in ("gt", "lt", "st")},
        }
    ),
    "discover": _schema(_PATH),
    "create": _schema({**_PATH, vol.Optional(ATTR_VALUES): dict}),
    "delete": _schema(_PATH),
    "command": _schema({vol.Required(ATTR_COMMAND): cv.string}),
}
RESPONSES = {
    "read": SupportsResponse.ONLY,
    "discover": SupportsResponse.ONLY,
    "create": SupportsResponse.OPTIONAL,
    "command": SupportsResponse.OPTIONAL,
}


def _hub(hass: HomeAssistant) -> LwM2MHub:
    entries = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise validation_error("not_loaded")
    hub: LwM2MHub = entries[0].runtime_data.hub
    return hub


def _export_protocols_handler(
    hass: HomeAssistant,
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    async def _export(call: ServiceCall) -> ServiceResponse:
        """The device protocols in the file format the options flow imports."""
        hub = _hub(hass)
        return protocols_document(hub.storage.protocols, hub.object_registry)

    return _export


def _endpoint(hass: HomeAssistant, call: ServiceCall) -> str:
    if ATTR_ENDPOINT in call.data:
        return str(call.data[ATTR_ENDPOINT])
    device_id = str(call.data[ATTR_DEVICE_ID])
    device = dr.async_get(hass).async_get(device_id)
    endpoint = next(
        (ident for domain, ident in (device.identifiers if device else ()) if domain == DOMAIN),
        None,
    )
    if endpoint is None:
        raise validation_error("unknown_device", device_id=device_id)
    return endpoint


def _path(call: ServiceCall) -> Path:
    text = str(call.data[ATTR_PATH])
    try:
        return Path.parse(text)
    except ValueError as err:
        raise validation_error("invalid_path", path=text) from err


async def _read(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    values = await requests.async_read(hub, endpoint, _path(call))
    return {"values": requests.responses(values)}


async def _write(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    await requests.async_write(hub, endpoint, _path(call), call.data[ATTR_VALUE])
    return None


async def _execute(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    await requests.async_execute(hub, endpoint, _path(call), call.data.get(ATTR_ARGUMENTS))
    return None


async def _observe(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    await requests.async_observe(hub, endpoint, _path(call))
    return None


async def _cancel(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    await requests.async_cancel_observation(hub, endpoint, _path(call))
    return None


async def _write_attributes(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    attributes = {key: call.data[key] for key in ATTRIBUTE_FIELDS if key in call.data}
    await requests.async_write_attributes(hub, endpoint, _path(call), attributes)
    return None


async def _discover(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    links = await requests.async_discover(hub, endpoint, _path(call))
    return cast(ServiceResponse, {"links": links})


async def _create(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    created = await requests.async_create(hub, endpoint, _path(call), call.data.get(ATTR_VALUES))
    return {"path": str(created)}


async def _delete(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    await requests.async_delete(hub, endpoint, _path(call))
    return None


async def _command(hub: LwM2MHub, endpoint: str, call: ServiceCall) -> ServiceResponse:
    try:
        command = parse_command(call.data[ATTR_COMMAND])
    except CommandSyntaxError as err:
        raise validation_error(err.key, **err.placeholders) from err
    return await run_command(hub, endpoint, command)


async def run_command(hub: LwM2MHub, endpoint: str, command: Command) -> ServiceResponse:
    """Carry a parsed shell command out; the response says what happened."""
    path = command.path
    result: dict[str, Any] = {"command": command.operation.value, "path": str(path)}
    match command.operation:
        case ShellVerb.READ:
            result["values"] = requests.responses(await requests.async_read(hub, endpoint, path))
        case ShellVerb.WRITE:
            await requests.async_write(hub, endpoint, path, command.argument)
        case ShellVerb.EXECUTE:
            await requests.async_execute(hub, endpoint, path, command.argument)
        case ShellVerb.OBSERVE:
            await requests.async_observe(hub, endpoint, path)
        case ShellVerb.CANCEL_OBSERVATION:
            await requests.async_cancel_observation(hub, endpoint, path)
        case ShellVerb.DISCOVER:
            result["links"] = await requests.async_discover(hub, endpoint, path)
        case ShellVerb.CREATE:
            created = await requests.async_create(hub, endpoint, path, command.payload)
            result["created"] = str(created)
        case ShellVerb.DELETE:
            await requests.async_delete(hub, endpoint, path)
        case ShellVerb.WRITE_ATTRIBUTES:
            if command.attributes:
                await requests.async_write_attributes(hub, endpoint, path, command.attributes)
            if command.cancel:
                await requests.async_cancel_observation(hub, endpoint, path)
        case ShellVerb.FIRMWARE_UPDATE if command.package is not None:
            firmware: FirmwareUpdates = hub.entry.runtime_data.firmware
            result.update(await async_fwupdate(hub, firmware, endpoint, command.package))
    return result


_HANDLERS: dict[str, Callable[[LwM2MHub, str, ServiceCall], Awaitable[ServiceResponse]]] = {
    "read": _read,
    "write": _write,
    "execute": _execute,
    "observe": _observe,
    "cancel_observation": _cancel,
    "write_attributes": _write_attributes,
    "discover": _discover,
    "create": _create,
    "delete": _delete,
    "command": _command,
}


def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    for name, handler in _HANDLERS.items():

        async def _handle(
            call: ServiceCall,
            handler: Callable[[LwM2MHub, str, ServiceCall], Awaitable[ServiceResponse]] = handler,
        ) -> ServiceResponse:
            hub = _hub(hass)
            with acting_as(call.context.user_id):
                return await handler(hub, _endpoint(hass, call), call)

        hass.services.async_register(
            DOMAIN,
            name,
            _handle,
            schema=SCHEMAS[name],
            supports_response=RESPONSES.get(name, SupportsResponse.NONE),
        )
    hass.services.async_register(
        DOMAIN,
        "export_protocols",
        _export_protocols_handler(hass),
        schema=vol.Schema({}),
        supports_response=SupportsResponse.ONLY,
    )
