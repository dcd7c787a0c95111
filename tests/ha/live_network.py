"""Fixtures of the Home Assistant tests that run the real servers over loopback UDP."""

from __future__ import annotations

import socket

import pytest
import pytest_socket


@pytest.fixture
def expected_lingering_timers() -> bool:
    """aiocoap keeps a timer per received message for its deduplication window."""
    return True


@pytest.fixture
def loopback(socket_enabled: None) -> None:
    pytest_socket.socket_allow_hosts(
        ["127.0.0.1", "::ffff:127.0.0.1", "::1"], allow_unix_socket=True
    )


def free_udp_ports(count: int) -> list[int]:
    """``count`` UDP ports free on 127.0.0.1 a moment ago."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
