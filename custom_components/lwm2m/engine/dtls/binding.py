"""Checks on the address a DTLS server binds."""

from __future__ import annotations

import ipaddress

from .errors import DtlsConfigurationError


def check_bind_address(bind: tuple[str, int]) -> None:
    """Refuse the any-address: replies must leave from the address a device wrote to."""
    host, port = bind
    if not host:
        raise DtlsConfigurationError("the DTLS server needs a concrete local address to bind")
    try:
        unspecified = ipaddress.ip_address(host.split("%", 1)[0]).is_unspecified
    except ValueError:
        unspecified = False  # a host name: resolved when binding
    if unspecified:
        raise DtlsConfigurationError(
            f"the DTLS server cannot bind the any-address {host!r}: give the address "
            "devices reach it on (it does not pick a source address per packet)"
        )
    if not 0 <= port <= 0xFFFF:
        raise DtlsConfigurationError(f"port {port} out of range")
