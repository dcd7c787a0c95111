"""The panel's websocket API: every command, registered once when the integration loads."""

from __future__ import annotations

from homeassistant.components import websocket_api
from homeassistant.core import HomeAssistant, callback

from . import audit, bootstrap, devices, live, objects, operations

COMMANDS = (
    devices.ws_devices,
    devices.ws_subscribe_devices,
    objects.ws_device,
    live.ws_subscribe_device,
    operations.ws_read,
    operations.ws_write,
    operations.ws_execute,
    operations.ws_observe,
    operations.ws_cancel_observation,
    operations.ws_write_attributes,
    operations.ws_create,
    operations.ws_delete,
    operations.ws_requests,
    operations.ws_cancel_request,
    operations.ws_history,
    operations.ws_shell,
    bootstrap.ws_bootstrap,
    bootstrap.ws_update_bootstrap,
    bootstrap.ws_trigger_bootstrap,
    audit.ws_audit,
    audit.ws_audit_sync,
)


@callback
def async_register_commands(hass: HomeAssistant) -> None:
    for handler in COMMANDS:
        websocket_api.async_register_command(hass, handler)
