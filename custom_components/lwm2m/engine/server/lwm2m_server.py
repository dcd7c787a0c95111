"""LwM2MServer: the LwM2M server's public face.

It serves the registration interface (/rd) and Send (/dp) on one UDP port (more
transports, such as DTLS, can be attached), emits typed events to listeners, and offers
the device-management operations as coroutines. Requests to a queue-mode device are
queued while it sleeps and delivered in order on its next uplink.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import aiocoap
from aiocoap import resource
from aiocoap.numbers.codes import Code
from aiocoap.numbers.constants import TransportTuning

from ..clock import Clock, LoopClock
from ..codec import Link
from ..credentials.store import CredentialStore, Revocation
from ..dtls import DtlsSettings
from ..events import EventListeners, Listener, LwM2MEvent
from ..log_once import LogOnce
from ..model.types import ObjectLookup
from ..path import Path
from ..registration.admission import SecurityPolicy
from ..registration.record import Registration
from ..registration.registrar import Registrar
from ..registration.routes import Routes
from ..registration.store import DEFAULT_GRACE_PERIOD, RegistrationStore
from ..requests.exchange import DEFAULT_ACCEPT_TIMEOUT, Exchanger, tuning
from ..requests.request import AttributeValue, DeviceRequest, Operation
from ..transport.served_ports import ServedPorts
from ..transport.udp import Transport, bind_udp, reset_unknown_notifications
from .dispatcher import RequestDispatcher
from .observations import Observation, ObservationTarget
from .presence import DEFAULT_AWAKE_WINDOW
from .queue import DEFAULT_QUEUE_LIMIT, QueuedRequestInfo
from .resources import build_site
from .send import SendHandler

_LOGGER = logging.getLogger(__name__)

ATTRIBUTE_NAMES = ("pmin", "pmax", "gt", "lt", "st", "epmin", "epmax")


class LwM2MServer(ServedPorts):
    """An LwM2M server on one UDP port.

    ``policy`` and ``credentials`` decide who may register (see :mod:`.security`);
    ``clock`` drives lifetimes and awake windows; ``grace_period`` is added to each
    lifetime before a registration expires; ``awake_window`` is how long a queue-mode
    device counts as awake after an uplink; ``queue_limit`` bounds each device's queue;
    ``request_timeout`` caps every request (None: CoAP's own retransmission limit);
    ``response_timeout`` is how long a request the device acknowledged may wait for its
    response, counted on ``clock`` from the moment it is sent (None: CoAP's
    EXCHANGE_LIFETIME, 247 s with the default ``coap_tuning``); ``accept_timeout`` is
    how long a first request with an Accept option, or a first composite request, may
    go unanswered before the server tries without it.

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
        response_timeout: float | None = None,
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
        self._store = RegistrationStore(
            self._clock, grace_period, lambda registration: self._registrar.expired(registration)
        )
        self._routes = Routes()
        exchanger = Exchanger(
            tuning=coap_tuning or tuning(),
            request_timeout=request_timeout,
            response_timeout=response_timeout,
            accept_timeout=accept_timeout,
            log_once=self._log_once,
            clock=self._clock,
        )
        self._dispatcher = RequestDispatcher(
            self._store,
            self._routes,
            registry,
            exchanger,
            self._emit,
            self._clock,
            self._log_once,
            awake_window=awake_window,
            queue_limit=queue_limit,
        )
        store = credentials if credentials is not None else CredentialStore()
        self._registrar = Registrar(
            self._store,
            self._routes,
            self._dispatcher,
            self._emit,
            self._clock,
            self._log_once,
            policy=policy,
            credentials=store,
        )
        self._send = SendHandler(
            self._store,
            self._routes,
            store,
            registry,
            self._dispatcher,
            self._emit,
            self._clock,
            self._log_once,
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
            secure_context = await self._secure.open(self.credentials.lookup, self)
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
        context.serversite = build_site(self._registrar, self._send, transport)
        for path, extra in self._resources.items():
            context.serversite.add_resource(path, extra)
        self._transports.append(transport)
        return transport

    async def stop(self) -> None:
        if self._stop_revocations is not None:
            self._stop_revocations()
            self._stop_revocations = None
        self._dispatcher.close()
        self._store.clear()
        self._routes.clear()
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
        return self._registrar.accept(endpoint)

    def reject_pending(self, endpoint: str) -> None:
        """Drop a held endpoint and refuse its registrations (4.03) from now on."""
        self._registrar.reject(endpoint)

    def unblock(self, endpoint: str) -> None:
        self._registrar.blocked.discard(endpoint)

    def _revoked(self, revocation: Revocation) -> None:
        """Credentials were changed or removed: what they opened ends now.

        DTLS sessions authenticated with a revoked identity are closed; the registrar
        ends the registrations the changed credentials no longer admit.
        """
        endpoint = self.dtls_endpoint
        if endpoint is not None:
            for identity in revocation.identities:
                endpoint.close_sessions(identity)
        self._registrar.revoke(revocation.endpoints, revocation.identities)

    def peer_moved(self, remote: Any) -> None:
        """A device's DTLS session follows it to a new address (RFC 9146 6): so do its
        registration's address and every request to it."""
        self._registrar.peer_moved(remote)

    # --- events -----------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns a function that removes it."""
        return self._events.add(callback)

    def _emit(self, event: LwM2MEvent) -> None:
        self._events.emit(event)

    # --- queue persistence ------------------------------------------------------------

    def export_queue(self) -> dict[str, list[dict[str, Any]]]:
        """Every queued request, JSON-safe, by endpoint (to save before a restart)."""
        return self._dispatcher.export_queue()

    def import_queue(self, data: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        """Queue saved requests again; nobody awaits them, results are only logged."""
        self._dispatcher.import_queue(data)

    # --- the queue as installers see it ------------------------------------------------

    def is_awake(self, endpoint: str) -> bool:
        """Whether a queue-mode device counts as awake now (requests go out at once)."""
        return self._dispatcher.is_awake(endpoint)

    def queued_requests(self, endpoint: str) -> list[QueuedRequestInfo]:
        """The requests waiting for ``endpoint`` to wake up, oldest first."""
        return self._dispatcher.queued_requests(endpoint)

    def cancel_queued(self, endpoint: str, request_id: int) -> bool:
        """Drop a waiting request; whoever awaits it gets RequestCancelledError.

        False when no such request waits (it was delivered or cancelled meanwhile).
        """
        return self._dispatcher.cancel_queued(endpoint, request_id)

    # --- device management ------------------------------------------------------------

    async def read(
        self, endpoint: str, path: Path, *, accept: int | None = None
    ) -> dict[Path, Any]:
        result: dict[Path, Any] = await self._dispatcher.submit(
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
        await self._dispatcher.submit(endpoint, request)

    async def write_attributes(
        self, endpoint: str, path: Path, **attributes: AttributeValue
    ) -> None:
        """Write-Attributes (pmin, pmax, gt, lt, st, epmin, epmax); None removes one."""
        unknown = set(attributes) - set(ATTRIBUTE_NAMES)
        if unknown:
            raise ValueError(f"unknown attributes: {', '.join(sorted(unknown))}")
        items = tuple((name, attributes[name]) for name in ATTRIBUTE_NAMES if name in attributes)
        await self._dispatcher.submit(
            endpoint, DeviceRequest(Operation.WRITE_ATTRIBUTES, path, attributes=items)
        )

    async def discover(self, endpoint: str, path: Path) -> list[Link]:
        result: list[Link] = await self._dispatcher.submit(
            endpoint, DeviceRequest(Operation.DISCOVER, path)
        )
        return result

    async def execute(self, endpoint: str, path: Path, args: str | None = None) -> None:
        await self._dispatcher.submit(
            endpoint, DeviceRequest(Operation.EXECUTE, path, arguments=args)
        )

    async def create(self, endpoint: str, path: Path, values: Mapping[Path, Any]) -> Path:
        """Create an object instance; returns its path (from the Location-Path)."""
        request = DeviceRequest(Operation.CREATE, path, values=tuple(values.items()))
        result: Path = await self._dispatcher.submit(endpoint, request)
        return result

    async def delete(self, endpoint: str, path: Path) -> None:
        await self._dispatcher.submit(endpoint, DeviceRequest(Operation.DELETE, path))

    async def observe(self, endpoint: str, path: Path, *, accept: int | None = None) -> Observation:
        """Observe ``path``; notifications arrive as NotificationReceived events."""
        result: Observation = await self._dispatcher.submit(
            endpoint, DeviceRequest(Operation.OBSERVE, path, accept=accept)
        )
        return result

    async def cancel_observation(self, endpoint: str, path: Path, *, active: bool = False) -> None:
        """Stop observing ``path``: forget it (passive), or tell the device (active)."""
        await self._dispatcher.cancel_observation(endpoint, ObservationTarget((path,)), active)

    async def read_composite(self, endpoint: str, paths: Iterable[Path]) -> dict[Path, Any]:
        request = DeviceRequest(Operation.READ_COMPOSITE, paths=tuple(paths))
        result: dict[Path, Any] = await self._dispatcher.submit(endpoint, request)
        return result

    async def observe_composite(self, endpoint: str, paths: Iterable[Path]) -> Observation:
        request = DeviceRequest(Operation.OBSERVE_COMPOSITE, paths=tuple(paths))
        result: Observation = await self._dispatcher.submit(endpoint, request)
        return result

    async def cancel_composite_observation(
        self, endpoint: str, paths: Iterable[Path], *, active: bool = False
    ) -> None:
        await self._dispatcher.cancel_observation(
            endpoint, ObservationTarget(tuple(paths), composite=True), active
        )

    async def write_composite(self, endpoint: str, values: Mapping[Path, Any]) -> None:
        request = DeviceRequest(Operation.WRITE_COMPOSITE, values=tuple(values.items()))
        await self._dispatcher.submit(endpoint, request)

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
        route = self._routes.get(endpoint)
        if route is None:
            return None
        try:
            return str(route.remote.uri_base_local)
        except (AttributeError, ValueError, TypeError):  # no local address was recorded
            return None

    def is_observed(self, endpoint: str, path: Path) -> bool:
        """Whether an observation the server keeps covers ``path`` (or an ancestor)."""
        return self._dispatcher.is_observed(endpoint, path)

    async def request_raw(
        self, endpoint: str, code: Code, path: Path, **options: Any
    ) -> aiocoap.Message:
        """One CoAP request to a registered device, its response returned whatever its
        code: no block-wise handling, no format negotiation, no queueing (the device must
        be reachable now). For transfers that drive block options themselves."""
        return await self._dispatcher.raw(endpoint, code, path, **options)


def _value_items(path: Path, values: Any) -> tuple[tuple[Path, Any], ...]:
    if isinstance(values, Mapping):
        return tuple(values.items())
    if len(path) < 3:
        raise ValueError(f"{path}: give {{Path: value}} to write an instance")
    return ((path, values),)
