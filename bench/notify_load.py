"""A load generator cheaper than the servers it loads: pre-encoded CoAP notifications.

Runs in a spawned child (:func:`run_load`), so its CPU is never the server's. Against the
engine it first plays one device with a plain UDP socket: it registers, answers every
request from the server with a piggybacked 2.05 Content, and remembers the token of the
observation of the temperature. Against the raw floor there is nothing to set up.

It then encodes every notification in advance (a confirmable 2.05 Content with the
observation's token, an increasing Observe number and message ID, a text/plain value), and
keeps ``window`` of them in flight: each acknowledgement received sends the next one. The
hot loop is one ``recv`` and one ``send`` per notification; its CPU is reported.
"""

from __future__ import annotations

import socket
import time
from typing import Any

from aiocoap import CON, Message
from aiocoap.numbers.codes import Code

HOST = "127.0.0.1"
ENDPOINT = "notify-load"
OBSERVED = ("3303", "0", "5700")
MAX_DATAGRAMS = 60_000  # message IDs stay unique for the whole run (fewer than 65,536)


def _register(sock: socket.socket, results: Any) -> bytes:
    """Registers one device, answers the server until it observes the temperature."""
    register = Message(
        mtype=CON,
        code=Code.POST,
        mid=1,
        token=b"\x01",
        uri_path=("rd",),
        uri_query=(f"ep={ENDPOINT}", "lt=86400", "lwm2m=1.1", "b=U"),
        content_format=40,
        payload=b"</3303/0/5700>",
    )
    sock.send(register.encode())
    token = b""
    while not token:
        message = Message.decode(sock.recv(2048))
        if message.code == Code.CREATED:
            results.put({"registered": True})
            continue
        if not message.code.is_request():
            continue
        answer = Message(
            mtype=2, code=Code.CONTENT, mid=message.mid, token=message.token,
            content_format=0, payload=b"20",
        )  # fmt: skip
        if message.opt.observe == 0 and tuple(message.opt.uri_path) == OBSERVED:
            answer.opt.observe = 1
            token = message.token
        sock.send(answer.encode())
    return token


def _datagrams(token: bytes, count: int) -> list[bytes]:
    return [
        Message(
            mtype=CON,
            code=Code.CONTENT,
            mid=n & 0xFFFF,
            token=token,
            observe=n + 2,
            content_format=0,
            payload=b"%d.5" % (n % 40),
        ).encode()  # fmt: skip
        for n in range(count)
    ]


def run_load(port: int, register: bool, seconds: float, window: int, results: Any) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    sock.connect((HOST, port))
    token = _register(sock, results) if register else b"\x07\x07"
    datagrams = _datagrams(token, MAX_DATAGRAMS)
    results.put({"ready": True})
    sock.settimeout(0.5)
    cpu_start = time.process_time()
    started = time.monotonic()
    deadline = started + seconds
    sent = acknowledged = timeouts = 0
    for datagram in datagrams[:window]:
        sock.send(datagram)
    sent = window
    while sent < MAX_DATAGRAMS:
        try:
            sock.recv(64)
            acknowledged += 1
        except TimeoutError:
            timeouts += 1
        if time.monotonic() >= deadline:
            break
        sock.send(datagrams[sent])
        sent += 1
    sock.close()
    counts = {"sent": sent, "acknowledged": acknowledged, "timeouts": timeouts}
    results.put(load_figures(counts, started, cpu_start, acknowledged, "notification"))


def load_figures(
    counts: dict[str, int], started: float, cpu_start: float, handled: int, unit: str
) -> dict[str, Any]:
    """The load's counts, its wall-clock time and its CPU, in all and per ``unit``."""
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu_start
    return counts | {
        "seconds": elapsed,
        "load_cpu_seconds": cpu,
        f"load_cpu_us_per_{unit}": 1e6 * cpu / max(handled, 1),
    }
