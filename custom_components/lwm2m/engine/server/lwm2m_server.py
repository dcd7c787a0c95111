"""LwM2MServer: the engine's facade.

It serves the registration interface (/rd) and Send (/dp) on one UDP port (more
transports, such as DTLS, can be attached), emits typed events to listeners, and offers
the device-management operations as coroutines. Requests to a queue-mode device are
queued while it sleeps and delivered in order on its next uplink.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import aiocoap
from aiocoap import resource
from aiocoap.numbers.codes import Code
from aiocoap.numbers.constants import TransportTuning

from ..clock import Clock, LoopClock
from ..codec import Link
from ..credentials.store import CredentialStore, Revocation, SecurityPolicy, admit
from ..dtls import DtlsSettings
from ..errors import (
    DeviceNotRegisteredError,
    DevicePendingError,
    LwM2MError,
    RequestCancelledError,
    RequestTimeoutError,
)
from ..events import (
    Asleep,
    Awake,
    Deregistered,
    Expired,
    LwM2MEvent,
    NotificationReceived,
    QueueChanged,
    Registered,
    Revoked,
    Updated,
)
from ..listeners import EventListeners, Listener
from ..log_once import LogOnce
from ..model.device_model import DeviceModel
from ..model.types import ObjectLookup
from ..path import Path
from ..registration.record import Registration
from ..registration.registrar import Registrar
from ..registration.sessions import Sessions
from ..registration.store import DEFAULT_GRACE_PERIOD, RegistrationStore
from ..requests.exchange import DEFAULT_ACCEPT_TIMEOUT, DeviceLink, Exchanger, tuning
from ..requests.negotiation import FormatMemory, Negotiator
from ..requests.operations import HANDLERS
from ..requests.request import AttributeValue, DeviceRequest, Operation
from ..transport.served_ports import ServedPorts
from ..transport.udp import Transport, bind_udp, peer_address, reset_unknown_notifications
from .observations import Observation, Observations, ObservationTarget
from .presence import DEFAULT_AWAKE_WINDOW, Presence
from .queue import DEFAULT_QUEUE_LIMIT, QueuedRequest, QueuedRequestInfo, RequestQueue
from .resources import build_site

_LOGGER = logging.getLogger(__name__)

ATTRIBUTE_NAMES = ("pmin", "pmax", "gt", "lt", "st", "epmin", "epmax")


class _Hooks:
    """The registrar's view of the server."""

    def __init__(self, server: LwM2MServer) -> None:
        self._server = server

    def emit(self, event: LwM2MEvent) -> None:
        self._server._emit(event)

    def registered(self, registration: Registration, replaced: Registration | None) -> None:
        self._server._registered(registration, replaced)

    def moved(self, endpoint: str) -> None:
        self._server._moved(endpoint)

    def uplink(self, endpoint: str) -> None:
        self._server._uplink(endpoint)

    def gone(self, endpoint: str) -> None:
        self._server._gone(endpoint)

    def now(self) -> float:
        return self._server._clock.time()


class LwM2MServer(ServedPorts):
    """An LwM2M server on one UDP port.

    ``policy`` and ``credentials`` decide who may register (see :mod:`.security`);
    ``clock`` drives lifetimes and awake windows; ``grace_period`` is added to each
    lifetime before a registration expires; ``awake_window`` is how long a queue-mode
    device counts as awake after an uplink; ``queue_limit`` bounds each device's queue;
    ``request_timeout`` caps every request (None: CoAP's own retransmission limit);
    ``accept_timeout`` is how long a first request with an Accept option may go
    unanswered before it is repeated without one.

    ``secure_port`` also serves coaps:// (DTLS-PSK, keys from ``credentials``) on
    ``host`` (the any-address included); 0 picks a free port. When DTLS cannot run here
    (see :func:`.dtls.dtls_status`), the server runs plain CoAP only and
    ``dtls_unavailable_reason`` says why.
    """

    def __init__(
        self,
        registry: ObjectLookup,
        *,
        host: str = "::",
        port: int = 5683,
        policy: SecurityPolicy = SecurityPolicy.PENDING,
        credentials: CredentialStore | None = None,
        clock: Clock | None = None,
        grace_period: float = DEFAULT_GRACE_PERIOD,
        awake_window: float = DEFAULT_AWAKE_WINDOW,
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
        request_timeout: float | None = None,
        accept_timeout: float = DEFAULT_ACCEPT_TIMEOUT,
        coap_tuning: TransportTuning | None = None,
        secure_port: int | None = None,
        dtls_settings: DtlsSettings | None = None,
    ) -> None:
        self.registry = registry
        self.host = host
        super().__init__(host, secure_port, dtls_settings)
        self._requested_port = port
        self._clock: Clock = clock or LoopClock()
        self._log_once = LogOnce(_LOGGER)
        self._events = EventListeners(_LOGGER)
        self._resources: dict[tuple[str, ...], resource.Resource] = {}
        self._store = RegistrationStore(self._clock, grace_period, self._expired)
        self._sessions = Sessions()
        self._registrar = Registrar(
            self._store,
            self._sessions,
            registry,
            _Hooks(self),
            self._log_once,
            policy=policy,
            credentials=credentials if credentials is not None else CredentialStore(),
        )
        self._formats: dict[str, FormatMemory] = {}
        self._queues: dict[str, RequestQueue] = {}
        self._queue_limit = queue_limit
        self._flushing: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._attributes: dict[str, dict[Path, dict[str, AttributeValue]]] = {}
        self._presence = Presence(self._clock, awake_window, self._presence_changed)
        self._exchanger = Exchanger(
            tuning=coap_tuning or tuning(),
            request_timeout=request_timeout,
            accept_timeout=accept_timeout,
            log_once=self._log_once,
        )
        self._observations = Observations(
            self._exchanger, self._emit, self._clock, self._log_once, self._cancel_from_handle
        )
        self._stop_revocations: Callable[[], None] | None = None

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the UDP port; OSError when it is taken."""
        if self._transports:
            raise RuntimeError("the server is already running")
        context = await bind_udp(self.host, self._requested_port, None)
        self.attach_transport(context, secure=False)
        self._stop_revocations = self.credentials.add_revocation_listener(self._revoked)
        if self._secure is None:
            return
        try:
            secure_context = await self._secure.open(self.credentials, self)
        except BaseException:
            await self.stop()
            raise
        if secure_context is not None:
            self.attach_transport(secure_context, secure=True)

    def attach_transport(self, context: aiocoap.Context, *, secure: bool) -> Transport:
        """Serve /rd and /dp on another aiocoap context too (e.g. a DTLS one).

        Requests arriving on a secure transport must carry the peer's PSK identity as
        ``request.remote.psk_identity``. The server shuts the context down on stop().
        """
        transport = Transport(context, secure)
        reset_unknown_notifications(context)
        context.serversite = build_site(self._registrar, transport)
        for path, extra in self._resources.items():
            context.serversite.add_resource(path, extra)
        self._transports.append(transport)
        return transport

    async def stop(self) -> None:
        if self._stop_revocations is not None:
            self._stop_revocations()
            self._stop_revocations = None
        self._observations.close()
        self._presence.forget_all()
        for task in [*self._tasks, *self._flushing.values()]:
            task.cancel()
        for queue in self._queues.values():
            for item in queue:
                if item.future is not None and not item.future.done():
                    item.future.set_exception(LwM2MError("the server stopped"))
        self._store.clear()
        self._sessions.clear()
        # Let the cancelled requests drop their interest in a response first: aiocoap's
        # shutdown would otherwise try to fail their (cancelled) response futures.
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await self._close_ports()

    @property
    def registrations(self) -> Mapping[str, Registration]:
        """Live registrations by endpoint (a read-only view)."""
        return self._store.view

    # --- security ---------------------------------------------------------------------

    @property
    def policy(self) -> SecurityPolicy:
        return self._registrar.policy

    @policy.setter
    def policy(self, policy: SecurityPolicy) -> None:
        self._registrar.policy = policy

    @property
    def credentials(self) -> CredentialStore:
        return self._registrar.credentials

    @property
    def blocked_endpoints(self) -> frozenset[str]:
        return frozenset(self._registrar.blocked)

    def accept_pending(self, endpoint: str) -> Registration:
        """Let a held endpoint in: it becomes a normal registration (Updated "pending")."""
        registration = self._store.get(endpoint)
        if registration is None:
            raise DeviceNotRegisteredError(endpoint)
        if not registration.pending:
            return registration
        accepted = replace(registration, pending=False)
        self._store.touch(accepted, renew=False)
        self._emit(Updated(endpoint, registration=accepted, changed=frozenset({"pending"})))
        self._spawn(self._resume(endpoint))
        self._flush(endpoint)
        return accepted

    def reject_pending(self, endpoint: str) -> None:
        """Drop a held endpoint and refuse its registrations (4.03) from now on."""
        self._registrar.blocked.add(endpoint)
        registration = self._store.remove(endpoint)
        if registration is None:
            return
        self._sessions.remove(endpoint)
        self._gone(endpoint)
        self._emit(Deregistered(endpoint, registration=registration))

    def unblock(self, endpoint: str) -> None:
        self._registrar.blocked.discard(endpoint)

    def _revoked(self, revocation: Revocation) -> None:
        """Credentials were changed or removed: what they opened ends now.

        DTLS sessions authenticated with a revoked identity are closed, and so ends
        each registration made over one, or made over plain CoAP by an endpoint
        that would no longer be admitted that way.
        """
        endpoint = self.dtls_endpoint
        if endpoint is not None:
            for identity in revocation.identities:
                endpoint.close_sessions(identity)
        for name in revocation.endpoints:
            registration = self._store.get(name)
            if registration is None:
                continue
            if registration.secure:
                identity = (registration.security_identity or "").encode("utf-8")
                ended = identity in revocation.identities
            else:
                ended = not admit(
                    self.policy,
                    self.credentials,
                    name,
                    identity=None,
                    blocked=name in self._registrar.blocked,
                ).admitted
            if ended:
                self._store.remove(name)
                self._sessions.remove(name)
                self._gone(name)
                self._emit(Revoked(name, registration=registration))

    def peer_moved(self, remote: Any) -> None:
        """A device's DTLS session follows it to a new address (RFC 9146 6): so do its
        registration's address and every request to it."""
        endpoint = self._sessions.endpoint_of(remote)
        registration = None if endpoint is None else self._store.get(endpoint)
        if endpoint is None or registration is None:
            return
        address = peer_address(remote)
        self._sessions.moved(endpoint, registration.address)
        if address != registration.address:
            moved = replace(registration, address=address)
            self._store.touch(moved, renew=False)
            self._emit(Updated(endpoint, registration=moved, changed=frozenset({"address"})))

    # --- events -----------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns a function that removes it."""
        return self._events.add(callback)

    def _emit(self, event: LwM2MEvent) -> None:
        self._events.emit(event)
        if isinstance(event, NotificationReceived):
            self._uplink(event.endpoint)  # a notification is an uplink too (queue mode)

    # --- registrar hooks --------------------------------------------------------------

    def _registered(self, registration: Registration, replaced: Registration | None) -> None:
        endpoint = registration.endpoint
        self._formats.setdefault(endpoint, FormatMemory())
        self._observations.stop_all(endpoint)
        self._emit(Registered(endpoint, registration=registration, replaced=replaced is not None))
        if registration.queue_mode:
            self._presence.uplink(endpoint, announce=False)
        if not registration.pending:
            self._spawn(self._resume(endpoint))
            self._flush(endpoint)

    def _moved(self, endpoint: str) -> None:
        self._observations.stop_all(endpoint)
        registration = self._store.get(endpoint)
        if registration is not None and not registration.pending:
            self._spawn(self._resume(endpoint))

    def _uplink(self, endpoint: str) -> None:
        registration = self._store.get(endpoint)
        if registration is None:
            return
        if registration.queue_mode:
            self._presence.uplink(endpoint)
        else:
            self._presence.forget(endpoint)
        if not registration.pending:
            self._flush(endpoint)

    def _gone(self, endpoint: str) -> None:
        self._observations.stop_all(endpoint)
        self._presence.forget(endpoint)
        queue = self._queues.get(endpoint)
        if queue is None:
            return
        for item in queue.take_all():
            if item.future is None:
                queue.push(item)
            elif not item.future.done():
                item.future.set_exception(DeviceNotRegisteredError(endpoint))

    def _expired(self, registration: Registration) -> None:
        self._sessions.remove(registration.endpoint)
        self._gone(registration.endpoint)
        self._emit(Expired(registration.endpoint, registration=registration))

    def _presence_changed(self, endpoint: str, awake: bool) -> None:
        self._emit(Awake(endpoint) if awake else Asleep(endpoint))

    async def _resume(self, endpoint: str) -> None:
        """Restore what the server had set up on a device: attributes, observations."""
        for path, attributes in list(self._attributes.get(endpoint, {}).items()):
            request = DeviceRequest(
                Operation.WRITE_ATTRIBUTES, path, attributes=tuple(attributes.items())
            )
            await self._resume_one(endpoint, request)
        for target in self._observations.remembered(endpoint):
            operation = Operation.OBSERVE_COMPOSITE if target.composite else Operation.OBSERVE
            request = DeviceRequest(
                operation, target.path, paths=target.paths, accept=target.accept
            )
            await self._resume_one(endpoint, request)

    async def _resume_one(self, endpoint: str, request: DeviceRequest) -> None:
        try:
            await self._submit(endpoint, request)
        except LwM2MError as error:
            self._log_once(
                f"resume:{endpoint}",
                "could not restore %s on %s for %s: %s",
                request.operation.value,
                request.path,
                endpoint,
                error,
            )

    # --- running requests -------------------------------------------------------------

    def _link(self, endpoint: str) -> DeviceLink:
        registration = self._store.get(endpoint)
        session = self._sessions.get(endpoint)
        if registration is None or session is None:
            raise DeviceNotRegisteredError(endpoint)
        if registration.pending:
            raise DevicePendingError(endpoint)
        root = tuple(part for part in registration.root_path.split("/") if part)
        memory = self._formats.setdefault(endpoint, FormatMemory())
        return DeviceLink(
            endpoint=endpoint,
            transport=session.transport,
            remote=session.remote,
            root=root,
            model=DeviceModel(self.registry, registration.object_version),
            formats=Negotiator(registration.lwm2m_version, registration.content_formats, memory),
        )

    async def _run(self, endpoint: str, request: DeviceRequest) -> Any:
        link = self._link(endpoint)
        operation = request.operation
        if operation in (Operation.OBSERVE, Operation.OBSERVE_COMPOSITE):
            target = ObservationTarget(
                request.paths or (request.path,),
                composite=operation is Operation.OBSERVE_COMPOSITE,
                accept=request.accept,
            )
            return await self._observations.start(link, target)
        if operation is Operation.CANCEL_OBSERVATION:
            target = _target_of(request)
            await self._observations.cancel_actively(endpoint, target)
            return None
        result = await HANDLERS[operation](self._exchanger, link, request)
        if operation is Operation.WRITE_ATTRIBUTES:
            self._remember_attributes(endpoint, request)
        return result

    async def _submit(self, endpoint: str, request: DeviceRequest) -> Any:
        registration = self._store.get(endpoint)
        if registration is None:
            raise DeviceNotRegisteredError(endpoint)
        if registration.pending:
            raise DevicePendingError(endpoint)
        if not registration.queue_mode:
            return await self._run(endpoint, request)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        item = QueuedRequest(request, future)
        queue = self._queue(endpoint)
        queue.push(item)
        self._emit(QueueChanged(endpoint))
        self._flush(endpoint)
        try:
            return await future
        finally:
            queue.discard(item)
            self._emit(QueueChanged(endpoint))

    def _queue(self, endpoint: str) -> RequestQueue:
        queue = self._queues.get(endpoint)
        if queue is None:
            queue = self._queues[endpoint] = RequestQueue(endpoint, self._queue_limit)
        return queue

    def _flush(self, endpoint: str) -> None:
        """Start delivering queued requests if the device is awake."""
        registration = self._store.get(endpoint)
        queue = self._queues.get(endpoint)
        if registration is None or registration.pending or not queue:
            return
        if registration.queue_mode and not self._presence.is_awake(endpoint):
            return
        running = self._flushing.get(endpoint)
        if running is not None and not running.done():
            return
        task = asyncio.get_running_loop().create_task(self._drain(endpoint, queue))
        self._flushing[endpoint] = task

    async def _drain(self, endpoint: str, queue: RequestQueue) -> None:
        while True:
            registration = self._store.get(endpoint)
            if registration is None or registration.pending:
                return
            if registration.queue_mode and not self._presence.is_awake(endpoint):
                return
            item = queue.pop()
            if item is None:
                return
            try:
                result = await self._run(endpoint, item.request)
            except RequestTimeoutError:
                queue.push_front(item)
                self._presence.asleep(endpoint)
                return
            except Exception as error:
                _settle(item, error=error)
            else:
                _settle(item, result=result)
            if item.future is None:  # an imported request: nobody's finally announces it
                self._emit(QueueChanged(endpoint))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _remember_attributes(self, endpoint: str, request: DeviceRequest) -> None:
        stored = self._attributes.setdefault(endpoint, {}).setdefault(request.path, {})
        for name, value in request.attributes:
            if value is None:
                stored.pop(name, None)
            else:
                stored[name] = value
        if not stored:
            del self._attributes[endpoint][request.path]

    # --- queue persistence ------------------------------------------------------------

    def export_queue(self) -> dict[str, list[dict[str, Any]]]:
        """Every queued request, JSON-safe, by endpoint (to save before a restart)."""
        return {
            endpoint: [item.request.to_dict() for item in queue if not item.abandoned]
            for endpoint, queue in self._queues.items()
            if len(queue)
        }

    def import_queue(self, data: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        """Queue saved requests again; nobody awaits them, results are only logged."""
        for endpoint, requests in data.items():
            queue = self._queue(endpoint)
            for entry in requests:
                queue.push(QueuedRequest(DeviceRequest.from_dict(entry)))
            self._flush(endpoint)

    # --- the queue as installers see it ------------------------------------------------

    def is_awake(self, endpoint: str) -> bool:
        """Whether a queue-mode device counts as awake now (requests go out at once)."""
        return self._presence.is_awake(endpoint)

    def queued_requests(self, endpoint: str) -> list[QueuedRequestInfo]:
        """The requests waiting for ``endpoint`` to wake up, oldest first."""
        queue = self._queues.get(endpoint)
        if queue is None:
            return []
        return [QueuedRequestInfo.of(item) for item in queue if not item.abandoned]

    def cancel_queued(self, endpoint: str, request_id: int) -> bool:
        """Drop a waiting request; whoever awaits it gets RequestCancelledError.

        False when no such request waits (it was delivered or cancelled meanwhile).
        """
        queue = self._queues.get(endpoint)
        item = None if queue is None else queue.find(request_id)
        if queue is None or item is None or item.abandoned:
            return False
        queue.discard(item)
        if item.future is None:
            self._emit(QueueChanged(endpoint))
        else:
            item.future.set_exception(RequestCancelledError(endpoint, item.request.path))
        return True

    # --- device management ------------------------------------------------------------

    async def read(
        self, endpoint: str, path: Path, *, accept: int | None = None
    ) -> dict[Path, Any]:
        result: dict[Path, Any] = await self._submit(
            endpoint, DeviceRequest(Operation.READ, path, accept=accept)
        )
        return result

    async def write(
        self,
        endpoint: str,
        path: Path,
        values: Any,
        *,
        partial: bool = False,
        content_format: int | None = None,
    ) -> None:
        """Write ``{Path: value}`` (or one value when ``path`` names a resource)."""
        request = DeviceRequest(
            Operation.WRITE,
            path,
            values=_value_items(path, values),
            partial=partial,
            content_format=content_format,
        )
        await self._submit(endpoint, request)

    async def write_attributes(
        self, endpoint: str, path: Path, **attributes: AttributeValue
    ) -> None:
        """Write-Attributes (pmin, pmax, gt, lt, st, epmin, epmax); None removes one."""
        unknown = set(attributes) - set(ATTRIBUTE_NAMES)
        if unknown:
            raise ValueError(f"unknown attributes: {', '.join(sorted(unknown))}")
        items = tuple((name, attributes[name]) for name in ATTRIBUTE_NAMES if name in attributes)
        await self._submit(
            endpoint, DeviceRequest(Operation.WRITE_ATTRIBUTES, path, attributes=items)
        )

    async def discover(self, endpoint: str, path: Path) -> list[Link]:
        result: list[Link] = await self._submit(endpoint, DeviceRequest(Operation.DISCOVER, path))
        return result

    async def execute(self, endpoint: str, path: Path, args: str | None = None) -> None:
        await self._submit(endpoint, DeviceRequest(Operation.EXECUTE, path, arguments=args))

    async def create(self, endpoint: str, path: Path, values: Mapping[Path, Any]) -> Path:
        """Create an object instance; returns its path (from the Location-Path)."""
        request = DeviceRequest(Operation.CREATE, path, values=tuple(values.items()))
        result: Path = await self._submit(endpoint, request)
        return result

    async def delete(self, endpoint: str, path: Path) -> None:
        await self._submit(endpoint, DeviceRequest(Operation.DELETE, path))

    async def observe(self, endpoint: str, path: Path, *, accept: int | None = None) -> Observation:
        """Observe ``path``; notifications arrive as NotificationReceived events."""
        result: Observation = await self._submit(
            endpoint, DeviceRequest(Operation.OBSERVE, path, accept=accept)
        )
        return result

    async def cancel_observation(self, endpoint: str, path: Path, *, active: bool = False) -> None:
        """Stop observing ``path``: forget it (passive), or tell the device (active)."""
        await self._cancel(endpoint, ObservationTarget((path,)), active)

    async def read_composite(self, endpoint: str, paths: Iterable[Path]) -> dict[Path, Any]:
        request = DeviceRequest(Operation.READ_COMPOSITE, paths=tuple(paths))
        result: dict[Path, Any] = await self._submit(endpoint, request)
        return result

    async def observe_composite(self, endpoint: str, paths: Iterable[Path]) -> Observation:
        request = DeviceRequest(Operation.OBSERVE_COMPOSITE, paths=tuple(paths))
        result: Observation = await self._submit(endpoint, request)
        return result

    async def cancel_composite_observation(
        self, endpoint: str, paths: Iterable[Path], *, active: bool = False
    ) -> None:
        await self._cancel(endpoint, ObservationTarget(tuple(paths), composite=True), active)

    async def write_composite(self, endpoint: str, values: Mapping[Path, Any]) -> None:
        request = DeviceRequest(Operation.WRITE_COMPOSITE, values=tuple(values.items()))
        await self._submit(endpoint, request)

    async def _cancel(self, endpoint: str, target: ObservationTarget, active: bool) -> None:
        if active and self._observations.token(endpoint, target) is not None:
            request = DeviceRequest(
                Operation.CANCEL_OBSERVATION,
                target.path,
                paths=target.paths if target.composite else (),
                active=True,
            )
            await self._submit(endpoint, request)
        else:
            self._observations.stop(endpoint, target, forget=True)

    async def _cancel_from_handle(
        self, endpoint: str, target: ObservationTarget, active: bool
    ) -> None:
        await self._cancel(endpoint, target, active)

    # --- for engine parts built on the server (firmware transfer) ---------------------

    def emit(self, event: LwM2MEvent) -> None:
        """Hand ``event`` to every listener, as the server's own events are."""
        self._emit(event)

    def add_resource(self, path: tuple[str, ...], extra: resource.Resource) -> None:
        """Serve ``extra`` at ``path`` on every transport, including ones attached later."""
        self._resources[path] = extra
        for transport in self._transports:
            transport.context.serversite.add_resource(path, extra)

    def local_uri_base(self, endpoint: str) -> str | None:
        """``coap://host:port`` (or ``coaps://``) of this server as the device's latest
        uplink reached it; None when unknown."""
        session = self._sessions.get(endpoint)
        if session is None:
            return None
        try:
            return str(session.remote.uri_base_local)
        except (AttributeError, ValueError, TypeError):  # no local address was recorded
            return None

    def is_observed(self, endpoint: str, path: Path) -> bool:
        """Whether an observation the server keeps covers ``path`` (or an ancestor)."""
        return any(
            observed.is_prefix_of(path)
            for target in self._observations.remembered(endpoint)
            for observed in target.paths
        )

    async def request_raw(
        self, endpoint: str, code: Code, path: Path, **options: Any
    ) -> aiocoap.Message:
        """One CoAP request to a registered device, its response returned whatever its
        code: no block-wise handling, no format negotiation, no queueing (the device must
        be reachable now). For transfers that drive block options themselves."""
        link = self._link(endpoint)
        message = self._exchanger.message(link, code, path, **options)
        exchange = await self._exchanger.send(link, message, path, blockwise=False)
        return exchange.response


def _target_of(request: DeviceRequest) -> ObservationTarget:
    if request.paths:
        return ObservationTarget(request.paths, composite=True)
    return ObservationTarget((request.path,))


def _value_items(path: Path, values: Any) -> tuple[tuple[Path, Any], ...]:
    if isinstance(values, Mapping):
        return tuple(values.items())
    if len(path) < 3:
        raise ValueError(f"{path}: give {{Path: value}} to write an instance")
    return ((path, values),)


def _settle(item: QueuedRequest, *, result: Any = None, error: Exception | None = None) -> None:
    future = item.future
    if future is None:
        if error is not None:
            _LOGGER.warning(
                "queued %s on %s failed: %s", item.request.operation.value, item.request.path, error
            )
        return
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
