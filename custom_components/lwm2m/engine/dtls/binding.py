"""The address a DTLS server binds, and its UDP socket."""

from __future__ import annotations

import asyncio
import errno
import socket

from ..socket_buffers import enlarge_receive_buffer
from .addresses import enable_local_address_reporting, is_any_address
from .errors import DtlsBindError, DtlsConfigurationError


def check_bind_address(bind: tuple[str, int]) -> None:
    """Refuse what cannot be bound: an empty host, a port out of range."""
    host, port = bind
    if not host:
        raise DtlsConfigurationError(
            "the DTLS server needs an address to bind: 0.0.0.0 or :: for every "
            "interface, or an address of this host"
        )
    if not 0 <= port <= 0xFFFF:
        raise DtlsConfigurationError(f"port {port} out of range")


def bind_failed(bind: tuple[str, int], err: OSError) -> DtlsBindError:
    return DtlsBindError(
        f"cannot bind the DTLS server to {bind[0]} port {bind[1]}: {err.strerror or err}"
    )


async def open_udp_socket(bind: tuple[str, int]) -> tuple[socket.socket, bool]:
    """A non-blocking UDP socket bound to ``bind``, and whether that is the any-address.

    0.0.0.0 binds every IPv4 address; :: binds every IPv6 and IPv4 address (a
    dual-stack socket, IPv4 peers appearing IPv4-mapped). On the any-address the
    socket reports each datagram's destination (see :mod:`.addresses`). No
    SO_REUSEADDR or SO_REUSEPORT: a port in use raises :class:`DtlsBindError`
    rather than being shared. A host name binds the first of its addresses that
    can be bound, unless the port is taken there.
    """
    check_bind_address(bind)
    host, port = bind
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM, proto=socket.IPPROTO_UDP)
    except OSError as err:
        raise bind_failed(bind, err) from err
    failure: OSError = OSError(f"no address found for {host!r}")
    for family, kind, proto, _name, sockaddr in infos:
        try:
            sock = socket.socket(family, kind, proto)
        except OSError as err:  # an address family this host lacks
            failure = err
            continue
        try:
            sock.setblocking(False)
            enlarge_receive_buffer(sock)
            any_address = is_any_address(str(sockaddr[0]))
            if any_address:
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                enable_local_address_reporting(sock)
            sock.bind(sockaddr)
        except OSError as err:
            sock.close()
            failure = err
            if err.errno == errno.EADDRINUSE:
                break  # taken: not a reason to try the name's next address
            continue
        except BaseException:
            sock.close()
            raise
        return sock, any_address
    raise bind_failed(bind, failure) from failure
