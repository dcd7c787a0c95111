"""Where the servers bind, and whether their UDP ports can be bound before the entry uses them.

The setup default 0.0.0.0 means "every interface". Plain CoAP always serves it from a
dual-stack IPv6 socket, so every server does the same: each one binds ``::`` (IPv6 and
IPv4 devices alike) while the host can open such a socket, else 0.0.0.0.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Iterable

IPV4_ANY = "0.0.0.0"  # noqa: S104 - the servers listen for devices on the network
IPV6_ANY = "::"


class BindAddressError(OSError):
    """The bind address is not an address of this host."""


def _family(address: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def dual_stack_available() -> bool:
    """True when this host can open a dual-stack socket on ``::`` (IPv6 and IPv4)."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            probe.bind((IPV6_ANY, 0))
    except OSError:
        return False
    return True


def server_host(address: str) -> str:
    """The address every server binds for the configured ``address``.

    0.0.0.0 becomes ``::`` where the host has IPv6, so that IPv6 devices reach the
    CoAPs and bootstrap ports as they reach plain CoAP; any other address stays.
    Blocking (it opens a socket): run it in the executor.
    """
    try:
        unspecified_ipv4 = ipaddress.IPv4Address(address).is_unspecified
    except ValueError:
        unspecified_ipv4 = False
    if unspecified_ipv4 and dual_stack_available():
        return IPV6_ANY
    return address


def first_taken_port(address: str, ports: Iterable[int]) -> int | None:
    """The first port of ``ports`` that cannot be bound where the servers will bind, or None.

    Blocking: run it in the executor. Raises BindAddressError for an unusable address.
    """
    host = server_host(address)
    for port in ports:
        with socket.socket(_family(host), socket.SOCK_DGRAM) as probe:
            try:
                if host == IPV6_ANY:
                    probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                probe.bind((host, port))
            except socket.gaierror as err:
                raise BindAddressError(str(err)) from err
            except OSError as err:
                if err.errno in (errno.EADDRINUSE, errno.EACCES):
                    return port
                raise BindAddressError(str(err)) from err
    return None
