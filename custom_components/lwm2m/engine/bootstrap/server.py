"""BootstrapServer: the LwM2M bootstrap server, on its own port.

A device asks with ``POST /bs?ep={endpoint}[&pct={format}]``. The server answers 2.04
when the endpoint has a credentials row (and, over DTLS, when the device's bootstrap
PSK identity is that row's), then configures the device on its own, in the row's
terms: see :mod:`.bootstrap_sequence` for the steps and :mod:`.bootstrap_plan` for
what is written. Unknown endpoints get 4.03, malformed requests 4.00.

The credentials are the same :class:`CredentialStore` object the LwM2M server uses:
an import that updates it updates both servers at once.

    server = BootstrapServer(store, registry, host="192.0.2.10", port=5783,
                             secure_port=5784, server_uri="coap://192.0.2.10:5683",
                             secure_server_uri="coaps://192.0.2.10:5684")
    remove = server.add_listener(print)  # BootstrapStarted / Finished / Failed
    await server.start()
    ...
    await server.stop()
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable
from typing import Any

import aiocoap
from aiocoap import resource
from aiocoap.numbers.codes import Code
from aiocoap.numbers.constants import TransportTuning
from aiocoap.util import hostportjoin, hostportsplit

from ..clock import Clock, LoopClock
from ..credentials.records import DeviceCredentials, SecurityMode
from ..credentials.store import CredentialStore, Revocation
from ..dtls import DtlsSettings
from ..events import EventListeners, Listener, LwM2MEvent
from ..log_once import LogOnce
from ..model.types import ObjectLookup
from ..requests.exchange import DEFAULT_ACCEPT_TIMEOUT, DeviceLink, Exchanger, tuning
from ..requests.negotiation import FormatMemory, Negotiator
from ..transport.served_ports import ServedPorts
from ..transport.udp import Transport, bind_udp, peer_identity
from ..transport.uplink import answer
from .events import BootstrapFailed, BootstrapFinished, BootstrapStarted
from .plan import DEFAULT_LIFETIME
from .request import BadBootstrapRequestError, parse_bootstrap_request
from .sequence import BootstrapSequence, Destination, RetryPolicy, StepFailedError

_LOGGER = logging.getLogger(__name__)

DEFAULT_BOOTSTRAP_PORT = 5783
_DEFAULT_PORTS = {"coap": 5683, "coaps": 5684}


class _RefusedError(Exception):
    """A Bootstrap-Request answered with 4.03; the message is the reason sent back."""


class _BootstrapRequestResource(resource.Resource):  # type: ignore[misc]
    def __init__(self, server: BootstrapServer, transport: Transport) -> None:
        super().__init__()
        self._server = server
        self._transport = transport

    def get_link_description(self) -> Any:
        return None

    async def render_post(self, request: aiocoap.Message) -> aiocoap.Message:
        return self._server._handle_request(self._transport, request)


class BootstrapServer(ServedPorts):
    """Client-initiated bootstrap over CoAP (``port``) and, optionally, DTLS-PSK.

    ``secure_port`` serves coaps:// with the devices' bootstrap PSKs (on ``host``,
    the any-address included; 0 picks a free port); when DTLS cannot run here, only
    plain CoAP is served and ``dtls_unavailable_reason`` says why.

    The LwM2M server URI written to a device is its row's ``lwm2m server url``, else
    ``secure_server_uri`` (PSK rows) or ``server_uri`` (NO_SEC rows); a row without any
    is refused with 4.03. The bootstrap account written for rows that ask for one
    points to ``bootstrap_uri``, else to the address the device reached this server
    on. ``lifetime`` is the registration lifetime for rows that set none.

    Each step is tried ``attempts`` times with ``retry_delay``, doubling, in between
    (time from ``clock``); ``response_timeout`` bounds the wait for the response to an
    acknowledged request (None: CoAP's EXCHANGE_LIFETIME); ``request_timeout`` caps each
    request (None: CoAP's own
    retransmission span).
    """

    _role = "bootstrap server"

    def __init__(
        self,
        credentials: CredentialStore,
        registry: ObjectLookup,
        *,
        host: str = "::",
        port: int = DEFAULT_BOOTSTRAP_PORT,
        secure_port: int | None = None,
        server_uri: str | None = None,
        secure_server_uri: str | None = None,
        bootstrap_uri: str | None = None,
        lifetime: int = DEFAULT_LIFETIME,
        dtls_settings: DtlsSettings | None = None,
        clock: Clock | None = None,
        attempts: int = 3,
        retry_delay: float = 1.0,
        request_timeout: float | None = None,
        response_timeout: float | None = None,
        coap_tuning: TransportTuning | None = None,
    ) -> None:
        self.credentials = credentials
        self.registry = registry
        self.host = host
        self.server_uri = server_uri
        self.secure_server_uri = secure_server_uri
        self.bootstrap_uri = bootstrap_uri
        self.lifetime = lifetime
        super().__init__(host, secure_port, dtls_settings)
        self._requested_port = port
        self._clock: Clock = clock or LoopClock()
        self._retry = RetryPolicy(attempts, retry_delay)
        self._log_once = LogOnce(_LOGGER)
        self._exchanger = Exchanger(
            tuning=coap_tuning or tuning(),
            request_timeout=request_timeout,
            response_timeout=response_timeout,
            accept_timeout=DEFAULT_ACCEPT_TIMEOUT,
            log_once=self._log_once,
            clock=self._clock,
        )
        self._events = EventListeners(_LOGGER)
        self._running: dict[str, asyncio.Task[None]] = {}
        self._stop_revocations: Callable[[], None] | None = None

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the UDP port (and the secure port); OSError when one is taken."""
        if self._transports:
            raise RuntimeError("the bootstrap server is already running")
        plain = await bind_udp(self.host, self._requested_port, None)
        self._attach(plain, secure=False)
        self._stop_revocations = self.credentials.add_revocation_listener(self._revoked)
        if self._secure is None:
            return
        try:
            secure = await self._secure.open(self.credentials.bootstrap_lookup, self)
        except BaseException:
            await self.stop()
            raise
        if secure is not None:
            self._attach(secure, secure=True)

    def _attach(self, context: aiocoap.Context, *, secure: bool) -> None:
        transport = Transport(context, secure)
        site = resource.Site()
        site.add_resource(["bs"], _BootstrapRequestResource(self, transport))
        context.serversite = site
        self._transports.append(transport)

    async def stop(self) -> None:
        """Abandon running bootstraps and close the ports."""
        if self._stop_revocations is not None:
            self._stop_revocations()
            self._stop_revocations = None
        running, self._running = self._running, {}
        for task in running.values():
            task.cancel()
        await asyncio.gather(*running.values(), return_exceptions=True)
        await self._close_ports()

    def _revoked(self, revocation: Revocation) -> None:
        """Bootstrap credentials were changed or removed: their DTLS sessions end."""
        endpoint = self.dtls_endpoint
        if endpoint is not None:
            for identity in revocation.bootstrap_identities:
                endpoint.close_sessions(identity)

    @property
    def active(self) -> frozenset[str]:
        """Endpoints being bootstrapped right now."""
        return frozenset(self._running)

    # --- events -----------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns a function that removes it."""
        return self._events.add(callback)

    def _emit(self, event: LwM2MEvent) -> None:
        self._events.emit(event)

    # --- Bootstrap-Request ------------------------------------------------------------

    def _handle_request(self, transport: Transport, request: aiocoap.Message) -> aiocoap.Message:
        try:
            parsed = parse_bootstrap_request(request.opt.uri_query)
        except BadBootstrapRequestError as error:
            self._log_once(
                f"bad-bootstrap:{error}",
                "refused a Bootstrap-Request from %s: %s",
                request.remote,
                error,
            )
            return answer(Code.BAD_REQUEST, str(error))
        try:
            credentials, server_uri = self._admit(transport, request, parsed.endpoint)
        except _RefusedError as refusal:
            reason = str(refusal)
            self._log_once(
                f"bootstrap-refused:{reason}",
                "refused the bootstrap of %r: %s",
                parsed.endpoint,
                reason,
            )
            self._emit(BootstrapFailed(parsed.endpoint, step="request", code="4.03", reason=reason))
            return answer(Code.FORBIDDEN, reason)
        destination = Destination(
            server_uri=server_uri,
            bootstrap_uri=self.bootstrap_uri or _local_uri(request.remote, transport.secure),
            lifetime=self.lifetime,
        )
        link = DeviceLink(
            endpoint=parsed.endpoint,
            transport=transport,
            remote=request.remote,
            root=(),
            model=self.registry,
            formats=_negotiator(parsed.preferred_format),
        )
        sequence = BootstrapSequence(
            self._exchanger,
            link,
            credentials,
            destination,
            retry=self._retry,
            clock=self._clock,
            log_once=self._log_once,
        )
        self._start(parsed.endpoint, sequence, transport.secure, parsed.preferred_format)
        return answer(Code.CHANGED)

    def _admit(
        self, transport: Transport, request: aiocoap.Message, endpoint: str
    ) -> tuple[DeviceCredentials, str]:
        """The endpoint's credentials and the server URI to hand it, or _RefusedError."""
        credentials = self.credentials.get(endpoint)
        if credentials is None:
            raise _RefusedError("unknown endpoint")
        if transport.secure:
            identity = peer_identity(request.remote)
            owner = (
                None
                if identity is None
                else self.credentials.endpoint_for_bootstrap_identity(identity)
            )
            if owner != endpoint:
                raise _RefusedError("identity does not match endpoint")
        elif credentials.security_mode is SecurityMode.PSK:
            raise _RefusedError("endpoint requires DTLS")
        server_uri = self._server_uri(credentials)
        if server_uri is None:
            raise _RefusedError("no LwM2M server URI to hand out")
        return credentials, server_uri

    def _server_uri(self, credentials: DeviceCredentials) -> str | None:
        if credentials.server_url:
            return credentials.server_url
        if credentials.security_mode is SecurityMode.PSK:
            return self.secure_server_uri
        return self.server_uri

    # --- running bootstraps -----------------------------------------------------------

    def _start(
        self, endpoint: str, sequence: BootstrapSequence, secure: bool, fmt: int | None
    ) -> None:
        previous = self._running.pop(endpoint, None)
        if previous is not None:
            previous.cancel()
        loop = asyncio.get_running_loop()
        task = loop.create_task(self._run(endpoint, sequence, secure, fmt))
        self._running[endpoint] = task

    async def _run(
        self, endpoint: str, sequence: BootstrapSequence, secure: bool, fmt: int | None
    ) -> None:
        started = self._clock.time()
        self._emit(BootstrapStarted(endpoint, secure=secure, content_format=fmt))
        try:
            plan = await sequence.run()
        except StepFailedError as failure:
            # Failures are also events; a hostile peer must not flood the log with them.
            self._log_once(
                f"failed:{failure.step}", "bootstrap of %r failed: %s", endpoint, failure
            )
            self._emit(
                BootstrapFailed(
                    endpoint,
                    step=failure.step,
                    code=failure.code,
                    reason=failure.reason,
                    attempts=failure.attempts,
                )
            )
        except Exception as error:
            self._log_once("failed:sequence", "bootstrap of %r failed: %s", endpoint, error)
            self._emit(BootstrapFailed(endpoint, step="sequence", reason=str(error)))
        else:
            self._emit(
                BootstrapFinished(
                    endpoint,
                    security_instance=plan.security_instance,
                    server_instance=plan.server_instance,
                    bootstrap_instance=plan.bootstrap_instance,
                    duration=self._clock.time() - started,
                )
            )
        finally:
            if self._running.get(endpoint) is asyncio.current_task():
                del self._running[endpoint]


def _negotiator(preferred: int | None) -> Negotiator:
    """Writes go in the client's format, falling back to TLV when it refuses it."""
    if preferred is None:
        return Negotiator("1.0", (), FormatMemory())
    return Negotiator("1.1", (preferred,), FormatMemory())


def _local_uri(remote: Any, secure: bool) -> str:
    """``coap[s]://host:port`` of the address the device sent its request to."""
    scheme = "coaps" if secure else "coap"
    host, port = hostportsplit(remote.hostinfo_local)
    try:
        mapped = ipaddress.IPv6Address(host.split("%", 1)[0]).ipv4_mapped
    except ValueError:
        mapped = None
    if mapped is not None:
        host = str(mapped)
    return f"{scheme}://{hostportjoin(host, port or _DEFAULT_PORTS[scheme])}"
