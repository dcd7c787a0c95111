"""The real LwM2MServer on loopback with one seam replaced: the devices behind it.

Everything the integration calls is the engine's own code (listeners, registrations,
accepting and rejecting held devices, the request methods' checks); only the request
dispatcher is swapped for :class:`TableDispatcher`, which answers each request from a
table of device values instead of sending it over UDP, records it, and raises an
error a test plants for one operation. Devices register through the registration
store the way the registrar files them, so a test can give a registration exact fields.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, override

import aiocoap

from custom_components.lwm2m.engine import (
    BootstrapServer,
    CredentialStore,
    Deregistered,
    DeviceNotRegisteredError,
    Expired,
    Link,
    LwM2MError,
    LwM2MEvent,
    LwM2MServer,
    NotificationReceived,
    ObjectRegistry,
    Path,
    Registered,
    Registration,
    Updated,
)
from custom_components.lwm2m.engine.dtls import EndpointObserver, PskLookup
from custom_components.lwm2m.engine.events import EventListeners
from custom_components.lwm2m.engine.requests.exchange import (
    DEFAULT_ACCEPT_TIMEOUT,
    Exchanger,
    tuning,
)
from custom_components.lwm2m.engine.requests.request import DeviceRequest, Operation
from custom_components.lwm2m.engine.server.dispatcher import RequestDispatcher
from custom_components.lwm2m.engine.server.observations import Observation, ObservationTarget
from custom_components.lwm2m.engine.server.presence import DEFAULT_AWAKE_WINDOW
from custom_components.lwm2m.engine.server.queue import DEFAULT_QUEUE_LIMIT
from custom_components.lwm2m.engine.transport.secure_port import SecurePort
from custom_components.lwm2m.engine.transport.served_ports import ServedPorts


@dataclass
class DeviceTable:
    """What the devices answer, and what they were asked."""

    values: dict[str, dict[Path, Any]] = field(default_factory=dict)
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    fail: dict[str, LwM2MError] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    queue: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    imported_queue: dict[str, Any] | None = None
    answering: Callable[[str, DeviceRequest], Awaitable[None]] | None = None
    """Awaited before each answer: a device that takes its time."""


def _call(endpoint: str, request: DeviceRequest) -> tuple[Any, ...]:
    name = request.operation.value
    match request.operation:
        case Operation.WRITE | Operation.CREATE:
            return (name, endpoint, request.path, dict(request.values))
        case Operation.WRITE_ATTRIBUTES:
            return (name, endpoint, request.path, dict(request.attributes))
        case Operation.EXECUTE:
            return (name, endpoint, request.path, request.arguments)
        case _:
            return (name, endpoint, request.path)


class TableDispatcher(RequestDispatcher):
    """The server's dispatcher, answering from a :class:`DeviceTable` at once."""

    table: DeviceTable

    def _check(self, operation: str, endpoint: str) -> None:
        if operation in self.table.fail:
            raise self.table.fail[operation]
        if self._store.get(endpoint) is None:
            raise DeviceNotRegisteredError(endpoint)

    @override
    async def submit(self, endpoint: str, request: DeviceRequest) -> Any:
        self.table.calls.append(_call(endpoint, request))
        if self.table.answering is not None:
            await self.table.answering(endpoint, request)
        self._check(request.operation.value, endpoint)
        values = self.table.values.setdefault(endpoint, {})
        match request.operation:
            case Operation.READ:
                return {key: value for key, value in values.items() if key.startswith(request.path)}
            case Operation.WRITE:
                values.update(request.values)
            case Operation.DISCOVER:
                return self.table.links
            case Operation.CREATE:
                created = request.values[0][0].parent if request.values else request.path.child(0)
                return Path(created.ids[:2])
            case Operation.OBSERVE:
                target = ObservationTarget((request.path,), accept=request.accept)
                return Observation(endpoint, target, {}, b"", self.cancel_observation)
        return None

    @override
    async def cancel_observation(
        self, endpoint: str, target: ObservationTarget, active: bool
    ) -> None:
        self.table.calls.append(("cancel_observation", endpoint, target.path))
        self._check("cancel_observation", endpoint)

    @override
    def export_queue(self) -> dict[str, list[dict[str, Any]]]:
        return dict(self.table.queue)

    @override
    def import_queue(self, data: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        self.table.imported_queue = dict(data)


class RefusableSecurePort(SecurePort):
    """A secure port that opens for real unless a test says DTLS cannot run here."""

    refusal: str | None = None

    @override
    async def open(
        self, psk_lookup: PskLookup, observer: EndpointObserver | None = None
    ) -> aiocoap.Context | None:
        if self.refusal is None:
            return await super().open(psk_lookup, observer)
        self.unavailable_reason = self.refusal
        return None


class OnLoopback(ServedPorts):
    """What the tests ask of either server: whether it runs, who listens; and a secure
    port (a free one) they may refuse DTLS."""

    _events: EventListeners

    def serve_on_loopback(self) -> None:
        self._secure = self.secure = RefusableSecurePort("127.0.0.1", 0)

    def refuse_dtls(self, reason: str | None) -> None:
        self.secure.refusal = reason

    @property
    def running(self) -> bool:
        return bool(self._transports)

    @property
    def listener_count(self) -> int:
        return len(self._events._listeners)


class LoopbackBootstrap(OnLoopback, BootstrapServer):
    """The real bootstrap server on 127.0.0.1; a test announces bootstrap events as the
    server does."""

    def __init__(self) -> None:
        super().__init__(CredentialStore(), ObjectRegistry.default(), host="127.0.0.1", port=0)
        self.serve_on_loopback()

    def emit(self, event: LwM2MEvent) -> None:
        self._emit(event)


class TableServer(OnLoopback, LwM2MServer):
    """The real server on 127.0.0.1 in front of a device table."""

    def __init__(self) -> None:
        registry = ObjectRegistry.default()
        super().__init__(registry, host="127.0.0.1", port=0)
        self.serve_on_loopback()
        self.table = DeviceTable()
        dispatcher = TableDispatcher(
            self._store,
            self._routes,
            registry,
            Exchanger(
                tuning=tuning(),
                request_timeout=None,
                accept_timeout=DEFAULT_ACCEPT_TIMEOUT,
                log_once=self._log_once,
                clock=self._clock,
            ),
            self._emit,
            self._clock,
            self._log_once,
            awake_window=DEFAULT_AWAKE_WINDOW,
            queue_limit=DEFAULT_QUEUE_LIMIT,
        )
        dispatcher.table = self.table
        self._dispatcher = dispatcher

    def requests(self, operation: str) -> list[tuple[Any, ...]]:
        return [call for call in self.table.calls if call[0] == operation]

    # What the devices do

    def register(
        self,
        endpoint: str,
        objects: Mapping[str, Mapping[str, Any]] | None = None,
        values: Mapping[str, Any] | None = None,
        *,
        pending: bool = False,
        lifetime: int = 300,
    ) -> Registration:
        """File a registration as the registrar does after admitting it."""
        registration = Registration(
            endpoint=endpoint,
            registration_id=self._store.new_id(),
            lifetime=lifetime,
            objects={Path.parse(p): dict(params) for p, params in (objects or {}).items()},
            address=("127.0.0.1", 56830),
            pending=pending,
            security_identity="secret-identity",
            registered_at=time.time(),
            updated_at=time.time(),
        )
        replaced = self._store.put(registration)
        if values is not None:
            self.table.values[endpoint] = {Path.parse(p): v for p, v in values.items()}
        self.emit(Registered(endpoint, registration, replaced=replaced is not None))
        return registration

    def update(self, endpoint: str, objects: Mapping[str, Mapping[str, Any]]) -> None:
        old = self.registrations[endpoint]
        parsed = {Path.parse(p): dict(params) for p, params in objects.items()}
        updated = replace(old, objects=parsed, updated_at=time.time())
        self._store.touch(updated)
        self.emit(Updated(endpoint, updated, frozenset({"objects"})))

    def deregister(self, endpoint: str, *, expired: bool = False) -> None:
        registration = self._store.remove(endpoint)
        assert registration is not None, endpoint
        event = Expired if expired else Deregistered
        self.emit(event(endpoint, registration))

    def notify(self, endpoint: str, path: str, values: Mapping[str, Any]) -> None:
        parsed = {Path.parse(p): v for p, v in values.items()}
        self.table.values.setdefault(endpoint, {}).update(parsed)
        self.emit(NotificationReceived(endpoint, Path.parse(path), parsed))
