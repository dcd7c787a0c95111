"""The Bootstrap tab: a device's bootstrap parameters (the cells of its credentials CSV row),
edited under the import's own rules and saved to the credential store, and "Bootstrap
again" (Bootstrap-Request Trigger)."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .. import device_requests as requests
from ..const import LOGGER
from ..data import LwM2MData
from ..engine import (
    WRITE_ONLY_COLUMNS,
    CredentialsColumn,
    CredentialsCSVError,
    DeviceCredentials,
    Path,
    SecurityMode,
    credentials_cells,
    credentials_from_cells,
    merge_credentials,
)
from ..errors import validation_error
from .api import ENDPOINT, command, device_fields, known_endpoint
from .devices import REGISTERED, device_state
from .objects import bootstrap_trigger

_BY_HEADER = {column.value: column for column in CredentialsColumn}


def parameters(record: DeviceCredentials | None, endpoint: str) -> list[dict[str, Any]]:
    """Every column in CSV order; write-only cells say only whether they are set."""
    cells = credentials_cells(record or DeviceCredentials(endpoint, SecurityMode.NO_SEC))
    return [
        {
            "column": column.value,
            "value": None if column in WRITE_ONLY_COLUMNS else cells[column],
            "write_only": column in WRITE_ONLY_COLUMNS,
            "set": bool(cells[column]),
        }
        for column in CredentialsColumn
    ]


@command("lwm2m/bootstrap", device_fields())
async def ws_bootstrap(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    endpoint = known_endpoint(data, msg[ENDPOINT])
    record = data.storage.credentials.get(endpoint)
    return {
        "parameters": parameters(record, endpoint),
        "stored": record is not None,
        "trigger": await _async_implemented_trigger(data, endpoint),
    }


async def _async_implemented_trigger(data: LwM2MData, endpoint: str) -> str | None:
    """The trigger the object model offers, if the device implements it: an awake device
    is asked (Discover lists what it implements); a sleeping one is taken at its model."""
    trigger = bootstrap_trigger(data, endpoint)
    if trigger is None or device_state(data, endpoint) != REGISTERED:
        return trigger
    path = Path.parse(trigger)
    try:
        links = await requests.async_discover(data.hub, endpoint, path.parent)
    except HomeAssistantError:
        return trigger
    return trigger if any(link["link"] == trigger for link in links) else None


@command(
    "lwm2m/bootstrap/update",
    device_fields({vol.Required("changes"): {str: vol.Any(str, None)}}),
)
async def ws_update_bootstrap(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """Change cells of the device's row (by CSV header; null clears a cell, a write-only
    cell is replaced only by a new value). Problems come back per column, nothing saved."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    storage = data.storage
    current = storage.credentials.get(endpoint) or DeviceCredentials(endpoint, SecurityMode.NO_SEC)
    cells = credentials_cells(current)
    for header, value in msg["changes"].items():
        column = _BY_HEADER.get(header)
        if column is None or column is CredentialsColumn.ENDPOINT:
            raise validation_error("unknown_parameter", column=header)
        cells[column] = (value or "").strip()
    try:
        record = credentials_from_cells(cells)
        merged, _summary = merge_credentials(storage.credentials, [record])
    except CredentialsCSVError as err:
        return {
            "saved": False,
            "problems": [
                {"column": problem.field, "message": problem.message} for problem in err.errors
            ],
        }
    await data.hub.async_set_credentials(merged)
    LOGGER.info("Bootstrap parameters of %s changed in the panel", endpoint)
    return {"saved": True, "problems": [], "parameters": parameters(record, endpoint)}


@command("lwm2m/bootstrap/trigger", device_fields())
async def ws_trigger_bootstrap(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """Execute the Bootstrap-Request Trigger: the device bootstraps again."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    trigger = bootstrap_trigger(data, endpoint)
    if trigger is None:
        raise validation_error("no_bootstrap_trigger", endpoint=endpoint)
    await requests.async_execute(data.hub, endpoint, Path.parse(trigger), None)
    return {"path": trigger}
