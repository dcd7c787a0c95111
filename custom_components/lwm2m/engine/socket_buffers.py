"""A server socket's receive buffer, sized for bursts.

Whenever the event loop is busy for a moment (a store being written, a garbage
collection), datagrams wait in the kernel; the default buffer (about 200 KiB, some 250
small datagrams) overflows in a quarter of a second at 1,000 notifications/s, and every
datagram lost there costs a CoAP retransmission seconds later -- while a device holds
its next confirmable messages back until the lost one is acknowledged.
"""

from __future__ import annotations

import socket

RECEIVE_BUFFER = 4 * 1024 * 1024  # bytes asked for; the kernel may grant less
# Linux: SO_RCVBUFFORCE passes net.core.rmem_max with CAP_NET_ADMIN
_SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)


def enlarge_receive_buffer(sock: socket.socket, size: int = RECEIVE_BUFFER) -> int:
    """Ask for a ``size`` receive buffer (beyond the system's cap when privileged);
    returns what the kernel granted. Never raises: the default buffer still works."""
    for option in (_SO_RCVBUFFORCE, socket.SO_RCVBUF):
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, size)
            break
        except OSError:
            continue
    return sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
