"""The engine as the Home Assistant face sees it: the server API it calls, and its creation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant

from .const import (
    CONF_BIND_ADDRESS,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
)
from .engine.codec import Link
from .engine.credentials_csv import DeviceCredentials
from .engine.dtls import create_dtls_context
from .engine.events import LwM2MEvent
from .engine.firmware import DeliveryMethod, FirmwareImage, FirmwareStatus, FirmwareUpdater
from .engine.model import ObjectRegistry
from .engine.path import Path
from .engine.registration import Registration
from .engine.security import CredentialStore, SecurityPolicy
from .engine.server import LwM2MServer


class ObservationHandle(Protocol):
    async def cancel(self, *, active: bool = False) -> None: ...


class ServerAPI(Protocol):
    """The public API of the engine's ``LwM2MServer`` this integration uses."""

    @property
    def port(self) -> int: ...

    @property
    def registrations(self) -> Mapping[str, Registration]: ...

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def add_listener(self, listener: Callable[[LwM2MEvent], None]) -> Callable[[], None]: ...
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
    def accept_pending(self, endpoint: str) -> Registration: ...
    def reject_pending(self, endpoint: str) -> None: ...
    def export_queue(self) -> Mapping[str, list[dict[str, Any]]]: ...
    def import_queue(self, data: Mapping[str, Any]) -> None: ...


class FirmwareAPI(Protocol):
    """The public API of the engine's ``FirmwareUpdater`` this integration uses."""

    def status(self, endpoint: str) -> FirmwareStatus: ...
    def start(
        self, endpoint: str, image: FirmwareImage, *, method: DeliveryMethod = ...
    ) -> FirmwareStatus: ...
    async def wait(self, endpoint: str) -> FirmwareStatus: ...
    async def cancel(self, endpoint: str) -> FirmwareStatus: ...
    def export_state(self) -> dict[str, Any]: ...
    def import_state(
        self, data: Mapping[str, Any], images: Callable[[str], FirmwareImage | None]
    ) -> None: ...
    async def close(self) -> None: ...


@dataclass(slots=True)
class Engine:
    """A created engine: its server and the hooks the hub needs beside the server API."""

    server: ServerAPI
    set_credentials: Callable[[Mapping[str, DeviceCredentials]], None]
    start_secure: Callable[[], Awaitable[None]] | None = None  # after server.start()
    firmware: FirmwareAPI | None = None  # firmware updates of the server's devices


def advertised_host(config: Mapping[str, Any]) -> str | None:
    """The host devices reach the server at: the one in the configured server URI.

    Download URIs carry it, so they work when the server listens on every address.
    """
    try:
        return urlsplit(str(config.get(CONF_SERVER_URI, ""))).hostname or None
    except ValueError:
        return None


async def async_create_engine(
    hass: HomeAssistant,
    config: Mapping[str, Any],
    registry: ObjectRegistry,
    credentials: Mapping[str, DeviceCredentials],
) -> Engine:
    """The engine for the config entry's settings; nothing is bound until it starts.

    The plain CoAP port belongs to the server itself; the CoAPs port is a DTLS transport
    attached to it, sharing its credential store, so imported PSKs apply at once.
    """
    store = CredentialStore(credentials.values())
    server = LwM2MServer(
        registry,
        host=config[CONF_BIND_ADDRESS],
        port=config[CONF_COAP_PORT],
        policy=SecurityPolicy(config[CONF_SECURITY_POLICY]),
        credentials=store,
    )

    async def start_secure() -> None:
        # Any bind address the plain port takes, 0.0.0.0 and :: included: the DTLS
        # transport answers each device from the address the device wrote to.
        bind = (config[CONF_BIND_ADDRESS], config[CONF_COAPS_PORT])
        context, _endpoint = await create_dtls_context(None, bind, server.credentials)
        server.attach_transport(context, secure=True)

    api: ServerAPI = server
    firmware: FirmwareAPI = FirmwareUpdater(server, advertised_host=advertised_host(config))
    return Engine(
        server=api,
        set_credentials=lambda records: store.set_all(records.values()),
        start_secure=start_secure,
        firmware=firmware,
    )
