"""The device view kept live: values the device reports, its state, its queue and its
operation history, as events of one subscription."""

from __future__ import annotations

from typing import Any

from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ..data import LwM2MData
from ..engine import LwM2MEvent, Path, QueueChanged
from ..signals import signal_received
from ..values.json_forms import to_response
from .api import ENDPOINT, command, device_fields, known_endpoint, subscribed
from .devices import STATE_EVENTS, summary


@command("lwm2m/device/subscribe", device_fields())
async def ws_subscribe_device(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], data: LwM2MData
) -> Any:
    """Events: ``{"values": {path: value}}`` for every value the device reports,
    ``{"device": row}`` when its state changes, ``{"requests": true}`` when its queue
    changes and ``{"history": true}`` when an operation starts or ends."""
    endpoint = known_endpoint(data, msg[ENDPOINT])
    hub = data.hub
    message_id = msg["id"]

    @callback
    def _received(paths: set[Path]) -> None:
        state = hub.devices.get(endpoint)
        if state is None:
            return
        values = {
            str(path): to_response(value)
            for path, value in state.values.items()
            if path.resource_path() in paths
        }
        connection.send_event(message_id, {"values": values})

    @callback
    def _event(event: LwM2MEvent) -> None:
        if event.endpoint != endpoint:
            return
        if isinstance(event, QueueChanged):
            connection.send_event(message_id, {"requests": True})
        elif isinstance(event, STATE_EVENTS):
            connection.send_event(message_id, {"device": summary(hass, data, endpoint)})

    @callback
    def _history() -> None:
        connection.send_event(message_id, {"history": True})

    removers = [
        async_dispatcher_connect(hass, signal_received(hub.entry.entry_id, endpoint), _received),
        hub.server.add_listener(_event),
        data.history.listen(endpoint, _history),
    ]

    @callback
    def _unsubscribe() -> None:
        for remove in removers:
            remove()

    connection.subscriptions[message_id] = _unsubscribe
    connection.send_result(message_id)
    return subscribed()
