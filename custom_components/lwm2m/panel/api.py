"""What every command of the panel's websocket API shares: admins only, a schema, the loaded
entry, the device's endpoint, the acting user, and errors as translated error messages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

import voluptuous as vol
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.decorators import (
    async_response,
    require_admin,
    websocket_command,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ..const import DOMAIN
from ..data import LwM2MData
from ..engine import Path
from ..errors import validation_error
from ..operation_history import acting_as

ENDPOINT = "endpoint"
PATH = "path"

Handler = Callable[[HomeAssistant, ActiveConnection, dict[str, Any], LwM2MData], Awaitable[Any]]
WebSocketHandler = Callable[[HomeAssistant, ActiveConnection, dict[str, Any]], None]


def loaded_data(hass: HomeAssistant) -> LwM2MData:
    entries = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise validation_error("not_loaded")
    data: LwM2MData = entries[0].runtime_data
    return data


def known_endpoint(data: LwM2MData, endpoint: str) -> str:
    """``endpoint`` when the integration knows it (registered, remembered or imported)."""
    hub = data.hub
    if (
        endpoint in hub.devices
        or endpoint in hub.server.registrations
        or endpoint in data.storage.credentials
    ):
        return endpoint
    raise validation_error("unknown_endpoint", endpoint=endpoint)


def parsed_path(text: str) -> Path:
    try:
        return Path.parse(text)
    except ValueError as err:
        raise validation_error("invalid_path", path=text) from err


def command(
    message_type: str, fields: dict[Any, Any] | None = None
) -> Callable[[Handler], WebSocketHandler]:
    """A websocket command for admins; the handler's return value is the result.

    Errors reach the panel as messages in the user's words: a Home Assistant error keeps
    its translation key and placeholders, bad input is a validation error.
    """
    schema = {vol.Required("type"): message_type, **(fields or {})}

    def decorate(handler: Handler) -> WebSocketHandler:
        @require_admin
        @websocket_command(schema)
        @async_response
        @wraps(handler)
        async def _handle(
            hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
        ) -> None:
            try:
                data = loaded_data(hass)
                with acting_as(connection.user.id):
                    result = await handler(hass, connection, msg, data)
            except HomeAssistantError as err:
                code = "invalid_input" if isinstance(err, ServiceValidationError) else "failed"
                connection.send_error(
                    msg["id"],
                    code,
                    str(err),
                    translation_key=err.translation_key,
                    translation_domain=err.translation_domain,
                    translation_placeholders=err.translation_placeholders,
                )
                return
            if result is not _SUBSCRIBED:
                connection.send_result(msg["id"], result)

        return _handle

    return decorate


_SUBSCRIBED = object()


def subscribed() -> Any:
    """What a subscription's handler returns: it has answered the message itself."""
    return _SUBSCRIBED


def device_fields(more: dict[Any, Any] | None = None) -> dict[Any, Any]:
    """The schema of a command about one device, with ``more`` fields."""
    return {vol.Required(ENDPOINT): str, **(more or {})}
