"""libcoap's OpenSSL and GnuTLS clients against the LwM2M server's secure port,
opened with ``LwM2MServer(secure_port=...)`` and keyed from CSV credentials."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator

import pytest

from custom_components.lwm2m.engine import (
    CredentialStore,
    LwM2MServer,
    SecurityPolicy,
    parse_credentials_csv,
)
from custom_components.lwm2m.engine.dtls import DtlsEndpoint, dtls_status
from tests.engine.server.harness import make_server

pytestmark = pytest.mark.interop

CLIENTS = ["coap-client-openssl", "coap-client-gnutls"]
# libcoap 4.3.1 takes -k as text, so these keys are printable.
KEY_A = b"interop-key-A-01"
KEY_B = b"interop-key-B-02"
CSV = f"""\
endpoint id,lwm2m server url,securityMode,lwm2m psk_id,lwm2m psk_key,bootstrap psk_id,\
bootstrap psk_key
device-a,coaps://127.0.0.1:5684,PSK,Id-a-51f0,{KEY_A.hex()},Bs-a-51f0,{bytes(16).hex()}
device-b,coaps://127.0.0.1:5684,PSK,Id-b-9c2e,{KEY_B.hex()},Bs-b-9c2e,{bytes(16).hex()}
"""


def client(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package libcoap3-bin)")
    return path


@pytest.fixture
async def server(loopback: None) -> AsyncIterator[LwM2MServer]:
    if not dtls_status().available:
        pytest.skip(dtls_status().summary)
    store = CredentialStore(parse_credentials_csv(CSV))
    instance = make_server(policy=SecurityPolicy.STRICT, credentials=store, secure_port=0)
    await instance.start()
    yield instance
    await instance.stop()


def endpoint_of(server: LwM2MServer) -> DtlsEndpoint:
    endpoint = server.dtls_endpoint
    assert endpoint is not None
    return endpoint


async def register(binary: str, port: int | None, endpoint: str, identity: str, key: bytes) -> str:
    """POST /rd over coaps://; libcoap prints nothing for a 2.01, the code for errors."""
    process = await asyncio.create_subprocess_exec(
        binary,
        "-B",
        "5",
        "-m",
        "post",
        "-u",
        identity,
        "-k",
        key.decode(),
        "-e",
        "</3/0>",
        f"coaps://127.0.0.1:{port}/rd?ep={endpoint}&lt=60",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    async with asyncio.timeout(30):
        output, _ = await process.communicate()
    return output.decode(errors="replace")


@pytest.mark.parametrize("name", CLIENTS)
async def test_right_key_registers(server: LwM2MServer, name: str) -> None:
    output = await register(client(name), server.secure_port, "device-a", "Id-a-51f0", KEY_A)
    assert output.strip() == "", output
    registration = server.registrations["device-a"]
    assert registration.secure
    assert registration.security_identity == "Id-a-51f0"
    assert endpoint_of(server).stats().handshakes_completed == 1


@pytest.mark.parametrize("name", CLIENTS)
async def test_wrong_key_gets_no_session(server: LwM2MServer, name: str) -> None:
    await register(client(name), server.secure_port, "device-a", "Id-a-51f0", KEY_B)
    # Its Finished does not verify and gets no answer, as a spoofed one would not
    # (RFC 6347 4.1.2.7); the handshake is counted failed when it times out.
    stats = endpoint_of(server).stats()
    assert stats.counters["decrypt_failed"] >= 1
    assert stats.handshakes_completed == 0
    assert stats.sessions == 0
    assert server.registrations == {}


@pytest.mark.parametrize("name", CLIENTS)
async def test_identity_of_a_cannot_register_b(server: LwM2MServer, name: str) -> None:
    output = await register(client(name), server.secure_port, "device-b", "Id-a-51f0", KEY_A)
    assert "4.03" in output, output
    assert server.registrations == {}
    assert endpoint_of(server).stats().handshakes_completed == 1
