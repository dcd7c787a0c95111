"""Both servers on loopback sharing one credential store, fed from CSV text.

The CSV texts follow the two layouts of the reference import (seed 001): the
short NO_SEC layout and the full PSK layout. Server URLs name the servers' real
ports, so the store is filled once the servers run, as a live import would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from custom_components.lwm2m.engine import (
    BootstrapServer,
    CredentialStore,
    LwM2MServer,
    SecurityPolicy,
    parse_credentials_csv,
)
from custom_components.lwm2m.engine.dtls import dtls_status
from simulator import SimulatedDevice
from tests.engine.server.harness import REGISTRY, EventLog, make_server

HOST = "127.0.0.1"

NO_SEC_CSV = """\
ID,IDTYPE,CREDENTIALS,NAME,TYPE,SHELL,com_cumulocity_model_Agent,endpoint id,\
lwm2m server url,securityMode
350457790000001,c8y_Serial,pass-1,Plain meter,c8y_lwm2m,1,1,plain-meter,\
coap://127.0.0.1:{plain},NO_SEC
"""

PSK_CSV = """\
ID,IDTYPE,CREDENTIALS,NAME,TYPE,SHELL,com_cumulocity_model_Agent,endpoint id,\
lwm2m server url,securityMode,lwm2m psk_id,lwm2m psk_key,bootstrap psk_id,\
bootstrap psk_key,external-c8y_BootstrapPskId,serverPublicKey,\
generateBootstrapServerConfig,securityInstanceOffset,bootstrapShortServerId,\
lwm2mShortServerId,registrationLifetime,defaultMinimumPeriod,defaultMaximumPeriod,\
bindingMode,notificationIfDisabled (true/false),disableTimeout (true/false)
meter-a,c8y_Serial,,Meter A,c8y_lwm2m,0,1,meter-a,coaps://127.0.0.1:{secure},PSK,\
Id-7d1fa0c2-lwm2m-a,5a1c9e3b7f20d4864be1a0c37d92f518,Id-b20e44a9-bs-a,\
c3e9017bd25a4f68a1d09e2b7c4435f0,Ext-90a1c5de-bs-a,,true,3,5,7,600,10,300,U,false,120
meter-b,c8y_Serial,,Meter B,c8y_lwm2m,0,1,meter-b,coaps://127.0.0.1:{secure},PSK,\
Id-55e2b0d1-lwm2m-b,0f1e2d3c4b5a69788796a5b4c3d2e1f0,Id-c8d7e6f5-bs-b,\
8877665544332211aabbccddeeff0011,,,,,,,,,,UQ,,
"""

KEYS = {
    "meter-a": (
        "Id-7d1fa0c2-lwm2m-a",
        bytes.fromhex("5a1c9e3b7f20d4864be1a0c37d92f518"),
        "Id-b20e44a9-bs-a",
        bytes.fromhex("c3e9017bd25a4f68a1d09e2b7c4435f0"),
    ),
    "meter-b": (
        "Id-55e2b0d1-lwm2m-b",
        bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        "Id-c8d7e6f5-bs-b",
        bytes.fromhex("8877665544332211aabbccddeeff0011"),
    ),
}
EXTERNAL_BOOTSTRAP_ID = "Ext-90a1c5de-bs-a"


def bootstrap_psk(endpoint: str) -> tuple[str, bytes]:
    _, _, identity, key = KEYS[endpoint]
    return identity, key


@dataclass
class Stack:
    """An LwM2M server and a bootstrap server on one store, with their events."""

    server: LwM2MServer
    bootstrap: BootstrapServer
    store: CredentialStore
    server_events: EventLog = field(default_factory=EventLog)
    events: EventLog = field(default_factory=EventLog)

    @property
    def bootstrap_address(self) -> tuple[str, int]:
        return (HOST, self.bootstrap.port)

    @property
    def secure_bootstrap_address(self) -> tuple[str, int]:
        port = self.bootstrap.secure_port
        assert port is not None
        return (HOST, port)

    def csv(self, text: str) -> str:
        return text.format(plain=self.server.port, secure=self.server.secure_port)

    def load(self, *texts: str) -> None:
        """Import CSV texts into the shared store (what a live import does)."""
        rows = [row for text in texts for row in parse_credentials_csv(self.csv(text))]
        self.store.set_all(rows)


async def start_stack(**bootstrap_options: Any) -> Stack:
    if not dtls_status().available:
        pytest.skip(dtls_status().summary)
    store = CredentialStore()
    server = make_server(policy=SecurityPolicy.STRICT, credentials=store, secure_port=0)
    await server.start()
    options: dict[str, Any] = {
        "host": HOST,
        "port": 0,
        "secure_port": 0,
        "retry_delay": 0.01,
        "request_timeout": 5.0,
    }
    options.update(bootstrap_options)
    bootstrap = BootstrapServer(store, REGISTRY, **options)
    try:
        await bootstrap.start()
    except BaseException:
        await server.stop()
        raise
    stack = Stack(server, bootstrap, store)
    server.add_listener(stack.server_events)
    bootstrap.add_listener(stack.events)
    return stack


async def stop_stack(stack: Stack) -> None:
    await stack.bootstrap.stop()
    await stack.server.stop()


DeviceFactory = Callable[..., Awaitable[SimulatedDevice]]


@pytest.fixture
async def stack(loopback: None) -> AsyncIterator[Stack]:
    running = await start_stack()
    running.load(NO_SEC_CSV, PSK_CSV)
    yield running
    await stop_stack(running)


@pytest.fixture
async def make_device(loopback: None) -> AsyncIterator[DeviceFactory]:
    devices: list[SimulatedDevice] = []

    async def make(endpoint: str, **options: Any) -> SimulatedDevice:
        options.setdefault("auto_update", False)
        device = SimulatedDevice(endpoint, **options)
        devices.append(device)
        await device.start()
        return device

    yield make
    for device in devices:
        await device.stop()
