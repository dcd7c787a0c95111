"""Handling device uplinks: Register, Update, De-register and Send."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Protocol

import aiocoap
from aiocoap.numbers.codes import Code

from ..codec import CodecError, ContentFormat
from ..credentials.store import CredentialStore, SecurityPolicy, admit
from ..events import Deregistered, LwM2MEvent, SendReceived, Updated
from ..log_once import LogOnce
from ..model.device_model import DeviceModel
from ..model.types import ObjectLookup
from ..path import Path
from ..requests.payloads import decode_history
from ..transport.udp import Transport, peer_address, peer_identity
from ..transport.uplink import answer, is_confirmable
from .record import Registration
from .request import BadRegistrationError, parse_register, parse_update
from .sessions import Session, Sessions
from .store import RegistrationStore

_LOGGER = logging.getLogger(__name__)

SEND_FORMATS = frozenset(
    {ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR}
)


class RegistrarHooks(Protocol):
    """What the server does when the registrar has accepted an uplink."""

    def emit(self, event: LwM2MEvent) -> None: ...

    def registered(self, registration: Registration, replaced: Registration | None) -> None: ...

    def moved(self, endpoint: str) -> None: ...

    def uplink(self, endpoint: str) -> None: ...

    def gone(self, endpoint: str) -> None: ...

    def now(self) -> float: ...


class Registrar:
    def __init__(
        self,
        store: RegistrationStore,
        sessions: Sessions,
        model: ObjectLookup,
        hooks: RegistrarHooks,
        log_once: LogOnce,
        *,
        policy: SecurityPolicy,
        credentials: CredentialStore,
    ) -> None:
        self.store = store
        self.sessions = sessions
        self.model = model
        self.hooks = hooks
        self.policy = policy
        self.credentials = credentials
        self.blocked: set[str] = set()
        self._log_once = log_once

    def _bad(self, kind: str, reason: str, remote: Any) -> aiocoap.Message:
        self._log_once(f"bad-{kind}:{reason}", "refused a %s from %s: %s", kind, remote, reason)
        return answer(Code.BAD_REQUEST, reason)

    # --- Register ---------------------------------------------------------------------

    async def handle_register(
        self, transport: Transport, request: aiocoap.Message
    ) -> aiocoap.Message:
        if not is_confirmable(request):
            return self._bad("registration", "registration must be confirmable", request.remote)
        try:
            parsed = parse_register(request.opt.uri_query, bytes(request.payload))
        except BadRegistrationError as error:
            return self._bad("registration", str(error), request.remote)
        identity = peer_identity(request.remote) if transport.secure else None
        if transport.secure and identity is None:
            return answer(Code.FORBIDDEN, "no authenticated identity")
        verdict = admit(
            self.policy,
            self.credentials,
            parsed.endpoint,
            identity=identity,
            blocked=parsed.endpoint in self.blocked,
        )
        if not verdict.admitted:
            self._log_once(
                f"forbidden:{verdict.reason}",
                "refused the registration of %r: %s",
                parsed.endpoint,
                verdict.reason,
            )
            return answer(Code.FORBIDDEN, verdict.reason)
        now = self.hooks.now()
        links = parsed.links
        registration = Registration(
            endpoint=parsed.endpoint,
            registration_id=self.store.new_id(),
            lifetime=parsed.lifetime,
            lwm2m_version=parsed.lwm2m_version,
            binding=parsed.binding,
            queue_mode=parsed.queue_mode,
            sms_number=parsed.sms_number,
            root_path=links.root_path,
            objects=links.objects,
            content_formats=links.content_formats,
            address=peer_address(request.remote),
            secure=transport.secure,
            pending=verdict.pending,
            security_identity=None if identity is None else identity.decode("utf-8", "replace"),
            registered_at=now,
            updated_at=now,
        )
        self.sessions.set(registration.endpoint, Session(transport, request.remote))
        replaced = self.store.put(registration)
        self.hooks.registered(registration, replaced)
        return answer(Code.CREATED, location_path=("rd", registration.registration_id))

    # --- Update and De-register -------------------------------------------------------

    def _owned(
        self, transport: Transport, request: aiocoap.Message, registration_id: str
    ) -> Registration | None:
        registration = self.store.by_id(registration_id)
        if registration is None or registration.secure != transport.secure:
            return None
        if transport.secure:
            identity = peer_identity(request.remote)
            if identity is None or identity.decode("utf-8", "replace") != (
                registration.security_identity
            ):
                return None
        return registration

    async def handle_update(
        self, transport: Transport, request: aiocoap.Message, registration_id: str
    ) -> aiocoap.Message:
        if not is_confirmable(request):
            return self._bad("update", "update must be confirmable", request.remote)
        registration = self._owned(transport, request, registration_id)
        if registration is None:
            return answer(Code.NOT_FOUND)
        try:
            update = parse_update(request.opt.uri_query, bytes(request.payload))
        except BadRegistrationError as error:
            return self._bad("update", str(error), request.remote)
        changes: dict[str, Any] = {}
        if update.lifetime is not None and update.lifetime != registration.lifetime:
            changes["lifetime"] = update.lifetime
        if update.binding is not None and update.binding != registration.binding:
            changes["binding"] = update.binding
        if update.queue_mode is not None and update.queue_mode != registration.queue_mode:
            changes["queue_mode"] = update.queue_mode
        if update.sms_number is not None and update.sms_number != registration.sms_number:
            changes["sms_number"] = update.sms_number
        if update.links is not None:
            links = update.links
            if links.objects != registration.objects:
                changes["objects"] = links.objects
            if links.root_path != registration.root_path:
                changes["root_path"] = links.root_path
            if links.content_formats and links.content_formats != registration.content_formats:
                changes["content_formats"] = links.content_formats
        address = peer_address(request.remote)
        session = self.sessions.get(registration.endpoint)
        moved = session is None or session.remote != request.remote
        if address != registration.address:
            changes["address"] = address
        updated = replace(registration, updated_at=self.hooks.now(), **changes)
        self.store.touch(updated)
        if moved:
            self.sessions.set(updated.endpoint, Session(transport, request.remote))
        self.hooks.emit(Updated(updated.endpoint, registration=updated, changed=frozenset(changes)))
        if moved:
            self.hooks.moved(updated.endpoint)
        self.hooks.uplink(updated.endpoint)
        return answer(Code.CHANGED)

    async def handle_deregister(
        self, transport: Transport, request: aiocoap.Message, registration_id: str
    ) -> aiocoap.Message:
        registration = self._owned(transport, request, registration_id)
        if registration is None:
            return answer(Code.NOT_FOUND)
        self.store.remove(registration.endpoint)
        self.sessions.remove(registration.endpoint)
        self.hooks.gone(registration.endpoint)
        self.hooks.emit(Deregistered(registration.endpoint, registration=registration))
        return answer(Code.DELETED)

    # --- Send -------------------------------------------------------------------------

    def _sender(self, transport: Transport, request: aiocoap.Message) -> Registration | None:
        if transport.secure:
            identity = peer_identity(request.remote)
            endpoint = (
                None if identity is None else self.credentials.endpoint_for_identity(identity)
            )
        else:
            endpoint = self.sessions.endpoint_at(False, peer_address(request.remote))
        return None if endpoint is None else self.store.get(endpoint)

    async def handle_send(self, transport: Transport, request: aiocoap.Message) -> aiocoap.Message:
        registration = self._sender(transport, request)
        if registration is None:
            self._log_once("send-unknown", "Send from an unregistered peer %s", request.remote)
            return answer(Code.NOT_FOUND, "not registered")
        fmt = request.opt.content_format
        if fmt not in SEND_FORMATS:
            return answer(Code.UNSUPPORTED_CONTENT_FORMAT)
        model = DeviceModel(self.model, registration.object_version)
        try:
            values, history = decode_history(
                fmt, Path(), bytes(request.payload), model, self.hooks.now()
            )
        except CodecError as error:
            return self._bad("send", "undecodable payload", f"{request.remote} ({error})")
        session = self.sessions.get(registration.endpoint)
        if session is None or session.remote != request.remote:
            self.sessions.set(registration.endpoint, Session(transport, request.remote))
            moved = replace(registration, address=peer_address(request.remote))
            self.store.touch(moved, renew=False)
            self.hooks.moved(registration.endpoint)
        self.hooks.emit(
            SendReceived(registration.endpoint, values=values, history=history, content_format=fmt)
        )
        self.hooks.uplink(registration.endpoint)
        return answer(Code.CHANGED)
