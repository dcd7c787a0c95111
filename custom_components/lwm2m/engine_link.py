"""The engine as the Home Assistant face sees it: the servers' API it calls, and their creation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant

from .const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
)
from .engine.bootstrap.server import BootstrapServer
from .engine.codec import Link
from .engine.credentials.csv_import import DeviceCredentials
from .engine.credentials.store import CredentialStore, SecurityPolicy
from .engine.dtls import DtlsSettings, DtlsStats, dtls_status
from .engine.events import LwM2MEvent
from .engine.firmware.updater import (
    DeliveryMethod,
    FirmwareImage,
    FirmwareStatus,
    FirmwareUpdater,
    ImageSource,
)
from .engine.model import ObjectRegistry
from .engine.path import Path
from .engine.registration.record import Registration
from .engine.server.lwm2m_server import LwM2MServer
from .engine.server.queue import QueuedRequestInfo
from .ports import server_host

# The registration lifetime the bootstrap server writes for rows that name none.
BOOTSTRAP_LIFETIME = 86400
# DTLS sessions on the LwM2M port must outlive the quietest device: one that sends
# nothing but its registration update, once per lifetime. An hour of margin on top.
LWM2M_DTLS_IDLE_MARGIN = 3600.0
# A bootstrap is a handful of exchanges and the device moves on to the LwM2M server:
# a session silent for five minutes (longer than one CoAP request's whole
# retransmission wait, with the step's retries) is over.
BOOTSTRAP_DTLS_IDLE_TIMEOUT = 300.0


class ObservationHandle(Protocol):
    async def cancel(self, *, active: bool = False) -> None: ...


class ServerAPI(Protocol):
    """The public API of the engine's ``LwM2MServer`` this integration uses."""

    @property
    def port(self) -> int: ...

    @property
    def secure_port(self) -> int | None: ...

    @property
    def dtls_unavailable_reason(self) -> str | None: ...

    @property
    def registrations(self) -> Mapping[str, Registration]: ...

    @property
    def dtls_stats(self) -> DtlsStats | None: ...

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def add_listener(self, listener: Callable[[LwM2MEvent], None]) -> Callable[[], None]: ...
    def add_capacity_listener(self, listener: Callable[[bool], None]) -> Callable[[], None]: ...
    async def read(
        self, endpoint: str, path: Path, *, accept: int | None = None
    ) -> dict[Path, Any]: ...
    async def write(
        self,
        endpoint: str,
        path: Path,
        values: Mapping[Path, Any],
        *,
        partial: bool = False,
        content_format: int | None = None,
    ) -> None: ...
    async def write_attributes(self, endpoint: str, path: Path, **attributes: Any) -> None: ...
    async def discover(self, endpoint: str, path: Path) -> list[Link]: ...
    async def execute(self, endpoint: str, path: Path, args: str | None = None) -> None: ...
    async def create(self, endpoint: str, path: Path, values: Mapping[Path, Any]) -> Path: ...
    async def delete(self, endpoint: str, path: Path) -> None: ...
    async def observe(
        self, endpoint: str, path: Path, *, accept: int | None = None
    ) -> ObservationHandle: ...
    async def cancel_observation(
        self, endpoint: str, path: Path, *, active: bool = False
    ) -> None: ...
    def is_observed(self, endpoint: str, path: Path) -> bool: ...
    def is_awake(self, endpoint: str) -> bool: ...
    def queued_requests(self, endpoint: str) -> list[QueuedRequestInfo]: ...
    def cancel_queued(self, endpoint: str, request_id: int) -> bool: ...
    def accept_pending(self, endpoint: str) -> Registration: ...
    def reject_pending(self, endpoint: str) -> None: ...
    def export_queue(self) -> Mapping[str, list[dict[str, Any]]]: ...
    def import_queue(self, data: Mapping[str, Any]) -> None: ...


class FirmwareAPI(Protocol):
    """The public API of the engine's ``FirmwareUpdater`` this integration uses."""

    def status(self, endpoint: str) -> FirmwareStatus: ...
    def start(
        self, endpoint: str, image: ImageSource, *, method: DeliveryMethod = ...
    ) -> FirmwareStatus: ...
    async def wait(self, endpoint: str) -> FirmwareStatus: ...
    async def cancel(self, endpoint: str) -> FirmwareStatus: ...
    def export_state(self) -> dict[str, Any]: ...
    def import_state(
        self, data: Mapping[str, Any], images: Callable[[str], FirmwareImage | None]
    ) -> None: ...
    async def close(self) -> None: ...


class BootstrapAPI(Protocol):
    """The public API of the engine's ``BootstrapServer`` this integration uses."""

    @property
    def port(self) -> int: ...

    @property
    def secure_port(self) -> int | None: ...

    @property
    def dtls_unavailable_reason(self) -> str | None: ...

    @property
    def dtls_stats(self) -> DtlsStats | None: ...

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def add_listener(self, listener: Callable[[LwM2MEvent], None]) -> Callable[[], None]: ...
    def add_capacity_listener(self, listener: Callable[[bool], None]) -> Callable[[], None]: ...


@dataclass(frozen=True, slots=True)
class DtlsProblem:
    """A coaps:// port the configuration asks for that is not served, and why."""

    port: int
    reason: str


@dataclass(slots=True)
class Engine:
    """A created engine: the LwM2M server, the bootstrap server, and their credentials.

    Both servers read the same credential store: ``set_credentials`` changes it for
    both at once.
    """

    server: ServerAPI
    set_credentials: Callable[[Mapping[str, DeviceCredentials]], None]
    bootstrap: BootstrapAPI | None = None
    host: str | None = None  # the address the servers bind (None: not known)
    coaps_port: int | None = None  # the secure ports the configuration asks for
    bootstraps_port: int | None = None
    firmware: FirmwareAPI | None = None  # firmware updates of the server's devices

    def dtls_problems(self) -> list[DtlsProblem]:
        """The secure ports that are not served because DTLS cannot run; call after start."""
        problems = []
        for port, reason in (
            (self.coaps_port, self.server.dtls_unavailable_reason),
            (self.bootstraps_port, _bootstrap_reason(self.bootstrap)),
        ):
            if port is not None and reason is not None:
                problems.append(DtlsProblem(port, reason))
        return problems


def _bootstrap_reason(bootstrap: BootstrapAPI | None) -> str | None:
    return None if bootstrap is None else bootstrap.dtls_unavailable_reason


@dataclass(frozen=True, slots=True)
class DeviceURIs:
    """The LwM2M server URIs the bootstrap server writes: NO_SEC rows, PSK rows."""

    plain: str
    secure: str


def device_uris(config: Mapping[str, Any]) -> DeviceURIs:
    """Both URIs from the one the installer entered, on the host they entered.

    The entered URI is kept as it is for its own scheme (its port may be a forwarded
    one); the other scheme gets the configured port of that server.
    """
    entered = str(config[CONF_SERVER_URI])
    parts = urlsplit(entered)
    host = parts.hostname or ""
    authority = f"[{host}]" if ":" in host else host
    plain = f"coap://{authority}:{config[CONF_COAP_PORT]}"
    secure = f"coaps://{authority}:{config[CONF_COAPS_PORT]}"
    if parts.scheme == "coaps":
        return DeviceURIs(plain=plain, secure=entered)
    return DeviceURIs(plain=entered, secure=secure)


def advertised_host(config: Mapping[str, Any]) -> str | None:
    """The host devices reach the server at: the one in the configured server URI.

    Download URIs carry it, so they work when the server listens on every address.
    """
    try:
        return urlsplit(str(config.get(CONF_SERVER_URI, ""))).hostname or None
    except ValueError:
        return None


def lwm2m_dtls_settings(credentials: Mapping[str, DeviceCredentials]) -> DtlsSettings:
    """DTLS settings of the LwM2M port: sessions outlive every lifetime handed out."""
    longest = max(
        [BOOTSTRAP_LIFETIME]
        + [
            record.registration_lifetime
            for record in credentials.values()
            if record.registration_lifetime is not None
        ]
    )
    default = DtlsSettings().idle_timeout
    return DtlsSettings(idle_timeout=max(default, longest + LWM2M_DTLS_IDLE_MARGIN))


def bootstrap_dtls_settings() -> DtlsSettings:
    """DTLS settings of the bootstrap port: short-lived sessions are let go soon."""
    return DtlsSettings(idle_timeout=BOOTSTRAP_DTLS_IDLE_TIMEOUT)


def _prepare(address: str) -> str:
    """Blocking preparation: the address to bind, and DTLS's imports done off the loop."""
    dtls_status()
    return server_host(address)


async def async_create_engine(
    hass: HomeAssistant,
    config: Mapping[str, Any],
    registry: ObjectRegistry,
    credentials: Mapping[str, DeviceCredentials],
) -> Engine:
    """Both servers for the config entry's settings; nothing is bound until they start.

    Each serves its plain port and, when DTLS can run here, its secure port; both are
    keyed from one credential store, so imported PSKs apply to both at once.
    """
    host = await hass.async_add_executor_job(_prepare, config[CONF_BIND_ADDRESS])
    store = CredentialStore(credentials.values())
    uris = device_uris(config)
    server = LwM2MServer(
        registry,
        host=host,
        port=config[CONF_COAP_PORT],
        policy=SecurityPolicy(config[CONF_SECURITY_POLICY]),
        credentials=store,
        secure_port=config[CONF_COAPS_PORT],
        dtls_settings=lwm2m_dtls_settings(credentials),
    )
    bootstrap = BootstrapServer(
        store,
        registry,
        host=host,
        port=config[CONF_BOOTSTRAP_PORT],
        secure_port=config[CONF_BOOTSTRAPS_PORT],
        server_uri=uris.plain,
        secure_server_uri=uris.secure,
        lifetime=BOOTSTRAP_LIFETIME,
        dtls_settings=bootstrap_dtls_settings(),
    )
    api: ServerAPI = server
    bootstrap_api: BootstrapAPI = bootstrap
    firmware: FirmwareAPI = FirmwareUpdater(server, advertised_host=advertised_host(config))
    return Engine(
        server=api,
        set_credentials=lambda records: store.set_all(records.values()),
        bootstrap=bootstrap_api,
        host=host,
        coaps_port=config[CONF_COAPS_PORT],
        bootstraps_port=config[CONF_BOOTSTRAPS_PORT],
        firmware=firmware,
    )
