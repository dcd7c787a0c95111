"""The registration interface: Register, Update and De-register, and what follows them.

The registrar owns each registration's life: it admits a device (see :mod:`.admission`),
stores its registration and where it is reachable, and ends it on De-register, expiry
or rejection. It emits the registration events and tells the server's per-device side
(:class:`DeviceActivity`) what happened, so that observations, queued requests and
awake windows follow.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from typing import Any, Protocol

import aiocoap
from aiocoap.numbers.codes import Code

from ..clock import Clock
from ..credentials.store import CredentialStore
from ..errors import DeviceNotRegisteredError
from ..events import LwM2MEvent
from ..log_once import LogOnce
from ..transport.udp import Transport, peer_address, peer_identity
from ..transport.uplink import answer, is_confirmable, refuse
from .admission import SecurityPolicy, admit
from .events import Deregistered, Expired, Registered, Revoked, Updated
from .record import Registration
from .request import BadRegistrationError, parse_register, parse_update
from .routes import Route, Routes
from .store import RegistrationStore


class DeviceActivity(Protocol):
    """What the server keeps for each device, told about every turn of its registration."""

    def session_started(self, endpoint: str) -> None:
        """A new registration: whatever ran on the previous one is void."""

    def registered(self, registration: Registration) -> None:
        """The registration was announced; requests may follow."""

    def accepted(self, endpoint: str) -> None:
        """A held registration was let in."""

    def moved(self, endpoint: str) -> None:
        """The device is reachable at another address (or over another session)."""

    def heard_from(self, endpoint: str) -> None:
        """An uplink of a registered device arrived."""

    def gone(self, endpoint: str) -> None:
        """The registration ended."""


class Registrar:
    """Registrations by endpoint, kept by ``store``, reachable through ``sessions``."""

    def __init__(
        self,
        store: RegistrationStore,
        routes: Routes,
        activity: DeviceActivity,
        emit: Callable[[LwM2MEvent], None],
        clock: Clock,
        log_once: LogOnce,
        *,
        policy: SecurityPolicy,
        credentials: CredentialStore,
    ) -> None:
        self.store = store
        self.routes = routes
        self.policy = policy
        self.credentials = credentials
        self.blocked: set[str] = set()
        self._activity = activity
        self._emit = emit
        self._clock = clock
        self._log_once = log_once

    # --- Register ---------------------------------------------------------------------

    async def handle_register(
        self, transport: Transport, request: aiocoap.Message
    ) -> aiocoap.Message:
        if not is_confirmable(request):
            return refuse(
                self._log_once, "registration", "registration must be confirmable", request.remote
            )
        try:
            parsed = parse_register(request.opt.uri_query, bytes(request.payload))
        except BadRegistrationError as error:
            return refuse(self._log_once, "registration", str(error), request.remote)
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
        now = self._clock.time()
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
        self.routes.set(registration.endpoint, Route(transport, request.remote))
        replaced = self.store.put(registration)
        self._activity.session_started(registration.endpoint)
        self._emit(
            Registered(
                registration.endpoint, registration=registration, replaced=replaced is not None
            )
        )
        self._activity.registered(registration)
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
            return refuse(self._log_once, "update", "update must be confirmable", request.remote)
        registration = self._owned(transport, request, registration_id)
        if registration is None:
            return answer(Code.NOT_FOUND)
        try:
            update = parse_update(request.opt.uri_query, bytes(request.payload))
        except BadRegistrationError as error:
            return refuse(self._log_once, "update", str(error), request.remote)
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
        route = self.routes.get(registration.endpoint)
        moved = route is None or route.remote != request.remote
        if address != registration.address:
            changes["address"] = address
        updated = replace(registration, updated_at=self._clock.time(), **changes)
        self.store.touch(updated)
        if moved:
            self.routes.set(updated.endpoint, Route(transport, request.remote))
        self._emit(Updated(updated.endpoint, registration=updated, changed=frozenset(changes)))
        if moved:
            self._activity.moved(updated.endpoint)
        self._activity.heard_from(updated.endpoint)
        return answer(Code.CHANGED)

    async def handle_deregister(
        self, transport: Transport, request: aiocoap.Message, registration_id: str
    ) -> aiocoap.Message:
        registration = self._owned(transport, request, registration_id)
        if registration is None:
            return answer(Code.NOT_FOUND)
        self._end(registration, Deregistered(registration.endpoint, registration=registration))
        return answer(Code.DELETED)

    # --- the installer's decisions and the lifetime -------------------------------------

    def accept(self, endpoint: str) -> Registration:
        """Let a held endpoint in: it becomes a normal registration (Updated "pending")."""
        registration = self.store.get(endpoint)
        if registration is None:
            raise DeviceNotRegisteredError(endpoint)
        if not registration.pending:
            return registration
        accepted = replace(registration, pending=False)
        self.store.touch(accepted, renew=False)
        self._emit(Updated(endpoint, registration=accepted, changed=frozenset({"pending"})))
        self._activity.accepted(endpoint)
        return accepted

    def reject(self, endpoint: str) -> None:
        """Drop a held endpoint and refuse its registrations (4.03) from now on."""
        self.blocked.add(endpoint)
        registration = self.store.get(endpoint)
        if registration is not None:
            self._end(registration, Deregistered(endpoint, registration=registration))

    def revoke(self, endpoints: Iterable[str], identities: Collection[bytes]) -> None:
        """Credentials of ``endpoints`` changed or went (``identities`` are the PSK
        identities revoked): each registration made over DTLS with a revoked identity
        ends, and so does each one over plain CoAP that would no longer be admitted."""
        for name in endpoints:
            registration = self.store.get(name)
            if registration is None:
                continue
            if registration.secure:
                identity = (registration.security_identity or "").encode("utf-8")
                ended = identity in identities
            else:
                ended = not admit(
                    self.policy,
                    self.credentials,
                    name,
                    identity=None,
                    blocked=name in self.blocked,
                ).admitted
            if ended:
                self._end(registration, Revoked(name, registration=registration))

    def peer_moved(self, remote: Any) -> None:
        """The device behind ``remote`` answers at another address now (its DTLS session
        followed it): its registration's address follows too."""
        endpoint = self.routes.endpoint_of(remote)
        registration = None if endpoint is None else self.store.get(endpoint)
        if endpoint is None or registration is None:
            return
        address = peer_address(remote)
        self.routes.moved(endpoint, registration.address)
        if address != registration.address:
            moved = replace(registration, address=address)
            self.store.touch(moved, renew=False)
            self._emit(Updated(endpoint, registration=moved, changed=frozenset({"address"})))

    def expired(self, registration: Registration) -> None:
        """The store let the registration's lifetime (and grace) run out."""
        self.routes.remove(registration.endpoint)
        self._activity.gone(registration.endpoint)
        self._emit(Expired(registration.endpoint, registration=registration))

    def _end(self, registration: Registration, event: LwM2MEvent) -> None:
        self.store.remove(registration.endpoint)
        self.routes.remove(registration.endpoint)
        self._activity.gone(registration.endpoint)
        self._emit(event)
