"""The Send operation: data a registered device pushes to ``POST /dp``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import aiocoap
from aiocoap.numbers.codes import Code

from ..clock import Clock
from ..codec import CodecError, ContentFormat
from ..credentials.store import CredentialStore
from ..events import LwM2MEvent
from ..log_once import LogOnce
from ..model.device_model import DeviceModel
from ..model.types import ObjectLookup
from ..path import Path
from ..registration.record import Registration
from ..registration.registrar import DeviceActivity
from ..registration.routes import Route, Routes
from ..registration.store import RegistrationStore
from ..requests.payloads import decode_history
from ..transport.udp import Transport, peer_address, peer_identity
from ..transport.uplink import answer, refuse
from .events import SendReceived

SEND_FORMATS = frozenset(
    {ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR}
)


class SendHandler:
    """Decodes a Send from a registered device into a SendReceived event.

    The sender is found by its PSK identity over DTLS, else by its address; a Send from
    a new address moves the device there, as an Update would.
    """

    def __init__(
        self,
        store: RegistrationStore,
        routes: Routes,
        credentials: CredentialStore,
        model: ObjectLookup,
        activity: DeviceActivity,
        emit: Callable[[LwM2MEvent], None],
        clock: Clock,
        log_once: LogOnce,
    ) -> None:
        self._store = store
        self._routes = routes
        self._credentials = credentials
        self._model = model
        self._activity = activity
        self._emit = emit
        self._clock = clock
        self._log_once = log_once

    def _sender(self, transport: Transport, request: aiocoap.Message) -> Registration | None:
        if transport.secure:
            identity = peer_identity(request.remote)
            endpoint = (
                None if identity is None else self._credentials.endpoint_for_identity(identity)
            )
        else:
            endpoint = self._routes.endpoint_at(False, peer_address(request.remote))
        return None if endpoint is None else self._store.get(endpoint)

    async def handle_send(self, transport: Transport, request: aiocoap.Message) -> aiocoap.Message:
        registration = self._sender(transport, request)
        if registration is None:
            self._log_once("send-unknown", "Send from an unregistered peer %s", request.remote)
            return answer(Code.NOT_FOUND, "not registered")
        fmt = request.opt.content_format
        if fmt not in SEND_FORMATS:
            return answer(Code.UNSUPPORTED_CONTENT_FORMAT)
        model = DeviceModel(self._model, registration.object_version)
        try:
            values, history = decode_history(
                fmt, Path(), bytes(request.payload), model, self._clock.time()
            )
        except CodecError as error:
            return refuse(
                self._log_once, "send", "undecodable payload", f"{request.remote} ({error})"
            )
        route = self._routes.get(registration.endpoint)
        if route is None or route.remote != request.remote:
            self._routes.set(registration.endpoint, Route(transport, request.remote))
            moved = replace(registration, address=peer_address(request.remote))
            self._store.touch(moved, renew=False)
            self._activity.moved(registration.endpoint)
        self._emit(
            SendReceived(registration.endpoint, values=values, history=history, content_format=fmt)
        )
        self._activity.heard_from(registration.endpoint)
        return answer(Code.CHANGED)
