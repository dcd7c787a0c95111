"""Check that the server's UDP ports can be bound before the entry uses them."""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterable


class BindAddressError(OSError):
    """The bind address is not an address of this host."""


def _family(address: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def first_taken_port(address: str, ports: Iterable[int]) -> int | None:
    """The first port of ``ports`` that cannot be bound on ``address``, or None.

    Blocking: run it in the executor. Raises BindAddressError for an unusable address.
    """
    for port in ports:
        with socket.socket(_family(address), socket.SOCK_DGRAM) as probe:
            try:
                probe.bind((address, port))
            except socket.gaierror as err:
                raise BindAddressError(str(err)) from err
            except OSError as err:
                if err.errno in (errno.EADDRINUSE, errno.EACCES):
                    return port
                raise BindAddressError(str(err)) from err
    return None
