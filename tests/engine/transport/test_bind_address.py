"""The UDP port probe, over real sockets."""

from __future__ import annotations

import socket
from unittest.mock import patch

import pytest

from custom_components.lwm2m.engine import BindAddressError, first_taken_port
from custom_components.lwm2m.engine.transport.bind_address import dual_stack_available, server_host

pytestmark = pytest.mark.usefixtures("socket_enabled")

DUAL_STACK = "custom_components.lwm2m.engine.transport.bind_address.dual_stack_available"


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


def test_any_address_becomes_dual_stack_where_the_host_has_ipv6() -> None:
    if not dual_stack_available():
        pytest.skip("this host cannot open a dual-stack socket")
    assert server_host("0.0.0.0") == "::"
    assert server_host("::") == "::"
    assert server_host("127.0.0.1") == "127.0.0.1"
    assert server_host("192.0.2.7") == "192.0.2.7"


def test_any_address_stays_ipv4_without_ipv6() -> None:
    with patch(DUAL_STACK, return_value=False):
        assert server_host("0.0.0.0") == "0.0.0.0"


def test_no_dual_stack_when_ipv6_sockets_fail() -> None:
    with patch("socket.socket", side_effect=OSError(97, "Address family not supported")):
        assert not dual_stack_available()
    with patch.object(socket, "has_ipv6", False):
        assert not dual_stack_available()


def test_probe_of_the_any_address_takes_ipv6_ports_into_account() -> None:
    """0.0.0.0 is bound as :: (dual-stack): a port held on IPv6 only is taken too."""
    if not dual_stack_available():
        pytest.skip("this host cannot open a dual-stack socket")
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(("::", 0))
        port = sock.getsockname()[1]
        assert first_taken_port("0.0.0.0", [port]) == port
