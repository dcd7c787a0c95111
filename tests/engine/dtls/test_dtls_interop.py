"""Interoperability with libcoap's coap-client and OpenSSL's s_client over loopback."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from .coap import get
from .conftest import StartServer

pytestmark = pytest.mark.interop

IDENTITY = b"interop-device"
KEY = b"0123456789abcdef"
LONG_IDENTITY = b"interop-long-key"
LONG_KEY = b"0123456789abcdef0123456789ABCDEF"
KEYS = {IDENTITY: KEY, LONG_IDENTITY: LONG_KEY}


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package libcoap3-bin / openssl)")
    return path


async def run(*argv: str, stdin: bytes = b"", wait: float = 20.0) -> str:
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(stdin), wait)
    return output.decode(errors="replace")


@pytest.mark.parametrize("client", ["coap-client-openssl", "coap-client-gnutls"])
@pytest.mark.parametrize(("identity", "key"), [(IDENTITY, KEY), (LONG_IDENTITY, LONG_KEY)])
async def test_libcoap_gets_content(
    start_server: StartServer, client: str, identity: bytes, key: bytes
) -> None:
    binary = tool(client)
    server = await start_server(keys=KEYS)
    url = f"coaps://127.0.0.1:{server.port}/x"
    output = await run(binary, "-B", "5", "-u", identity.decode(), "-k", key.decode(), url)
    assert output.strip().endswith("hello"), output
    stats = server.endpoint.stats()
    assert stats.handshakes_completed == 1
    assert stats.counters["records_received"] >= 1


@pytest.mark.parametrize("client", ["coap-client-openssl", "coap-client-gnutls"])
@pytest.mark.parametrize(
    ("identity", "key"), [(IDENTITY, b"0123456789abcdeX"), (b"nobody-knows-me", KEY)]
)
async def test_libcoap_wrong_key_or_unknown_identity_gets_nothing(
    start_server: StartServer, client: str, identity: bytes, key: bytes
) -> None:
    binary = tool(client)
    server = await start_server(keys=KEYS)
    url = f"coaps://127.0.0.1:{server.port}/x"
    output = await run(binary, "-B", "3", "-u", identity.decode(), "-k", key.decode(), url)
    assert "hello" not in output
    # Its Finished does not verify and gets no answer, since a spoofer could have sent
    # it (RFC 6347 4.1.2.7); the handshake ends as a failed one when it times out.
    stats = server.endpoint.stats()
    assert stats.counters["decrypt_failed"] >= 1
    assert stats.sessions == 0
    assert stats.handshakes_completed == 0
    assert "records_received" not in stats.counters


async def test_openssl_restricted_to_ccm_8_completes_and_gets_content(
    start_server: StartServer,
) -> None:
    openssl = tool("openssl")
    server = await start_server(keys=KEYS)
    process = await asyncio.create_subprocess_exec(
        openssl,
        "s_client",
        "-dtls1_2",
        "-connect",
        f"127.0.0.1:{server.port}",
        "-psk_identity",
        IDENTITY.decode(),
        "-psk",
        KEY.hex(),
        "-cipher",
        # OpenSSL 3.6 (Debian sid) moved the CCM8 suites to security level 0.
        "PSK-AES128-CCM8:@SECLEVEL=0",
        "-ign_eof",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    output = b""
    try:
        async with asyncio.timeout(20):
            while b"Extended master secret" not in output:
                output += await process.stdout.read(4096) or b""
            process.stdin.write(get("x"))
            await process.stdin.drain()
            while b"hello" not in output:
                chunk = await process.stdout.read(4096)
                assert chunk, output
                output += chunk
    finally:
        process.kill()
        await process.wait()
    text = output.decode(errors="replace")
    assert "Cipher is PSK-AES128-CCM8" in text
    assert "Extended master secret: yes" in text
    assert server.endpoint.stats().handshakes_completed == 1
