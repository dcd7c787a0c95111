"""DTLS server before and after a change, in one run: handshakes/s, what a one-identity
session flood leaves of other devices' sessions, and resident memory under a handshake
flood. Each version's server runs in a process of its own (its code from a baseline
revision unpacked by baseline_tree.py, or this tree); the clients run here, on this
tree's test client.

Usage: python bench/dtls_hardening_bench.py [--baseline main] [--handshakes 300]
                                            [--victims 100] [--flood-sessions 2048]
                                            [--flood-handshakes 400] [--json out.json]

* handshakes/s: sequential full handshakes (cookie exchange included) plus one CoAP GET
  each, one client at a time, alternating between the versions' servers in rounds; and
  handshakes per CPU-second of the server alone, in memory (each version's sans-I/O
  server with its own test client, in a process of its own; CPU time, so other load on
  the machine counts less than in the wall-clock rate);
* session flood: ``victims`` devices (identities of their own, from 127.0.0.2) hold a
  session each; one identity then opens ``flood_sessions`` sessions from 127.0.0.3 as fast
  as it can; afterwards each victim sends a GET on its session: how many are answered;
* handshake flood: from 127.0.0.4, ``flood_handshakes`` source ports each finish the
  cookie exchange and then send four 60,000-byte epoch-1 records (what a server may keep
  for later); the server's resident memory before and after, and its tables.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from server_process import ServerProcess, serve_dtls  # noqa: E402

IDENTITY = b"bench-device"
FLOODER = b"flooder"
KEY = b"0123456789abcdef"


def keys(victims: int) -> dict[bytes, bytes]:
    table = {IDENTITY: KEY, FLOODER: KEY}
    table.update({b"victim-%d" % n: KEY for n in range(victims)})
    return table


# ------------------------------------------------------------------ parent: the clients


def start_server(folder: Path, victims: int) -> ServerProcess:
    return ServerProcess(
        [sys.executable, __file__, "--serve", str(folder), "--victims", str(victims)]
    )


async def connect(port: int, identity: bytes, local_host: str = "127.0.0.1") -> Any:
    from tests.engine.dtls.client import (
        PskClient,
        UdpPeer,
        build_client_hello,
        handshake_over_udp,
    )

    peer = await UdpPeer.connect(port, local_host=local_host)
    client = PskClient(identity, KEY, build_client_hello(renegotiation_scsv=True))
    await handshake_over_udp(peer, client, wait=10)
    return peer, client


async def get(peer: Any, client: Any, tries: int = 3) -> bool:
    from tests.engine.dtls.coap import decode, request

    for attempt in range(tries):
        peer.send(client.application_data(request("x", message_id=0x100 + attempt)))
        try:
            async with asyncio.timeout(1.0):
                while not (answers := client.take_application_data()):
                    client.receive(await peer.receive(1.0))
        except TimeoutError:
            continue
        return decode(answers[0]).payload == b"hello"
    return False


async def handshakes_per_second(port: int, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        peer, client = await connect(port, IDENTITY)
        assert await get(peer, client)
        peer.send(client.close_notify())
        peer.close()
    return count / (time.perf_counter() - started)


async def session_flood(server: ServerProcess, victims: int, floods: int) -> dict[str, Any]:
    held = [await connect(server.port, b"victim-%d" % n, "127.0.0.2") for n in range(victims)]
    flooders = []
    started = time.perf_counter()
    for _ in range(floods):
        flooders.append(await connect(server.port, FLOODER, "127.0.0.3"))
    seconds = time.perf_counter() - started
    answered = sum([await get(peer, client, tries=2) for peer, client in held])
    for peer, _ in [*held, *flooders]:
        peer.close()
    stats = server.stats()
    return {
        "victims": victims,
        "flood_sessions": floods,
        "flood_seconds": round(seconds, 1),
        "victims_still_answered": answered,
        "server_sessions_after": stats["sessions"],
    }


def handshake_flood(port: int, sources: int, record_size: int = 60_000) -> int:
    """Cookie exchange, second ClientHello, then four big epoch-1 records, per port;
    how many ports got through the cookie exchange."""
    from custom_components.lwm2m.engine.dtls.records import (
        DTLS_1_2,
        ContentType,
        encode_record,
    )
    from tests.engine.dtls.client import build_client_hello, hello_verify_cookie, insert_cookie

    target = ("127.0.0.1", port)
    junk = [
        encode_record(ContentType.HANDSHAKE, DTLS_1_2, 1, sequence, bytes(record_size))
        for sequence in range(4)
    ]
    validated = 0
    for _ in range(sources):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.4", 0))
            sock.settimeout(2.0)
            hello = build_client_hello()
            sock.sendto(hello, target)
            try:
                cookie = hello_verify_cookie(sock.recv(4096))
            except TimeoutError:
                continue
            if cookie is None:
                continue
            validated += 1
            sock.sendto(insert_cookie(hello, cookie), target)
            for record in junk:
                sock.sendto(record, target)
            time.sleep(0.005)  # let the server read before its socket buffer fills
    return validated


async def flood_memory(server: ServerProcess, sources: int) -> dict[str, Any]:
    before = server.rss_kib
    started = await asyncio.to_thread(handshake_flood, server.port, sources)
    await asyncio.sleep(1.0)
    stats = server.stats()
    return {
        "flood_handshakes": sources,
        "cookie_exchanges_completed": started,
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(server.rss_kib / 1024, 1),
        "handshakes_in_progress_after": stats["handshakes_in_progress"],
        "peak_handshakes": stats["peak_handshakes"],
    }


def in_memory_handshakes(count: int) -> dict[str, float]:
    """Handshakes per CPU-second of the sans-I/O server alone (child process)."""
    from tests.engine.dtls.client import PskClient, build_client_hello
    from tests.engine.dtls.harness import Net

    net = Net(keys={IDENTITY: KEY})
    spent = 0.0
    for index in range(count):
        peer = (f"10.1.{index // 250}.{index % 250}", 40000)
        client = PskClient(IDENTITY, KEY, build_client_hello(renegotiation_scsv=True))
        pending = [client.start()]
        while pending:
            datagram = pending.pop(0)
            started = time.process_time()
            answers = net.deliver(peer, datagram)
            spent += time.process_time() - started
            for answer in answers:
                pending += client.receive(answer)
        assert client.established
        if index % 4 == 3:  # at most four sessions per identity are kept after the change
            net.server.close_all()
    return {"handshakes_per_cpu_s": count / spent}


def run_in_memory(folder: Path, count: int) -> float:
    output = subprocess.run(
        [sys.executable, __file__, "--in-memory", str(folder), "--handshakes", str(count)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(json.loads(output.strip().splitlines()[-1])["handshakes_per_cpu_s"])


async def measure(args: argparse.Namespace, versions: dict[str, Path]) -> dict[str, Any]:
    results: dict[str, Any] = {"load_average_start": list(os.getloadavg())}
    rates: dict[str, list[float]] = {name: [] for name in versions}
    cpu_rates: dict[str, list[float]] = {name: [] for name in versions}
    for _ in range(3):  # rounds, alternating, so a busy moment hits both alike
        for name, folder in versions.items():
            server = start_server(folder, args.victims)
            try:
                rates[name].append(await handshakes_per_second(server.port, args.handshakes // 3))
            finally:
                server.stop()
            cpu_rates[name].append(run_in_memory(folder, 3 * args.handshakes))
    for name, folder in versions.items():
        figures: dict[str, Any] = {
            "handshakes_per_s": round(sorted(rates[name])[1], 1),
            "handshakes_per_s_rounds": [round(rate, 1) for rate in rates[name]],
            "in_memory_handshakes_per_cpu_s": round(sorted(cpu_rates[name])[1], 1),
            "in_memory_rounds": [round(rate, 1) for rate in cpu_rates[name]],
        }
        server = start_server(folder, args.victims)
        try:
            figures["session_flood"] = await session_flood(
                server, args.victims, args.flood_sessions
            )
        finally:
            server.stop()
        server = start_server(folder, args.victims)
        try:
            figures["handshake_flood"] = await flood_memory(server, args.flood_handshakes)
        finally:
            server.stop()
        results[name] = figures
    names = list(versions)
    for figure in ("handshakes_per_s", "in_memory_handshakes_per_cpu_s"):
        results[f"{figure}_after_to_before"] = round(
            results[names[1]][figure] / results[names[0]][figure], 3
        )
    results["load_average_end"] = list(os.getloadavg())
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--handshakes", type=int, default=300)
    parser.add_argument("--victims", type=int, default=100)
    parser.add_argument("--flood-sessions", type=int, default=2048)
    parser.add_argument("--flood-handshakes", type=int, default=400)
    parser.add_argument("--serve")
    parser.add_argument("--in-memory")
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.serve:
        sys.path.insert(0, args.serve)
        asyncio.run(serve_dtls(keys(args.victims)))
        return
    if args.in_memory:
        sys.path.insert(0, args.in_memory)
        print(json.dumps(in_memory_handshakes(args.handshakes)))
        return
    sys.path.insert(0, str(ROOT))
    from baseline_tree import versions, write_results

    write_results(asyncio.run(measure(args, versions(args.baseline))), args.json)


if __name__ == "__main__":
    main()
