"""The engine as one object: the LwM2M server, the bootstrap server and firmware updates.

    settings = EngineSettings(server_uri="coap://192.0.2.10:5683")
    engine = await LwM2MEngine.create(settings, ObjectRegistry.default(), CredentialStore())
    remove = engine.add_listener(print)        # every event of both servers
    await engine.server.start()                # the LwM2M server first: bootstrapped
    await engine.bootstrap.start()             # devices go there next
    ...
    await engine.firmware.close()
    await engine.bootstrap.stop()
    await engine.server.stop()

The settings say where the servers listen and what devices are told; the rest is the
protocol's policy, decided here once: the registration lifetime the bootstrap server
hands out, how long DTLS sessions may stay silent on each port, which LwM2M server URI
each kind of device gets, and which host download URIs name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .bootstrap.plan import DEFAULT_LIFETIME
from .bootstrap.server import BootstrapServer
from .credentials.records import DeviceCredentials
from .credentials.store import CredentialStore
from .dtls import DtlsSettings, dtls_status
from .events import Listener
from .firmware.updater import FirmwareUpdater
from .model.types import ObjectLookup
from .registration.admission import SecurityPolicy
from .server.lwm2m_server import LwM2MServer
from .transport.bind_address import server_host

BOOTSTRAP_LIFETIME = DEFAULT_LIFETIME
"""The registration lifetime the bootstrap server writes for rows that name none."""
LWM2M_DTLS_IDLE_MARGIN = 3600.0
"""DTLS sessions on the LwM2M port must outlive the quietest device: one that sends
nothing but its registration update, once per lifetime. An hour of margin on top."""
BOOTSTRAP_DTLS_IDLE_TIMEOUT = 300.0
"""A bootstrap is a handful of exchanges and the device moves on to the LwM2M server: a
session silent for five minutes (longer than one CoAP request's whole retransmission
wait, with the step's retries) is over."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineSettings:
    """Where the servers listen, and the LwM2M server URI devices are handed.

    ``bind_address`` 0.0.0.0 means every interface (IPv6 too where the host has it).
    ``server_uri`` is the URI the installer entered: bootstrapped devices are told it
    for its own scheme; the other scheme gets the same host with that server's port.
    """

    server_uri: str
    bind_address: str = "0.0.0.0"  # noqa: S104 - devices reach the servers from the network
    coap_port: int = 5683
    coaps_port: int = 5684
    bootstrap_port: int = 5783
    bootstraps_port: int = 5784
    policy: SecurityPolicy = SecurityPolicy.PENDING

    def device_uris(self) -> DeviceURIs:
        """Both URIs from the one the installer entered, on the host they entered.

        The entered URI is kept as it is for its own scheme (its port may be a forwarded
        one); the other scheme gets the configured port of that server.
        """
        parts = urlsplit(self.server_uri)
        host = parts.hostname or ""
        authority = f"[{host}]" if ":" in host else host
        plain = f"coap://{authority}:{self.coap_port}"
        secure = f"coaps://{authority}:{self.coaps_port}"
        if parts.scheme == "coaps":
            return DeviceURIs(plain=plain, secure=self.server_uri)
        return DeviceURIs(plain=self.server_uri, secure=secure)

    @property
    def advertised_host(self) -> str | None:
        """The host devices reach the server at: the one in the server URI.

        Download URIs carry it, so they work when the server listens on every address.
        """
        try:
            return urlsplit(self.server_uri).hostname or None
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class DeviceURIs:
    """The LwM2M server URIs the bootstrap server writes: NO_SEC rows, PSK rows."""

    plain: str
    secure: str


@dataclass(frozen=True, slots=True)
class DtlsProblem:
    """A coaps:// port the settings ask for that is not served, and why."""

    port: int
    reason: str


def lwm2m_dtls_settings(credentials: Iterable[DeviceCredentials]) -> DtlsSettings:
    """DTLS settings of the LwM2M port: sessions outlive every lifetime handed out."""
    longest = max(
        [BOOTSTRAP_LIFETIME]
        + [
            record.registration_lifetime
            for record in credentials
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


class LwM2MEngine:
    """Both servers and the firmware updates of the LwM2M server's devices.

    Both servers read ``credentials``: changing the store (an import) changes who may
    register and bootstrap at once. Nothing is bound until a server starts. ``host`` is
    the address both bind; :meth:`create` works it out from the settings.
    """

    def __init__(
        self,
        settings: EngineSettings,
        objects: ObjectLookup,
        credentials: CredentialStore,
        *,
        host: str,
    ) -> None:
        self.settings = settings
        self.host = host
        self.credentials = credentials
        uris = settings.device_uris()
        self.server = LwM2MServer(
            objects,
            host=host,
            port=settings.coap_port,
            policy=settings.policy,
            credentials=credentials,
            secure_port=settings.coaps_port,
            dtls_settings=lwm2m_dtls_settings(credentials),
        )
        self.bootstrap = BootstrapServer(
            credentials,
            objects,
            host=host,
            port=settings.bootstrap_port,
            secure_port=settings.bootstraps_port,
            server_uri=uris.plain,
            secure_server_uri=uris.secure,
            lifetime=BOOTSTRAP_LIFETIME,
            dtls_settings=bootstrap_dtls_settings(),
        )
        self.firmware = FirmwareUpdater(self.server, advertised_host=settings.advertised_host)

    @classmethod
    async def create(
        cls, settings: EngineSettings, objects: ObjectLookup, credentials: CredentialStore
    ) -> LwM2MEngine:
        """The engine for ``settings``; the blocking look at the host runs in an executor."""
        loop = asyncio.get_running_loop()
        host = await loop.run_in_executor(None, _prepare, settings.bind_address)
        return cls(settings, objects, credentials, host=host)

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Hear every event of both servers (firmware events come from the LwM2M server's);
        returns a function that removes the listener."""
        removers = (self.server.add_listener(callback), self.bootstrap.add_listener(callback))

        def remove() -> None:
            for remover in removers:
                remover()

        return remove

    def dtls_problems(self) -> list[DtlsProblem]:
        """The secure ports that are not served because DTLS cannot run; call after start."""
        problems = []
        for port, reason in (
            (self.settings.coaps_port, self.server.dtls_unavailable_reason),
            (self.settings.bootstraps_port, self.bootstrap.dtls_unavailable_reason),
        ):
            if reason is not None:
                problems.append(DtlsProblem(port, reason))
        return problems
