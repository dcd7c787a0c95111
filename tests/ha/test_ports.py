"""The UDP port probe, over real sockets."""

from __future__ import annotations

import socket

import pytest

from custom_components.lwm2m.ports import BindAddressError, first_taken_port

pytestmark = pytest.mark.usefixtures("socket_enabled")


def test_free_ports_pass() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert first_taken_port("127.0.0.1", [port]) is None


def test_taken_port_is_named() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        assert first_taken_port("127.0.0.1", [port]) == port


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        assert first_taken_port("::1", []) is None
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.bind(("::1", 0))
            assert first_taken_port("::1", [sock.getsockname()[1]]) == sock.getsockname()[1]
    except OSError:
        pytest.skip("IPv6 loopback unavailable")


@pytest.mark.parametrize("address", ["192.0.2.123", "not an address"])
def test_foreign_or_malformed_address(address: str) -> None:
    with pytest.raises(BindAddressError):
        first_taken_port(address, [5683])
