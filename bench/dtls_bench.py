"""DTLS server throughput and flood memory, on loopback.

Usage: python bench/dtls_bench.py [handshakes] [exchanges] [--json-only]

The server runs in a child process (so its memory is measured alone); the
clients run here. Figures:

* handshakes/s: sequential full handshakes (cookie exchange included) plus one
  CoAP GET each, one client at a time;
* records/s: CoAP GET/2.05 exchanges over one session, 16 in flight, counted
  as two application records each (request in, response out);
* server-only handshakes/s and records/s of the DTLS server, in memory
  without sockets (CPU cost of the Python DTLS code itself);
* flood: server RSS before and after 20,000 junk datagrams from 5,000 source
  ports, and the table peaks it caused.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from tests.engine.dtls.client import (  # noqa: E402
    PskClient,
    UdpPeer,
    build_client_hello,
    handshake_over_udp,
)
from tests.engine.dtls.coap import decode, request  # noqa: E402
from tests.engine.dtls.flood import flood  # noqa: E402
from tests.engine.dtls.harness import Net  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from server_process import ServerProcess, serve_dtls  # noqa: E402

IDENTITY = b"bench-device"
KEY = b"0123456789abcdef"


# ------------------------------------------------------------------ child: the server


# ------------------------------------------------------------------ parent: the clients


def client_hello() -> bytes:
    # As many constrained clients send it: renegotiation_info by the SCSV.
    return build_client_hello(renegotiation_scsv=True)


async def one_handshake_and_get(port: int) -> None:
    peer = await UdpPeer.connect(port)
    try:
        client = PskClient(IDENTITY, KEY, client_hello())
        await handshake_over_udp(peer, client)
        peer.send(client.application_data(request("x")))
        while not client.take_application_data():
            client.receive(await peer.receive())
        peer.send(client.close_notify())
    finally:
        peer.close()


async def handshakes_per_second(port: int, count: int) -> float:
    await one_handshake_and_get(port)  # warm-up
    start = time.perf_counter()
    for _ in range(count):
        await one_handshake_and_get(port)
    return count / (time.perf_counter() - start)


async def records_per_second(port: int, exchanges: int, window: int = 16) -> float:
    peer = await UdpPeer.connect(port)
    client = PskClient(IDENTITY, KEY, client_hello())
    await handshake_over_udp(peer, client)
    answered = 0
    sent = 0
    start = time.perf_counter()
    while answered < exchanges:
        while sent < exchanges and sent - answered < window:
            peer.send(client.application_data(request("x", message_id=sent & 0xFFFF)))
            sent += 1
        client.receive(await peer.receive())
        for data in client.take_application_data():
            assert decode(data).payload == b"hello"
            answered += 1
    elapsed = time.perf_counter() - start
    peer.send(client.close_notify())
    peer.close()
    return 2 * exchanges / elapsed


def server_only_builtin(count: int, records: int) -> dict[str, float]:
    """CPU cost of the sans-I/O server alone (no sockets, no aiocoap)."""
    net = Net(keys={IDENTITY: KEY})
    spent = 0.0
    clients = []
    for index in range(count):
        peer = (f"10.1.{index // 250}.{index % 250}", 40000)
        client = PskClient(IDENTITY, KEY, client_hello())
        pending = [client.start()]
        while pending:
            datagram = pending.pop(0)
            start = time.perf_counter()
            answers = net.deliver(peer, datagram)
            spent += time.perf_counter() - start
            for answer in answers:
                pending += client.receive(answer)
        clients.append((peer, client))
    peer, client = clients[0]
    sealed = [client.application_data(bytes(60)) for _ in range(records)]
    start = time.perf_counter()
    for datagram in sealed:
        net.server.datagram_received(datagram, peer)
    inbound = records / (time.perf_counter() - start)
    session = net.server.session(peer)
    assert session is not None
    start = time.perf_counter()
    for _ in range(records):
        net.server.send(session, bytes(60))
    outbound = records / (time.perf_counter() - start)
    return {
        "handshakes_per_s": count / spent,
        "records_in_per_s": inbound,
        "records_out_per_s": outbound,
    }


async def measure(handshakes: int, exchanges: int) -> dict[str, Any]:
    server = ServerProcess([sys.executable, __file__, "--serve"])
    try:
        result: dict[str, Any] = {}
        result["handshakes_per_s"] = await handshakes_per_second(server.port, handshakes)
        result["records_per_s"] = await records_per_second(server.port, exchanges)
        await asyncio.sleep(0.5)
        before = server.rss_kib
        started = time.perf_counter()
        sent = await asyncio.to_thread(flood, server.port, 20_000, 5_000)
        result["flood_seconds"] = time.perf_counter() - started
        await asyncio.sleep(1.0)
        result["flood_datagrams"] = sent
        result["rss_before_kib"] = before
        result["rss_after_kib"] = server.rss_kib
        result["tables_after_flood"] = server.stats()
        return result
    finally:
        server.stop()


def table(r: dict[str, Any], server_only: dict[str, float]) -> str:
    tables = r["tables_after_flood"]
    lines = [
        f"{'handshakes/s':>12} {'records/s':>10} "
        f"{'flood RSS before→after (KiB)':>30} {'peak hs':>8} {'peak sess':>9}",
        f"{r['handshakes_per_s']:>12.0f} {r['records_per_s']:>10.0f} "
        f"{r['rss_before_kib']:>14} → {r['rss_after_kib']:<13} "
        f"{tables['peak_handshakes']:>8} {tables['peak_sessions']:>9}",
    ]
    lines.append(
        f"server only, in memory: {server_only['handshakes_per_s']:.0f} handshakes/s, "
        f"{server_only['records_in_per_s']:.0f} records/s in, "
        f"{server_only['records_out_per_s']:.0f} records/s out"
    )
    return "\n".join(lines)


async def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    handshakes = int(args[0]) if args else 200
    exchanges = int(args[1]) if len(args) > 1 else 5_000
    result = await measure(handshakes, exchanges)
    server_only = server_only_builtin(handshakes, 20_000)
    if "--json-only" not in sys.argv:
        print(table(result, server_only))
    print(json.dumps({"loopback": result, "server_only": server_only}, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        asyncio.run(serve_dtls({IDENTITY: KEY}))
    else:
        os.environ.setdefault("PYTHONHASHSEED", "0")
        asyncio.run(main())
