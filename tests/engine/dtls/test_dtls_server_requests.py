"""Server-initiated requests over a device's DTLS session (aiocoap's tinydtls client)."""

from __future__ import annotations

import asyncio

import aiocoap
import pytest

from custom_components.lwm2m.engine.dtls import psk_identity_of
from tests.tinydtls import requires_tinydtls

from .conftest import StartServer
from .device import register, start_device
from .harness import KEYS

DEVICE_KEYS = {b"dev-a": KEYS[b"dev-a"]}  # 16 bytes: tinydtls holds no longer key

pytestmark = requires_tinydtls


async def test_server_sends_a_request_to_a_registered_device(start_server: StartServer) -> None:
    server = await start_server(keys=DEVICE_KEYS)
    device = await start_device(server.port, b"dev-a", KEYS[b"dev-a"])
    try:
        response = await asyncio.wait_for(register(device, server.port), 10)
        assert str(response.code) == "2.01 Created"
        remote = await asyncio.wait_for(server.registrations.remotes.get(), 5)
        assert psk_identity_of(remote) == b"dev-a"

        read = aiocoap.Message(code=aiocoap.GET, uri_path=("3", "0"))
        read.remote = remote
        answer = await asyncio.wait_for(server.context.request(read).response, 10)
        assert str(answer.code) == "2.05 Content"
        assert answer.payload == b"device-says-hi"
        assert psk_identity_of(answer.remote) == b"dev-a"

        by_identity = aiocoap.Message(code=aiocoap.GET, uri_path=("3", "0"))
        by_identity.remote = server.endpoint.remote_for_identity(b"dev-a")
        answer = await asyncio.wait_for(server.context.request(by_identity).response, 10)
        assert answer.payload == b"device-says-hi"
    finally:
        await device.shutdown()


async def test_request_to_a_closed_session_fails_at_once(start_server: StartServer) -> None:
    server = await start_server(keys=DEVICE_KEYS)
    device = await start_device(server.port, b"dev-a", KEYS[b"dev-a"])
    try:
        await asyncio.wait_for(register(device, server.port), 10)
        remote = await asyncio.wait_for(server.registrations.remotes.get(), 5)
    finally:
        await device.shutdown()  # sends close_notify
    for _ in range(50):
        if server.endpoint.stats().sessions == 0:
            break
        await asyncio.sleep(0.02)
    assert server.endpoint.stats().sessions == 0
    read = aiocoap.Message(code=aiocoap.GET, uri_path=("3", "0"))
    read.remote = remote
    with pytest.raises(aiocoap.error.NetworkError):
        await asyncio.wait_for(server.context.request(read).response, 5)


async def test_close_sessions_of_a_revoked_identity(start_server: StartServer) -> None:
    server = await start_server(keys=DEVICE_KEYS)
    device = await start_device(server.port, b"dev-a", KEYS[b"dev-a"])
    try:
        await asyncio.wait_for(register(device, server.port), 10)
        remote = await asyncio.wait_for(server.registrations.remotes.get(), 5)
        read = aiocoap.Message(code=aiocoap.GET, uri_path=("3", "0"))
        read.remote = remote
        pending = server.context.request(read)
        assert server.endpoint.close_sessions(b"dev-a") == 1
        assert server.endpoint.remote_for_identity(b"dev-a") is None
        with pytest.raises(aiocoap.error.NetworkError):
            await asyncio.wait_for(pending.response, 5)
    finally:
        await device.shutdown()
