"""Who sent a datagram, and to which of this host's addresses.

A server bound to the any-address (0.0.0.0, or :: for IPv6 and IPv4 alike) shares
one socket between all of the host's addresses. The kernel tells, per datagram,
which address it was sent to (IP_PKTINFO / IPV6_PKTINFO ancillary data, RFC 3542),
and the reply names that address as its source: a device only accepts an answer
from the address it wrote to, and on a host with several addresses the routing
table alone may pick another one.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from typing import Any, NamedTuple

from .errors import DtlsConfigurationError

# struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst, ipi_addr; }
_IN_PKTINFO = struct.Struct("@i4s4s")
# struct in6_pktinfo { struct in6_addr ipi6_addr; unsigned int ipi6_ifindex; }
_IN6_PKTINFO = struct.Struct("@16sI")

_LIMITED_BROADCAST = ipaddress.IPv4Address("255.255.255.255")

ANCILLARY_BUFFER_SIZE = socket.CMSG_SPACE(max(_IN_PKTINFO.size, _IN6_PKTINFO.size))

Ancillary = list[tuple[int, int, bytes]]


class LocalAddress(NamedTuple):
    """The address of this host a datagram was sent to, as the socket's family writes it.

    ``ifindex`` is kept for link-local addresses only, where the interface is part
    of the address; elsewhere it is 0 and routing picks the way out.
    """

    host: str
    ifindex: int = 0


class Flow(NamedTuple):
    """A peer as one socket sees it: what DTLS handshakes and sessions are keyed by.

    ``host`` and ``port`` come first, so code that reads a peer as (host, port, ...)
    reads this the same way; ``host`` shows an IPv4 peer of a dual-stack socket
    in IPv4 form. ``sockaddr`` is the address as the socket reported it, for
    sending back, and ``local`` is where the peer wrote to (None on a socket bound
    to one address, where that is never in doubt).
    """

    host: str
    port: int
    sockaddr: tuple[Any, ...]
    local: LocalAddress | None = None

    @classmethod
    def of(cls, sockaddr: tuple[Any, ...], local: LocalAddress | None = None) -> Flow:
        return cls(plain_host(str(sockaddr[0])), int(sockaddr[1]), tuple(sockaddr), local)


def plain_host(host: str) -> str:
    """``host`` with an IPv4-mapped IPv6 address written as the IPv4 address it maps."""
    if "." in host and ":" in host:
        try:
            mapped = ipaddress.IPv6Address(host).ipv4_mapped
        except ValueError:
            return host
        if mapped is not None:
            return str(mapped)
    return host


def is_any_address(host: str) -> bool:
    """True for an unspecified address (0.0.0.0, ::), False for anything else, names too."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_unspecified
    except ValueError:
        return False


def enable_local_address_reporting(sock: socket.socket) -> None:
    """Ask the kernel to attach the destination address to every datagram ``sock`` gets."""
    try:
        if sock.family == socket.AF_INET:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1)
        elif sock.family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
        else:
            raise DtlsConfigurationError(f"unsupported address family {sock.family!r}")
    except (AttributeError, OSError) as err:
        raise DtlsConfigurationError(
            "this system cannot tell which local address a datagram was sent to "
            f"({err}): bind the DTLS server to an address of this host instead"
        ) from err


def local_address_of(family: int, ancillary: Ancillary) -> LocalAddress | None:
    """The unicast address of this host a datagram was sent to, from its ancillary data.

    None when the data is missing, or when the datagram went to a multicast or
    broadcast address: DTLS has no use for those, and no reply can come from them.
    """
    for level, kind, data in ancillary:
        if family == socket.AF_INET and level == socket.IPPROTO_IP and kind == socket.IP_PKTINFO:
            if len(data) < _IN_PKTINFO.size:
                return None
            _ifindex, spec_dst, destination = _IN_PKTINFO.unpack_from(data)
            address = ipaddress.IPv4Address(destination)
            # The kernel's choice of source for a reply differs from the destination
            # exactly when that was not one of this host's unicast addresses.
            if address.is_multicast or spec_dst != destination:
                return None
            return LocalAddress(str(address))
        if (
            family == socket.AF_INET6
            and level == socket.IPPROTO_IPV6
            and kind == socket.IPV6_PKTINFO
        ):
            if len(data) < _IN6_PKTINFO.size:
                return None
            raw, ifindex = _IN6_PKTINFO.unpack_from(data)
            address6 = ipaddress.IPv6Address(raw)
            mapped = address6.ipv4_mapped
            if address6.is_multicast or (
                mapped is not None and (mapped.is_multicast or mapped == _LIMITED_BROADCAST)
            ):
                return None
            return LocalAddress(str(address6), ifindex if address6.is_link_local else 0)
    return None


def ancillary_for(family: int, local: LocalAddress) -> Ancillary:
    """Ancillary data that makes a datagram leave from ``local``."""
    if family == socket.AF_INET:
        packed = ipaddress.IPv4Address(local.host).packed
        return [(socket.IPPROTO_IP, socket.IP_PKTINFO, _IN_PKTINFO.pack(0, packed, bytes(4)))]
    packed6 = ipaddress.IPv6Address(local.host).packed
    return [(socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, _IN6_PKTINFO.pack(packed6, local.ifindex))]
