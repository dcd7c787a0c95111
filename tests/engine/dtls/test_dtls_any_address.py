"""The DTLS server on the any-address (0.0.0.0 and ::), over loopback.

Loopback gives a host several addresses without any setup: all of 127.0.0.0/8,
plus ::1. A reply that left from the wrong one would not reach the clients
here: their sockets are connected to the address they write to, so the kernel
drops anything from another source.
"""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import socket
import struct
from typing import Any

import aiocoap
import pytest
import pytest_socket

from custom_components.lwm2m.engine.dtls import (
    DtlsBindError,
    DtlsConfigurationError,
    create_dtls_context,
    psk_identity_of,
)
from custom_components.lwm2m.engine.dtls.addresses import (
    Flow,
    LocalAddress,
    ancillary_for,
    is_any_address,
    local_address_of,
    plain_host,
)
from custom_components.lwm2m.engine.dtls.handshake import HandshakeType
from tests.tinydtls import requires_tinydtls

from .client import PskClient, UdpPeer, _Inbox, handshake_messages, handshake_over_udp
from .coap import decode, get
from .conftest import RunningServer, StartServer
from .device import register, start_device
from .harness import KEYS

IN_PKTINFO_V4 = (socket.IPPROTO_IP, socket.IP_PKTINFO)
IN_PKTINFO_V6 = (socket.IPPROTO_IPV6, socket.IPV6_PKTINFO)

LOOPBACK = ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1", "::ffff:127.0.0.2"]

# (server bind, address the client writes to)
ROUTES = [
    ("0.0.0.0", "127.0.0.1"),
    ("0.0.0.0", "127.0.0.2"),
    ("::", "::1"),
    ("::", "127.0.0.1"),
    ("::", "127.0.0.2"),
]


def _in_pktinfo(ifindex: int, spec_dst: str, destination: str) -> bytes:
    """struct in_pktinfo, as the kernel hands it over."""
    return struct.pack(
        "@i4s4s",
        ifindex,
        ipaddress.IPv4Address(spec_dst).packed,
        ipaddress.IPv4Address(destination).packed,
    )


def _in6_pktinfo(destination: str, ifindex: int) -> bytes:
    """struct in6_pktinfo, as the kernel hands it over."""
    return struct.pack("@16sI", ipaddress.IPv6Address(destination).packed, ifindex)


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# ---------------------------------------------------------------- addresses, no sockets


def test_ipv4_destination_of_a_datagram() -> None:
    data = _in_pktinfo(3, "192.0.2.7", "192.0.2.7")
    assert local_address_of(socket.AF_INET, [(*IN_PKTINFO_V4, data)]) == LocalAddress(
        "192.0.2.7", 0
    )


@pytest.mark.parametrize(
    ("spec_dst", "destination"),
    [("192.0.2.7", "192.0.2.255"), ("192.0.2.7", "224.0.1.187"), ("0.0.0.0", "224.0.1.187")],
)
def test_ipv4_broadcast_or_multicast_has_no_local_address(spec_dst: str, destination: str) -> None:
    data = _in_pktinfo(3, spec_dst, destination)
    assert local_address_of(socket.AF_INET, [(*IN_PKTINFO_V4, data)]) is None


@pytest.mark.parametrize(
    ("destination", "ifindex", "expected"),
    [
        ("2001:db8::7", 3, LocalAddress("2001:db8::7", 0)),
        ("fe80::7", 3, LocalAddress("fe80::7", 3)),
        ("::ffff:192.0.2.7", 3, LocalAddress("::ffff:192.0.2.7", 0)),
        ("ff02::fd", 3, None),
        ("::ffff:224.0.1.187", 3, None),
        ("::ffff:255.255.255.255", 3, None),
    ],
)
def test_ipv6_destination_of_a_datagram(
    destination: str, ifindex: int, expected: LocalAddress | None
) -> None:
    data = _in6_pktinfo(destination, ifindex)
    assert local_address_of(socket.AF_INET6, [(*IN_PKTINFO_V6, data)]) == expected


def test_missing_or_short_ancillary_data_has_no_local_address() -> None:
    assert local_address_of(socket.AF_INET, []) is None
    assert local_address_of(socket.AF_INET6, []) is None
    assert local_address_of(socket.AF_INET, [(*IN_PKTINFO_V4, b"\x00" * 4)]) is None
    assert local_address_of(socket.AF_INET6, [(*IN_PKTINFO_V6, b"\x00" * 8)]) is None
    other = (socket.IPPROTO_IP, socket.IP_TTL, b"\x40\x00\x00\x00")
    assert local_address_of(socket.AF_INET, [other]) is None


def test_reply_ancillary_data_names_the_source() -> None:
    [(level, kind, data)] = ancillary_for(socket.AF_INET, LocalAddress("192.0.2.7"))
    assert (level, kind) == IN_PKTINFO_V4
    assert data == _in_pktinfo(0, "192.0.2.7", "0.0.0.0")
    [(level, kind, data)] = ancillary_for(socket.AF_INET6, LocalAddress("fe80::7", 3))
    assert (level, kind) == IN_PKTINFO_V6
    assert data == _in6_pktinfo("fe80::7", 3)


def test_flow_reads_like_a_peer_address() -> None:
    flow = Flow.of(("::ffff:192.0.2.9", 5700, 0, 0), LocalAddress("::ffff:192.0.2.7"))
    assert (flow[0], flow[1]) == ("192.0.2.9", 5700)
    assert flow.sockaddr == ("::ffff:192.0.2.9", 5700, 0, 0)
    other_local = Flow.of(("::ffff:192.0.2.9", 5700, 0, 0), LocalAddress("::ffff:192.0.2.8"))
    assert flow != other_local
    assert len({flow, other_local, Flow.of(("::ffff:192.0.2.9", 5700, 0, 0))}) == 3
    assert plain_host("::ffff:10.1.2.3") == "10.1.2.3"
    assert plain_host("2001:db8::1") == "2001:db8::1"
    assert plain_host("device.example") == "device.example"


@pytest.mark.parametrize(
    ("host", "expected"),
    [("0.0.0.0", True), ("::", True), ("::%lo", True), ("127.0.0.1", False), ("lan", False)],
)
def test_is_any_address(host: str, expected: bool) -> None:
    assert is_any_address(host) is expected


# ---------------------------------------------------------------- over loopback


@pytest.fixture(autouse=True)
def more_loopback(socket_enabled: None) -> None:
    """Clients here connect to loopback addresses besides 127.0.0.1."""
    pytest_socket.socket_allow_hosts(LOOPBACK, allow_unix_socket=True)


def test_loopback_picks_its_own_source_otherwise(socket_enabled: None) -> None:
    """Guards the tests below: without PKTINFO a reply to 127.0.0.1 leaves from 127.0.0.1,
    so a client that wrote to 127.0.0.2 would not take it."""
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client,
    ):
        server.bind(("0.0.0.0", 0))
        client.bind(("127.0.0.1", 0))
        client.settimeout(2)
        server.sendto(b"x", client.getsockname())
        _, source = client.recvfrom(16)
        assert source[0] == "127.0.0.1"


async def _get_hello(server: RunningServer, target: str, identity: bytes = b"dev-a") -> bytes:
    local = "::1" if ":" in target else "127.0.0.1"
    peer = await UdpPeer.connect(server.port, target, local_host=local)
    client = PskClient(identity, KEYS[identity])
    try:
        await handshake_over_udp(peer, client)
        peer.send(client.application_data(get("x")))
        while not (answers := client.take_application_data()):
            client.receive(await peer.receive())
        peer.send(client.close_notify())
    finally:
        peer.close()
    response = decode(answers[0])
    assert str(response.code) == "2.05 Content"
    return bytes(response.payload)


@pytest.mark.parametrize(("bind", "target"), ROUTES)
async def test_any_address_answers_from_the_address_written_to(
    start_server: StartServer, bind: str, target: str
) -> None:
    server = await start_server(host=bind)
    assert server.endpoint.local_address == (bind, server.port)
    assert await _get_hello(server, target) == b"hello"
    assert server.endpoint.stats().handshakes_completed == 1


@pytest.mark.parametrize(("bind", "target"), ROUTES)
async def test_first_answer_source_is_the_destination(
    start_server: StartServer, bind: str, target: str
) -> None:
    """Seen from an unconnected socket: the HelloVerifyRequest comes from ``target``."""
    server = await start_server(host=bind)
    family = socket.AF_INET6 if ":" in target else socket.AF_INET
    local = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    loop = asyncio.get_running_loop()
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind((local, 0))
        sock.setblocking(False)
        await loop.sock_sendto(
            sock, PskClient(b"dev-a", KEYS[b"dev-a"]).start(), (target, server.port)
        )
        answer, source = await asyncio.wait_for(loop.sock_recvfrom(sock, 2048), 5)
    assert (source[0], source[1]) == (target, server.port)
    assert [t for t, _ in handshake_messages(answer)] == [HandshakeType.HELLO_VERIFY_REQUEST]


class _Demux(_Inbox):
    """One unconnected socket; what arrives is sorted by the address it came from."""

    def __init__(self) -> None:
        super().__init__()
        self.by_source: dict[str, asyncio.Queue[bytes]] = {}

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.by_source.setdefault(str(addr[0]), asyncio.Queue()).put_nowait(data)


class _Via(UdpPeer):
    """The shared socket, as seen by a client that writes to ``target`` only."""

    def __init__(self, transport: Any, demux: _Demux, target: tuple[str, int]) -> None:
        inbox = _Inbox()
        inbox.queue = demux.by_source.setdefault(target[0], asyncio.Queue())
        super().__init__(transport, inbox)
        self._target = target

    def send(self, datagram: bytes) -> None:
        self._transport.sendto(datagram, self._target)

    def close(self) -> None:
        """The shared socket is closed by its owner."""


async def test_one_peer_two_local_addresses_two_sessions(start_server: StartServer) -> None:
    """A session belongs to (peer, local address): the same peer port may hold one per address."""
    server = await start_server(host="0.0.0.0")
    loop = asyncio.get_running_loop()
    transport, demux = await loop.create_datagram_endpoint(_Demux, local_addr=("127.0.0.1", 0))
    try:
        clients = {}
        for target in ("127.0.0.1", "127.0.0.2"):
            via = _Via(transport, demux, (target, server.port))
            client = PskClient(b"dev-a", KEYS[b"dev-a"])
            await handshake_over_udp(via, client)
            clients[target] = (via, client)
        assert server.endpoint.stats().sessions == 2
        for via, client in clients.values():
            via.send(client.application_data(get("x")))
            while not (answers := client.take_application_data()):
                client.receive(await via.receive())
            assert decode(answers[0]).payload == b"hello"
    finally:
        transport.close()


@requires_tinydtls
@pytest.mark.parametrize(
    ("bind", "target"), [("0.0.0.0", "127.0.0.2"), ("::", "::1"), ("::", "127.0.0.2")]
)
async def test_server_request_over_a_session_on_the_any_address(
    start_server: StartServer, bind: str, target: str
) -> None:
    server = await start_server(host=bind, keys={b"dev-a": KEYS[b"dev-a"]})
    device = await start_device(server.port, b"dev-a", KEYS[b"dev-a"], host=target)
    try:
        response = await asyncio.wait_for(register(device, server.port, host=target), 10)
        assert str(response.code) == "2.01 Created"
        remote = await asyncio.wait_for(server.registrations.remotes.get(), 5)
        assert psk_identity_of(remote) == b"dev-a"
        assert remote.hostinfo_local == _authority(target, server.port)
        assert remote.hostinfo.startswith(("127.0.0.1:", "[::1]:"))

        read = aiocoap.Message(code=aiocoap.GET, uri_path=("3", "0"))
        read.remote = server.endpoint.remote_for_identity(b"dev-a")
        answer = await asyncio.wait_for(server.context.request(read).response, 10)
        assert str(answer.code) == "2.05 Content"
        assert answer.payload == b"device-says-hi"
    finally:
        await device.shutdown()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package libcoap3-bin)")
    return path


@pytest.mark.interop
@pytest.mark.parametrize("client", ["coap-client-openssl", "coap-client-gnutls"])
@pytest.mark.parametrize(("bind", "target"), ROUTES)
async def test_libcoap_client_over_the_any_address(
    start_server: StartServer, client: str, bind: str, target: str
) -> None:
    binary = _tool(client)
    server = await start_server(host=bind, keys={b"interop-device": b"0123456789abcdef"})
    url = f"coaps://{_authority(target, server.port)}/x"
    process = await asyncio.create_subprocess_exec(
        binary,
        "-B",
        "5",
        "-u",
        "interop-device",
        "-k",
        "0123456789abcdef",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 20)
    text = output.decode(errors="replace")
    assert text.strip().endswith("hello"), text
    assert server.endpoint.stats().handshakes_completed == 1


# ---------------------------------------------------------------- binding rules


@pytest.mark.parametrize("bind", ["0.0.0.0", "::"])
async def test_taken_port_fails_loudly_on_the_any_address(
    start_server: StartServer, bind: str
) -> None:
    server = await start_server(host="127.0.0.1")
    with pytest.raises(DtlsBindError, match=str(server.port)):
        await create_dtls_context(None, (bind, server.port), {}.get)


@pytest.mark.parametrize(
    ("first", "second"),
    [("0.0.0.0", "0.0.0.0"), ("::", "0.0.0.0"), ("0.0.0.0", "::"), ("::", "::")],
)
async def test_any_address_port_is_not_shared(
    start_server: StartServer, first: str, second: str
) -> None:
    server = await start_server(host=first)
    with pytest.raises(DtlsBindError, match=str(server.port)):
        await create_dtls_context(None, (second, server.port), {}.get)


async def test_empty_host_is_refused(socket_enabled: None) -> None:
    with pytest.raises(DtlsConfigurationError, match="0.0.0.0 or ::"):
        await create_dtls_context(None, ("", 0), {}.get)


async def test_host_name_binds_one_of_its_addresses(start_server: StartServer) -> None:
    server = await start_server(host="localhost")
    assert server.endpoint.local_address[0] in ("127.0.0.1", "::1")
