"""Both servers' secure ports: opened with one argument, closed cleanly, and when DTLS
cannot run, plain CoAP keeps working and the reason is exposed."""

from __future__ import annotations

import sys

import pytest

from custom_components.lwm2m.engine import (
    BootstrapFinished,
    BootstrapServer,
    CredentialStore,
    LwM2MServer,
    Path,
    SecurityPolicy,
    parse_credentials_csv,
)
from custom_components.lwm2m.engine.dtls import DtlsBindError, dtls_status
from simulator import SimulatedDevice
from tests.engine.bootstrap.harness import NO_SEC_CSV, PSK_CSV, start_stack, stop_stack
from tests.engine.server.harness import REGISTRY, EventLog, make_server

DTLS_NEEDS = "cryptography.hazmat.primitives.ciphers.aead"


@pytest.fixture
def no_dtls(monkeypatch: pytest.MonkeyPatch) -> None:
    """DTLS's imports fail, as on an installation without cryptography."""
    monkeypatch.setitem(sys.modules, DTLS_NEEDS, None)
    assert not dtls_status().available


async def test_without_dtls_both_servers_run_plain(loopback: None, no_dtls: None) -> None:
    store = CredentialStore()
    server = make_server(policy=SecurityPolicy.STRICT, credentials=store, secure_port=0)
    bootstrap = BootstrapServer(store, REGISTRY, host="127.0.0.1", port=0, secure_port=0)
    await server.start()
    await bootstrap.start()
    device = SimulatedDevice("plain-meter", auto_update=False)
    await device.start()
    try:
        for running in (server, bootstrap):
            assert running.secure_port is None
            assert running.dtls_endpoint is None
            reason = running.dtls_unavailable_reason
            assert reason is not None
            assert reason.startswith("DTLS unavailable: the cryptography package is missing")

        store.set_all(parse_credentials_csv(NO_SEC_CSV.format(plain=server.port)))
        events = EventLog()
        bootstrap.add_listener(events)
        finished = events.next(BootstrapFinished)
        await device.bootstrap(("127.0.0.1", bootstrap.port))
        await finished
        await device.register_from_bootstrap()
        value = await server.read("plain-meter", Path.of(3, 0, 0))
        assert value == {Path.of(3, 0, 0): "Simulated Devices Ltd"}
    finally:
        await device.stop()
        await bootstrap.stop()
        await server.stop()


async def test_secure_ports_open_and_close(loopback: None) -> None:
    stack = await start_stack()
    stack.load(PSK_CSV)
    try:
        for running in (stack.server, stack.bootstrap):
            assert running.dtls_unavailable_reason is None
            endpoint = running.dtls_endpoint
            assert endpoint is not None
            assert endpoint.port == running.secure_port
            assert endpoint.stats().sessions == 0
    finally:
        await stop_stack(stack)
    for running in (stack.server, stack.bootstrap):
        assert running.secure_port is None
        assert running.dtls_endpoint is None


async def test_taken_secure_port_fails_start_and_frees_the_plain_port(loopback: None) -> None:
    stack = await start_stack()
    taken = stack.server.secure_port
    assert taken is not None
    try:
        second = make_server(secure_port=taken)
        with pytest.raises(DtlsBindError):
            await second.start()
        with pytest.raises(RuntimeError, match="not running"):
            _ = second.port
        other = BootstrapServer(
            CredentialStore(), REGISTRY, host="127.0.0.1", port=0, secure_port=taken
        )
        with pytest.raises(DtlsBindError):
            await other.start()
        with pytest.raises(RuntimeError, match="not running"):
            _ = other.port
    finally:
        await stop_stack(stack)


async def test_secure_port_serves_the_any_address(loopback: None) -> None:
    server = LwM2MServer(REGISTRY, host="::", port=0, secure_port=0)
    await server.start()
    try:
        assert server.dtls_unavailable_reason is None
        assert server.secure_port not in (None, 0)
        assert server.secure_port != server.port
    finally:
        await server.stop()
