"""Interoperability with Mbed TLS 3.6's ssl_client2: DTLS 1.2 PSK with a Connection ID
(RFC 9146), through a relay that changes the client's source port mid-session, as a
carrier NAT does to a device that slept."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from custom_components.lwm2m.engine.dtls.records import ContentType
from custom_components.lwm2m.engine.dtls.server import CloseReason
from custom_components.lwm2m.engine.dtls.session import DtlsSession, PeerAddress
from custom_components.lwm2m.engine.dtls.udp_driver import UdpDtlsDriver
from tests.peers import Peers

from .relay import RebindingRelay

pytestmark = pytest.mark.interop

IDENTITY = b"mbedtls-device"
KEY = bytes(range(16))
CLIENT_CID = "c0ffee"


@dataclass
class EchoListener:
    """Answers every application record with "echo: " and what came; records moves."""

    driver: UdpDtlsDriver | None = None
    received: list[bytes] = field(default_factory=list)
    moved: list[tuple[PeerAddress, PeerAddress]] = field(default_factory=list)
    sessions: list[DtlsSession] = field(default_factory=list)

    def session_established(self, session: DtlsSession) -> None:
        self.sessions.append(session)

    def session_data(self, session: DtlsSession, data: bytes) -> None:
        self.received.append(data)
        assert self.driver is not None
        self.driver.send(session, b"echo: " + data)

    def session_closed(self, session: DtlsSession, reason: CloseReason) -> None:
        pass

    def session_moved(self, session: DtlsSession, previous: PeerAddress) -> None:
        self.moved.append((previous, session.peer))

    def session_table_full(self, full: bool) -> None:
        pass


async def ssl_client2(peers: Peers, port: int, *options: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(peers.ssl_client2),
        "server_addr=127.0.0.1",
        f"server_port={port}",
        "dtls=1",
        f"psk={KEY.hex()}",
        f"psk_identity={IDENTITY.decode()}",
        "read_timeout=1000",
        "max_resend=5",
        "hs_timeout=250-4000",
        *options,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    async with asyncio.timeout(60):
        output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


@pytest.mark.parametrize(
    "suite",
    [
        "TLS-PSK-WITH-AES-128-CCM-8",
        "TLS-PSK-WITH-AES-128-CCM",
        "TLS-PSK-WITH-AES-128-GCM-SHA256",
        "TLS-PSK-WITH-AES-128-CBC-SHA256",
    ],
)
@pytest.mark.parametrize("client_cid", [CLIENT_CID, ""], ids=["client-cid", "no-client-cid"])
async def test_ssl_client2_keeps_its_session_across_a_source_port_change(
    socket_enabled: None, peers: Peers, suite: str, client_cid: str
) -> None:
    listener = EchoListener()
    driver = await UdpDtlsDriver.bind(("127.0.0.1", 0), {IDENTITY: KEY}.get, listener)
    listener.driver = driver
    relay = await RebindingRelay(("127.0.0.1", driver.local_address[1])).start()
    # Once the first answer went back (the client's first exchange is complete), the
    # client's next datagrams leave from a new port and its old one is gone.
    first_answer = ContentType.TLS12_CID if client_cid else ContentType.APPLICATION_DATA
    relay.rebind_when = lambda datagram: datagram[0] == first_answer
    try:
        status, output = await ssl_client2(
            peers,
            relay.port,
            f"force_ciphersuite={suite}",
            "cid=1",
            f"cid_val={client_cid}",
            "exchanges=2",
        )
    finally:
        relay.close()
        driver.close()
    assert "Performing the SSL/TLS handshake... ok" in output, output
    assert "(initial handshake) Use of Connection ID has been negotiated." in output, output
    assert output.count("< Read from server:") == 2, output
    assert output.count("echo: GET / HTTP/1.0") == 2, output
    assert status == 0, output
    assert relay.rebound.is_set()
    assert len(listener.sessions) == 1
    old_port, new_port = relay.source_ports
    assert [(before[1], after[1]) for before, after in listener.moved] == [(old_port, new_port)]
    assert listener.sessions[0].peer[1] == new_port
    assert len(listener.received) == 2
