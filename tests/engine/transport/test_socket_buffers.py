"""Server sockets ask for a receive buffer that absorbs bursts."""

from __future__ import annotations

import os
import socket

from custom_components.lwm2m.engine.dtls.binding import open_udp_socket
from custom_components.lwm2m.engine.socket_buffers import RECEIVE_BUFFER, enlarge_receive_buffer
from custom_components.lwm2m.engine.transport.udp import bind_udp


def _default_buffer() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        return sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)


def _granted_enough(size: int) -> bool:
    """Root gets what it asks for (the kernel doubles it for bookkeeping); anyone else
    at least the default, up to the system's cap."""
    if os.geteuid() == 0:
        return size >= RECEIVE_BUFFER
    return size >= _default_buffer()


def test_a_plain_socket_gets_the_larger_buffer(loopback: None) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        granted = enlarge_receive_buffer(sock)
        assert granted == sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        assert _granted_enough(granted)
        if os.geteuid() == 0:
            assert granted > _default_buffer()


async def test_the_coap_server_socket_is_enlarged(loopback: None) -> None:
    context = await bind_udp("127.0.0.1", 0, None)
    try:
        interface = context.request_interfaces[0].token_interface.message_interface
        sock = interface.transport.get_extra_info("socket")
        assert _granted_enough(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    finally:
        await context.shutdown()


async def test_the_dtls_server_socket_is_enlarged(loopback: None) -> None:
    sock, _ = await open_udp_socket(("127.0.0.1", 0))
    with sock:
        assert _granted_enough(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
