"""The Devices list: every endpoint the integration knows, and its state, kept live."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant, callback

from ..data import LwM2MData
from ..device_lookup import endpoint_device
from ..engine import (
    Asleep,
    Awake,
    Deregistered,
    Expired,
    LwM2MEvent,
    Registered,
    Updated,
)
from .api import command, subscribed

REGISTERED = "registered"
ASLEEP = "asleep"
OFFLINE = "offline"
PENDING = "pending"
# Registration storms change hundreds of devices a second: the list hears of them in
# batches, at most this often.
BATCH_SECONDS = 0.5
STATE_EVENTS = (Registered, Updated, Deregistered, Expired, Asleep, Awake)


def device_state(data: LwM2MData, endpoint: str) -> str:
    server = data.hub.server
    registration = server.registrations.get(endpoint)
    if registration is None:
        return OFFLINE
    if registration.pending:
        return PENDING
    if registration.queue_mode and not server.is_awake(endpoint):
        return ASLEEP
    return REGISTERED


def summary(hass: HomeAssistant, data: LwM2MData, endpoint: str) -> dict[str, Any]:
    """One row of the Devices list."""
    hub = data.hub
    registration = hub.server.registrations.get(endpoint)
    known = hub.devices.get(endpoint)
    remembered = known.summary if known is not None else {}
    credentials = data.storage.credentials.get(endpoint)
    device = endpoint_device(hass, hub.entry.entry_id, endpoint)
    row: dict[str, Any] = {
        "endpoint": endpoint,
        "name": (credentials.name if credentials else None) or (device.name if device else None),
        "device_id": device.id if device else None,
        "state": device_state(data, endpoint),
        "lwm2m_version": remembered.get("lwm2m_version"),
        "binding": remembered.get("binding"),
        "lifetime": remembered.get("lifetime"),
        "last_seen": remembered.get("seen_at"),
        "secure": remembered.get("secure"),
        "address": None,
    }
    if registration is not None:
        host, port = registration.address
        row.update(
            lwm2m_version=registration.lwm2m_version,
            binding=registration.binding,
            lifetime=registration.lifetime,
            secure=registration.secure,
            address=f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        )
    return row


def known_endpoints(data: LwM2MData) -> list[str]:
    hub = data.hub
    return sorted({*hub.devices, *hub.server.registrations, *data.storage.credentials})


@command("lwm2m/devices")
async def ws_devices(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    return {"devices": [summary(hass, data, endpoint) for endpoint in known_endpoints(data)]}


@command("lwm2m/devices/subscribe")
async def ws_subscribe_devices(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """Rows that changed, in batches: ``{"devices": [row, ...]}``."""
    changed: set[str] = set()
    flush: asyncio.TimerHandle | None = None

    @callback
    def _send() -> None:
        nonlocal flush
        flush = None
        rows = [summary(hass, data, endpoint) for endpoint in sorted(changed)]
        changed.clear()
        connection.send_event(msg["id"], {"devices": rows})

    @callback
    def _event(event: LwM2MEvent) -> None:
        nonlocal flush
        if not isinstance(event, STATE_EVENTS):
            return
        changed.add(event.endpoint)
        if flush is None:
            flush = hass.loop.call_later(BATCH_SECONDS, _send)

    remove = data.hub.server.add_listener(_event)

    @callback
    def _unsubscribe() -> None:
        remove()
        if flush is not None:
            flush.cancel()

    connection.subscriptions[msg["id"]] = _unsubscribe
    connection.send_result(msg["id"])
    return subscribed()
