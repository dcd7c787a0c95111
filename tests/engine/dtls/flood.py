"""Junk datagrams from many source ports, sent from a thread with blocking sockets."""

from __future__ import annotations

import random
import socket
import time

from custom_components.lwm2m.engine.dtls.records import DTLS_1_2, ContentType, encode_record

from .client import build_client_hello, hello_verify_cookie, insert_cookie

BATCH = 500


def flood(
    port: int,
    datagrams: int = 20_000,
    source_ports: int = 5_000,
    *,
    completed_hellos_every: int = 10,
    vectors: tuple[bytes, ...] = (),
    seed: int = 7,
    hosts: tuple[str, ...] = ("127.0.0.1",),
) -> int:
    """Send ``datagrams`` junk datagrams spread over ``source_ports`` sockets; how many went.

    Every ``completed_hellos_every``-th source port answers its HelloVerifyRequest
    with the cookie and then goes silent, which makes the server keep handshake
    state: that is what fills the handshake table. The sockets are bound to
    ``hosts`` in turn (any 127.x.y.z address is this host's on Linux).
    """
    chance = random.Random(seed)
    hellos = (build_client_hello(), *vectors)
    kinds = [
        lambda: chance.randbytes(chance.randrange(1, 300)),
        lambda: chance.choice(hellos),
        lambda: insert_cookie(chance.choice(hellos), chance.randbytes(16)),
        lambda: encode_record(
            ContentType.APPLICATION_DATA,
            DTLS_1_2,
            1,
            chance.randrange(1 << 40),
            chance.randbytes(40),
        ),
        lambda: encode_record(ContentType.HANDSHAKE, DTLS_1_2, 0, 2, chance.randbytes(30)),
        lambda: encode_record(ContentType.ALERT, DTLS_1_2, 0, 3, b"\x02\x28"),
    ]
    per_port = max(1, datagrams // source_ports)
    sent = 0
    target = ("127.0.0.1", port)
    for first in range(0, source_ports, BATCH):
        sockets = []
        try:
            for index in range(min(BATCH, source_ports - first)):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(sock)
                sock.bind((hosts[(first + index) % len(hosts)], 0))
            for index, sock in enumerate(sockets):
                budget = per_port
                if (first + index) % completed_hellos_every == 0:
                    spent = _complete_cookie_exchange(sock, target)
                    sent += spent
                    budget -= spent
                for _ in range(budget):
                    sock.sendto(kinds[sent % len(kinds)](), target)
                    sent += 1
                    if sent % 50 == 0:
                        time.sleep(0.001)  # keep the server's receive buffer from overflowing
        finally:
            for sock in sockets:
                sock.close()
    return sent


def _complete_cookie_exchange(sock: socket.socket, target: tuple[str, int]) -> int:
    hello = build_client_hello()
    sock.sendto(hello, target)
    sock.settimeout(1.0)
    try:
        answer = sock.recv(2048)
    except TimeoutError:
        return 1
    cookie = hello_verify_cookie(answer)
    if cookie is None:
        return 1
    sock.sendto(insert_cookie(hello, cookie), target)
    return 2
