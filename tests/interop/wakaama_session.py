"""A Wakaama client registered with an engine server, over plain UDP or DTLS-PSK."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from custom_components.lwm2m.engine import (
    CredentialStore,
    DeviceCredentials,
    LwM2MServer,
    Registered,
    SecurityMode,
)
from tests.engine.server.harness import EventLog, make_server

from .wakaama import Psk, WakaamaClient

HOST = "127.0.0.1"
PSK = Psk("wakaama-psk-id", bytes.fromhex("000102030405060708090a0b0c0d0e0f"))
TRANSPORTS = ("udp", "dtls")

StartWakaama = Callable[..., Awaitable[WakaamaClient]]


def credentials() -> CredentialStore:
    """The DTLS client's PSK, bound to its endpoint (plain clients need none: open policy)."""
    return CredentialStore(
        [
            DeviceCredentials(
                endpoint="wakaama-dtls",
                security_mode=SecurityMode.PSK,
                lwm2m_psk_id=PSK.identity,
                lwm2m_psk_key=PSK.key,
            )
        ]
    )


@dataclass
class WakaamaSession:
    server: LwM2MServer
    events: EventLog
    client: WakaamaClient
    registered: Registered

    @property
    def endpoint(self) -> str:
        return self.client.endpoint

    @property
    def secure(self) -> bool:
        return self.client.psk is not None


async def start_server(**options: object) -> LwM2MServer:
    settings: dict[str, object] = {"credentials": credentials(), "secure_port": 0}
    settings.update(options)
    server = make_server(**settings)
    await server.start()
    return server


async def register_wakaama(
    server: LwM2MServer, events: EventLog, start_wakaama: StartWakaama, transport: str
) -> WakaamaSession:
    """Start a Wakaama client of ``transport`` and wait for its registration."""
    secure = transport == "dtls"
    port = server.secure_port if secure else server.port
    assert port is not None
    endpoint = f"wakaama-{transport}"
    registered = events.next(Registered, lambda event: event.endpoint == endpoint, limit=20)
    client = await start_wakaama(endpoint, (HOST, port), psk=PSK if secure else None)
    return WakaamaSession(server, events, client, await registered)
