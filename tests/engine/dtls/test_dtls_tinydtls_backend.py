"""The optional DTLSSocket (tinydtls) backend behind the same API."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine.dtls import (
    DtlsConfigurationError,
    StaticPskStore,
    create_dtls_context,
    dtls_backends_available,
)
from custom_components.lwm2m.engine.dtls.handshake import HandshakeType
from custom_components.lwm2m.engine.dtls.tinydtls_backend import normalise_client_hello_version

from .client import (
    PskClient,
    UdpPeer,
    build_client_hello,
    handshake_messages,
    handshake_over_udp,
    hello_verify_cookie,
)
from .coap import decode, get
from .conftest import StartServer, read_vector
from .harness import KEYS

pytestmark = pytest.mark.skipif(
    "dtlssocket" not in dtls_backends_available(), reason="DTLSSocket is not installed"
)

SHORT_KEYS = {b"dev-a": KEYS[b"dev-a"], b"dev-c": b"fedcba9876543210"}


def tinydtls_compatible_hello() -> bytes:
    """tinydtls insists on renegotiation_info (or the SCSV) and extended master secret."""
    return build_client_hello(renegotiation_scsv=True)


async def test_long_keys_are_refused_up_front(socket_enabled: None) -> None:
    with pytest.raises(DtlsConfigurationError, match="16 bytes"):
        await create_dtls_context(
            None,
            ("127.0.0.1", 0),
            StaticPskStore({b"dev-b": bytes(32)}),
            backend="dtlssocket",
        )


def test_prefilter_rewrites_only_initial_client_hello_record_versions() -> None:
    fe00 = build_client_hello(record_version=b"\xfe\x00")
    assert normalise_client_hello_version(fe00)[1:3] == b"\xfe\xfd"
    assert normalise_client_hello_version(fe00)[3:] == fe00[3:]
    for untouched in (build_client_hello(), b"\x17\xfe\x00" + bytes(20), b"junk"):
        assert normalise_client_hello_version(untouched) == untouched


async def test_prefilter_lets_the_mbedtls_hello_reach_hello_verify_request(
    start_server: StartServer,
) -> None:
    server = await start_server(backend="dtlssocket", keys=SHORT_KEYS)
    peer = await UdpPeer.connect(server.port)
    peer.send(read_vector("clienthello-mbedtls-client.bin"))
    answer = await peer.receive()
    peer.close()
    assert hello_verify_cookie(answer) is not None
    assert [t for t, _ in handshake_messages(answer)] == [HandshakeType.HELLO_VERIFY_REQUEST]


async def test_handshake_and_get(start_server: StartServer) -> None:
    server = await start_server(backend="dtlssocket", keys=SHORT_KEYS)
    client = PskClient(b"dev-a", SHORT_KEYS[b"dev-a"], tinydtls_compatible_hello())
    peer = await UdpPeer.connect(server.port)
    await handshake_over_udp(peer, client)
    peer.send(client.application_data(get("x")))
    while not (answers := client.take_application_data()):
        client.receive(await peer.receive())
    assert decode(answers[0]).payload == b"hello"
    stats = server.endpoint.stats()
    assert (stats.backend, stats.sessions, stats.handshakes_completed) == ("dtlssocket", 1, 1)
    peer.send(client.close_notify())
    await peer.receive()  # tinydtls answers close_notify
    peer.close()
    assert server.endpoint.stats().sessions == 0
