"""The UDP transport's address: multicast destinations told from the raw pktinfo."""

from __future__ import annotations

import ipaddress
import struct

import pytest
from aiocoap.transports.udp6 import UDP6EndpointAddress

from custom_components.lwm2m.engine.transport.udp import _Address

PEER = ("::ffff:127.0.0.1", 40000, 0, 0)


class _Interface:
    """Stands for the transport (an address holds it weakly)."""

    def _local_port(self) -> int:
        return 5683


INTERFACE = _Interface()


def _pktinfo(local: str) -> bytes:
    packed = ipaddress.ip_address(local)
    if packed.version == 4:
        packed = ipaddress.IPv6Address(f"::ffff:{local}")
    return struct.pack("16sI", packed.packed, 1)


@pytest.mark.parametrize(
    "local",
    ["127.0.0.1", "192.168.1.10", "224.0.1.187", "239.255.255.250", "240.0.0.1",
     "::1", "fe80::1", "ff02::fd", "ff05::fd", "2001:db8::1"],
)  # fmt: skip
def test_multicast_destination_as_aiocoap_tells_it(local: str) -> None:
    ours = _Address(PEER, INTERFACE, pktinfo=_pktinfo(local))
    theirs = UDP6EndpointAddress(PEER, INTERFACE, pktinfo=_pktinfo(local))
    assert ours.is_multicast_locally is theirs.is_multicast_locally
    assert ours.is_multicast_locally is ipaddress.ip_address(local).is_multicast


def test_an_answer_to_multicast_leaves_the_destination_to_the_kernel() -> None:
    unicast = _Address(PEER, INTERFACE, pktinfo=_pktinfo("127.0.0.1"))
    assert unicast.as_response_address() is unicast
    multicast = _Address(PEER, INTERFACE, pktinfo=_pktinfo("224.0.1.187"))
    answer = multicast.as_response_address()
    assert answer.pktinfo is None
    assert answer.sockaddr == PEER


@pytest.mark.parametrize(
    "peer",
    ["::ffff:127.0.0.1", "::ffff:192.168.1.10", "::ffff:224.0.1.187", "::ffff:239.1.2.3",
     "::1", "fe80::1", "ff02::fd", "ff05::fd", "2001:db8::1"],
)  # fmt: skip
def test_multicast_peer_as_aiocoap_tells_it(peer: str) -> None:
    sockaddr = (peer, 40000, 0, 0)
    ours = _Address(sockaddr, INTERFACE, pktinfo=_pktinfo("127.0.0.1"))
    theirs = UDP6EndpointAddress(sockaddr, INTERFACE, pktinfo=_pktinfo("127.0.0.1"))
    assert ours.is_multicast is theirs.is_multicast
    expected = ipaddress.ip_address(peer.removeprefix("::ffff:")).is_multicast
    assert ours.is_multicast is expected


@pytest.mark.parametrize(
    ("peer", "local"),
    [("::ffff:127.0.0.1", "127.0.0.1"), ("::ffff:192.168.1.10", "224.0.1.187"),
     ("2001:db8::1", "2001:db8::2"), ("fe80::1", "fe80::2"), ("::1", "::1")],
)  # fmt: skip
def test_addresses_read_as_aiocoap_writes_them(peer: str, local: str) -> None:
    """The texts answered from tables (the request URI, log lines) are aiocoap's own."""
    for scope in (0, 1):
        sockaddr = (peer, 40000, 0, scope)
        ours = _Address(sockaddr, INTERFACE, pktinfo=_pktinfo(local))
        theirs = UDP6EndpointAddress(sockaddr, INTERFACE, pktinfo=_pktinfo(local))
        for _ in range(2):  # computed, then from the table
            assert ours.hostinfo == theirs.hostinfo
            assert ours.hostinfo_local == theirs.hostinfo_local
            assert ours.uri_base == theirs.uri_base
            assert repr(ours).replace("_Address", "") == repr(theirs).replace(
                "UDP6EndpointAddress", ""
            )
