"""Client-initiated bootstrap of Eclipse Wakaama's example client by the engine's bootstrap
server, plain and DTLS-PSK, ending in its registration at the LwM2M server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from custom_components.lwm2m.engine import (
    BootstrapFinished,
    BootstrapServer,
    CredentialStore,
    LwM2MServer,
    Path,
    Registered,
    SecurityPolicy,
    parse_credentials_csv,
)
from tests.engine.server.harness import REGISTRY, EventLog, make_server

from .wakaama import Psk
from .wakaama_session import HOST, TRANSPORTS, StartWakaama

pytestmark = pytest.mark.interop

LWM2M_KEY = "00112233445566778899aabbccddeeff"
BOOTSTRAP_PSK = Psk("wakaama-bs-id", bytes.fromhex("0f0e0d0c0b0a09080706050403020100"))
CSV = """\
ID,IDTYPE,CREDENTIALS,NAME,TYPE,SHELL,com_cumulocity_model_Agent,endpoint id,\
lwm2m server url,securityMode,lwm2m psk_id,lwm2m psk_key,bootstrap psk_id,bootstrap psk_key
1,c8y_Serial,,Plain,c8y_lwm2m,0,1,wakaama-bs-udp,coap://127.0.0.1:{plain},NO_SEC,,,,
2,c8y_Serial,,Secure,c8y_lwm2m,0,1,wakaama-bs-dtls,coaps://127.0.0.1:{secure},PSK,\
wakaama-lwm2m-id,{key},{bootstrap_id},{bootstrap_key}
"""


@dataclass
class Servers:
    server: LwM2MServer
    bootstrap: BootstrapServer
    server_events: EventLog
    bootstrap_events: EventLog


@pytest.fixture
async def servers(loopback: None) -> AsyncIterator[Servers]:
    store = CredentialStore()
    server = make_server(policy=SecurityPolicy.STRICT, credentials=store, secure_port=0)
    await server.start()
    bootstrap = BootstrapServer(
        store, REGISTRY, host=HOST, port=0, secure_port=0, request_timeout=5.0
    )
    await bootstrap.start()
    text = CSV.format(
        plain=server.port,
        secure=server.secure_port,
        key=LWM2M_KEY,
        bootstrap_id=BOOTSTRAP_PSK.identity,
        bootstrap_key=BOOTSTRAP_PSK.key.hex(),
    )
    store.set_all(parse_credentials_csv(text))
    stack = Servers(server, bootstrap, EventLog(), EventLog())
    server.add_listener(stack.server_events)
    bootstrap.add_listener(stack.bootstrap_events)
    yield stack
    await bootstrap.stop()
    await server.stop()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_bootstrap_ends_in_registration(
    servers: Servers, start_wakaama: StartWakaama, transport: str
) -> None:
    secure = transport == "dtls"
    endpoint = f"wakaama-bs-{transport}"
    port = servers.bootstrap.secure_port if secure else servers.bootstrap.port
    assert port is not None
    finished = servers.bootstrap_events.next(BootstrapFinished, limit=20)
    registered = servers.server_events.next(Registered, limit=30)
    client = await start_wakaama(
        endpoint, (HOST, port), psk=BOOTSTRAP_PSK if secure else None, bootstrap=True
    )
    # The example client waits its hard-coded 10 s hold-off before asking; its
    # "bootstrap" command asks at once (a client-initiated Bootstrap-Request all the same).
    await client.command("bootstrap")
    assert (await finished).endpoint == endpoint
    registration = (await registered).registration
    assert registration.endpoint == endpoint
    assert registration.secure is secure

    server_account = await servers.server.read(endpoint, Path.of(1, 0))
    assert server_account[Path.of(1, 0, 1)] == 86400
    assert server_account[Path.of(1, 0, 7)] == "UQ"  # the CSV's default binding
    assert server_account[Path.of(1, 0, 6)] is True  # Mandatory; the CSV leaves it out
    listing = await client.command("list")
    assert "REGISTERED" in listing
