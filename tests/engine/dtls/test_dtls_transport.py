"""The builtin backend behind aiocoap, over loopback UDP."""

from __future__ import annotations

import socket

import aiocoap
import pytest

from custom_components.lwm2m.engine.dtls import (
    DtlsBindError,
    create_dtls_context,
    psk_identity_of,
)
from custom_components.lwm2m.engine.dtls.handshake import HandshakeType

from .client import (
    PskClient,
    UdpPeer,
    handshake_messages,
    handshake_over_udp,
    hello_verify_cookie,
    insert_cookie,
    parse_server_hello,
)
from .coap import decode, get, request
from .conftest import RunningServer, StartServer, read_vector
from .harness import KEYS

TLS_PSK_WITH_AES_128_CCM_8 = 0xC0A8


async def replay_with_cookie(port: int, vector: bytes) -> tuple[bytes, bytes]:
    """Send the vector, answer the HelloVerifyRequest as the device would; both answers."""
    peer = await UdpPeer.connect(port)
    try:
        peer.send(vector)
        first = await peer.receive()
        cookie = hello_verify_cookie(first)
        assert cookie is not None, "expected a HelloVerifyRequest"
        peer.send(insert_cookie(vector, cookie))
        second = await peer.receive()
    finally:
        peer.close()
    return first, second


@pytest.mark.parametrize(
    "vector", ["clienthello-tinydtls-client.bin", "clienthello-mbedtls-client.bin"]
)
async def test_device_client_hello_gets_ccm_8(start_server: StartServer, vector: str) -> None:
    server = await start_server()
    first, second = await replay_with_cookie(server.port, read_vector(vector))
    assert [t for t, _ in handshake_messages(first)] == [HandshakeType.HELLO_VERIFY_REQUEST]
    messages = handshake_messages(second)
    assert messages[0][0] == HandshakeType.SERVER_HELLO
    assert parse_server_hello(messages[0][1]).suite == TLS_PSK_WITH_AES_128_CCM_8


async def coap_get_over(server: RunningServer, client: PskClient, path: str = "x") -> bytes:
    peer = await UdpPeer.connect(server.port)
    try:
        await handshake_over_udp(peer, client)
        peer.send(client.application_data(get(path)))
        while not (answers := client.take_application_data()):
            client.receive(await peer.receive())
        peer.send(client.close_notify())
    finally:
        peer.close()
    response = decode(answers[0])
    assert str(response.code) == "2.05 Content"
    return bytes(response.payload)


@pytest.mark.parametrize(
    "vector", ["clienthello-tinydtls-client.bin", "clienthello-mbedtls-client.bin"]
)
async def test_device_client_hello_completes_and_gets_content(
    start_server: StartServer, vector: str
) -> None:
    server = await start_server()
    client = PskClient(b"dev-a", KEYS[b"dev-a"], read_vector(vector))
    assert await coap_get_over(server, client) == b"hello"
    assert client.suite is not None
    assert client.suite.code == TLS_PSK_WITH_AES_128_CCM_8
    assert client.extended_master_secret


async def test_32_byte_key(start_server: StartServer) -> None:
    server = await start_server()
    assert await coap_get_over(server, PskClient(b"dev-b", KEYS[b"dev-b"])) == b"hello"


async def test_port_zero_reports_the_real_port(start_server: StartServer) -> None:
    server = await start_server()
    assert server.port != 0
    assert server.endpoint.local_address == ("127.0.0.1", server.port)


async def test_taken_port_fails_loudly(start_server: StartServer) -> None:
    server = await start_server()
    with pytest.raises(DtlsBindError, match=str(server.port)):
        await create_dtls_context(None, ("127.0.0.1", server.port), {}.get)


async def test_port_taken_by_another_socket(socket_enabled: None) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
        other.bind(("127.0.0.1", 0))
        port = other.getsockname()[1]
        with pytest.raises(DtlsBindError):
            await create_dtls_context(None, ("127.0.0.1", port), {}.get)


async def test_remote_exposes_the_identity(start_server: StartServer) -> None:
    server = await start_server()
    for identity in (b"dev-a", b"dev-b"):
        peer = await UdpPeer.connect(server.port)
        client = PskClient(identity, KEYS[identity])
        await handshake_over_udp(peer, client)
        peer.send(client.application_data(request("rd", aiocoap.POST)))
        remote = await server.registrations.remotes.get()
        assert psk_identity_of(remote) == identity
        assert [claim.identity for claim in remote.authenticated_claims] == [identity]
        assert server.endpoint.remote_for_identity(identity) is remote
        assert identity.decode() not in repr(remote)
        peer.close()
    assert server.endpoint.stats().sessions == 2
