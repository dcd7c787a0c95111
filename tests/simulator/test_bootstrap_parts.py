"""Small parts of the simulator's bootstrap support: faults, accounts, the DTLS channel."""

from __future__ import annotations

import asyncio
import logging
import sys

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ObjectRegistry
from simulator import DeviceObject, Faults, SimulatedDevice
from simulator.accounts import server_accounts, split_uri
from simulator.objects import ObjectStore
from simulator.records import RequestRecord
from simulator.secure import (
    LOGGER_NAME,
    MAX_KEY_LENGTH,
    SecureChannel,
    TinyDtlsUnavailableError,
)
from tests.tinydtls import requires_tinydtls

from .conftest import DeviceFactory
from .stand_in import ServerStandIn


def record(method: str, path: str) -> RequestRecord:
    return RequestRecord(method, path, None, None, (), b"", None)


def test_faults_are_used_up() -> None:
    faults = Faults()
    faults.add("put", "/0/1", Code.INTERNAL_SERVER_ERROR, times=2)
    faults.add("DELETE", "/1", Code.BAD_REQUEST)
    assert len(faults) == 2
    assert faults.take(record("GET", "/0/1")) is None
    assert faults.take(record("PUT", "/0/1")) == Code.INTERNAL_SERVER_ERROR
    assert faults.take(record("PUT", "/0/1")) == Code.INTERNAL_SERVER_ERROR
    assert faults.take(record("PUT", "/0/1")) is None
    faults.clear()
    assert faults.take(record("DELETE", "/1")) is None
    with pytest.raises(ValueError, match="times"):
        faults.add("PUT", "/0/1", Code.BAD_REQUEST, times=0)


async def test_fault_answers_a_server_request(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    device.faults.add("GET", "/3/0/0", Code.SERVICE_UNAVAILABLE)
    first = await server.request(device, Code.GET, "/3/0/0")
    assert first.code == Code.SERVICE_UNAVAILABLE
    assert first.payload == b"injected fault"
    assert (await server.request(device, Code.GET, "/3/0/0")).code == Code.CONTENT
    assert [entry.path for entry in device.requests] == ["/3/0/0", "/3/0/0"]


def test_split_uri() -> None:
    assert split_uri("coaps://[::1]:7000") == ("coaps", "::1", 7000)
    assert split_uri("coap://lwm2m.example") == ("coap", "lwm2m.example", 5683)
    assert split_uri("coaps://lwm2m.example") == ("coaps", "lwm2m.example", 5684)
    for bad in ("http://x", "coap://", "lwm2m.example"):
        with pytest.raises(ValueError, match="not a coap"):
            split_uri(bad)


def test_server_accounts_tolerate_odd_values() -> None:
    store = ObjectStore(
        [
            DeviceObject(0, {2: {0: "coaps://s", 1: False, 2: 0, 3: "text", 5: None, 10: True}}),
            DeviceObject(1, {0: {0: 1, 1: "soon", 7: 4}}),
        ],
        ObjectRegistry.default(),
    )
    [account] = server_accounts(store)
    assert account.short_server_id is None
    assert account.server_instance is None
    assert (account.identity, account.secret_key, account.lifetime, account.binding) == (
        b"",
        b"",
        None,
        None,
    )
    assert account.uses_psk
    assert server_accounts(ObjectStore([], ObjectRegistry.default())) == []


async def test_without_dtlssocket_a_psk_bootstrap_fails_at_once(
    make_device: DeviceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiocoap's coaps:// requests would wait forever without DTLSSocket: refuse up front."""
    monkeypatch.setitem(sys.modules, "DTLSSocket.dtls", None)
    device = await make_device(register=False)
    async with asyncio.timeout(5):
        with pytest.raises(TinyDtlsUnavailableError, match="needs DTLSSocket"):
            await device.bootstrap(("127.0.0.1", 5684), psk=("identity", b"k" * 16))


@requires_tinydtls
async def test_channel_refuses_keys_tinydtls_cannot_hold(make_device: DeviceFactory) -> None:
    device = await make_device(register=False)
    with pytest.raises(ValueError, match=f"at most {MAX_KEY_LENGTH} bytes"):
        await device.bootstrap(("127.0.0.1", 5684), psk=("identity", b"k" * 32))
    channel = await SecureChannel.open(None, lambda message: False)
    try:
        with pytest.raises(ValueError, match="identity and a key"):
            channel.add_psk("127.0.0.1", 5684, b"", b"key")
        channel.add_psk("::1", 5684, b"id-for-v6", b"key")
    finally:
        await channel.close()


@requires_tinydtls
async def test_channel_log_redacts_identities(
    make_device: DeviceFactory, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await SecureChannel.open(None, lambda message: False)
    try:
        channel.add_psk("127.0.0.1", 5684, b"Id-quiet-4411", b"key")
    finally:
        await channel.close()
    logger = logging.getLogger(LOGGER_NAME)
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        logger.info("opening to %s as %s", "127.0.0.1", "Id-quiet-4411")
        logger.info("as bytes %s", b"Id-quiet-4411")
        logger.info("mapping %(who)s", {"who": "Id-quiet-4411"})
    assert "opening to 127.0.0.1 as <psk identity>" in caplog.text
    assert "as bytes <psk identity>" in caplog.text
    assert "mapping <psk identity>" in caplog.text
    assert "Id-quiet-4411" not in caplog.text


async def test_device_needs_start_before_dtls() -> None:
    device = SimulatedDevice("cold")
    with pytest.raises(RuntimeError, match="not started"):
        await device.bootstrap(("127.0.0.1", 5684), psk=("identity", b"key"))
