"""The server with the project's DTLS transport attached: a PSK device registers over
coaps:// with libcoap's OpenSSL client; identities are bound to their endpoints."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator

import pytest

from custom_components.lwm2m.engine import (
    CredentialStore,
    DeviceCredentials,
    LwM2MServer,
    Path,
    SecurityMode,
    SecurityPolicy,
)
from custom_components.lwm2m.engine.dtls import create_dtls_context, dtls_status

from .harness import make_server

pytestmark = pytest.mark.interop

KEY = b"secret-key-0001"
CLIENT = shutil.which("coap-client-openssl")


@pytest.fixture
async def secured(loopback: None) -> AsyncIterator[tuple[LwM2MServer, int]]:
    if CLIENT is None:
        pytest.skip("libcoap's coap-client-openssl is not installed (Debian: libcoap3-bin)")
    if not dtls_status().available:
        pytest.skip(dtls_status().summary)
    credentials = CredentialStore(
        [
            DeviceCredentials(
                endpoint="locked",
                security_mode=SecurityMode.PSK,
                lwm2m_psk_id="locked-id",
                lwm2m_psk_key=KEY,
            ),
            DeviceCredentials(endpoint="open", security_mode=SecurityMode.NO_SEC),
        ]
    )
    server = make_server(policy=SecurityPolicy.STRICT, credentials=credentials)
    await server.start()
    context, endpoint = await create_dtls_context(None, ("127.0.0.1", 0), server.credentials.lookup)
    server.attach_transport(context, secure=True)
    yield server, endpoint.port
    await server.stop()


async def register(port: int, endpoint: str, identity: str) -> None:
    assert CLIENT is not None
    process = await asyncio.create_subprocess_exec(
        CLIENT,
        "-B",
        "5",
        "-m",
        "post",
        "-u",
        identity,
        "-k",
        KEY.decode(),
        "-t",
        "40",
        "-e",
        "</3/0>",
        f"coaps://127.0.0.1:{port}/rd?ep={endpoint}&lt=60",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    async with asyncio.timeout(20):
        await process.communicate()


async def test_psk_device_registers_over_dtls(secured: tuple[LwM2MServer, int]) -> None:
    server, port = secured
    await register(port, "locked", "locked-id")
    registration = server.registrations["locked"]
    assert registration.secure
    assert registration.security_identity == "locked-id"
    assert Path.of(3, 0) in registration.objects


async def test_identity_cannot_register_another_endpoint(
    secured: tuple[LwM2MServer, int],
) -> None:
    server, port = secured
    await register(port, "open", "locked-id")
    assert "open" not in server.registrations
