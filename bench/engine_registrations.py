"""The engine alone holding a fleet: N registrations, against a raw asyncio floor.

Each measurement runs in a fresh process (``--one KIND N``, started by this script), three
times by default (min / median / max), with the load average beside it; ``--before DIR``
serves the engine of a checkout of earlier code (``git worktree add --detach DIR COMMIT``)
turn about in the same run.

* ``engine N``: ``LwM2MServer`` (open security policy, no listener but a counter) takes N
  registrations. Resident memory per registration held, the server's CPU per
  registration, and the entries left in aiocoap's duplicate-detection cache.
* ``raw N``: an asyncio ``DatagramProtocol`` that parses the CoAP header, keeps each
  device's address and payload in a dict and answers 2.01 Created: Python's floor.

The load (:func:`run_registrations`, a spawned child whose CPU is reported) plays N
devices from one socket, each from an address of its own in 127.0.0.0/8 (IP_PKTINFO), so
the server sees N peers as it would in the field. Every Register request is encoded
before the clock starts; ``window`` of them are in flight, each answer sends the next.

    python bench/engine_registrations.py [--sizes 10000 100000] [--repeats 3]
                                         [--before DIR] [--name engine_registrations]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import socket
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path as FsPath
from typing import Any

BENCH = FsPath(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from engine_server import counting_server  # noqa: E402
from fresh_process import load_average, run_fresh  # noqa: E402
from notify_load import load_figures  # noqa: E402

HOST = "127.0.0.1"
IP_PKTINFO = 8  # Linux; the socket module does not name it
LINKS = b'</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</4/0>,</5/0>,</6/0>,</3303/0>,</3304/0>'
CREATED = 0x41  # 2.01


def rss_kib() -> int:
    gc.collect()
    for line in FsPath("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --- the load (child process) --------------------------------------------------------


def _source(n: int) -> bytes:
    """A loopback address of its own for device ``n`` (no .0 or .255 octets)."""
    return bytes((127, 1 + n // 62_500, 1 + (n // 250) % 250, 1 + n % 250))


def _registers(count: int) -> list[bytes]:
    from aiocoap import CON, Message
    from aiocoap.numbers.codes import Code

    return [
        Message(
            mtype=CON,
            code=Code.POST,
            mid=n & 0xFFFF,
            token=n.to_bytes(3),
            uri_path=("rd",),
            uri_query=(f"ep=fleet-{n}", "lt=86400", "lwm2m=1.1", "b=U"),
            content_format=40,
            payload=LINKS,
        ).encode()  # fmt: skip
        for n in range(count)
    ]


def run_registrations(port: int, count: int, window: int, results: Any) -> None:
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("0.0.0.0", 0))
    datagrams = _registers(count)
    results.put({"ready": True})
    sock.settimeout(2.0)
    cpu_start = time.process_time()
    started = time.monotonic()

    def send(n: int) -> None:
        source = struct.pack("@i4s4s", 0, _source(n), bytes(4))
        sock.sendmsg([datagrams[n]], [(socket.IPPROTO_IP, IP_PKTINFO, source)], 0, (HOST, port))

    sent = created = timeouts = 0
    for n in range(min(window, count)):
        send(n)
    sent = min(window, count)
    while created + timeouts < count:
        try:
            answer = sock.recv(256)
        except TimeoutError:
            timeouts += 1
        else:
            if len(answer) < 2 or answer[1] != CREATED:
                continue
            created += 1
        if sent < count:
            send(sent)
            sent += 1
    sock.close()
    counts = {"sent": sent, "created": created, "timeouts": timeouts}
    results.put(load_figures(counts, started, cpu_start, created, "registration"))


# --- the servers (a fresh process each) ----------------------------------------------


class _RawFloor(asyncio.DatagramProtocol):
    """Parses the CoAP header, keeps address and payload, answers 2.01 Created."""

    def __init__(self) -> None:
        self.transport: Any = None
        self.held: dict[Any, bytes] = {}

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) < 4 or data[0] >> 6 != 1 or data[1] != 0x02:  # a POST
            return
        kind, token_length = (data[0] >> 4) & 3, data[0] & 15
        if kind != 0 or token_length > 8:
            return
        marker = data.find(b"\xff", 4 + token_length)
        self.held[addr] = data[marker + 1 :] if marker >= 0 else b""
        token = data[4 : 4 + token_length]
        header = bytes((0x60 | token_length, CREATED, data[2], data[3]))
        self.transport.sendto(header + token, addr)


def _dedup_entries(server: Any) -> int:
    total = 0
    for transport in server._transports:
        for interface in transport.context.request_interfaces:
            cache = getattr(interface.token_interface, "_recent_messages", None)
            total += len(cache) if cache is not None else 0
    return total


async def _child(queue: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, queue.get)


async def one(kind: str, count: int, window: int = 32) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    server: Any = None
    floor: Any = None
    registered = [0]
    if kind == "engine":
        from custom_components.lwm2m.engine import Registered

        server, registered = await counting_server(Registered)
        port = server.port
    else:
        transport, floor = await loop.create_datagram_endpoint(_RawFloor, local_addr=(HOST, 0))
        transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        port = transport.get_extra_info("sockname")[1]
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    child = spawn.Process(target=run_registrations, args=(port, count, window, results))
    child.start()
    await _child(results)  # ready: every request encoded
    rss_before = rss_kib()
    cpu_start = time.process_time()
    outcome = await _child(results)
    cpu = time.process_time() - cpu_start
    rss_after = rss_kib()
    await loop.run_in_executor(None, child.join)
    held = registered[0] if kind == "engine" else len(floor.held)
    entries = _dedup_entries(server) if server is not None else 0
    if server is not None:
        await server.stop()
    return {
        "kind": kind,
        "registrations": count,
        "held": held,
        "kib_per_registration": (rss_after - rss_before) / max(held, 1),
        "server_cpu_us_per_registration": 1e6 * cpu / max(held, 1),
        "per_second": held / outcome["seconds"],
        "dedup_entries": entries,
        **outcome,
    }


# --- the orchestrator ------------------------------------------------------------------


def _fresh(kind: str, count: int, tree: FsPath | None) -> dict[str, Any]:
    code = [] if tree is None else ["--code", str(tree)]
    return run_fresh([__file__, "--one", kind, str(count), *code])


KEYS = ["kib_per_registration", "server_cpu_us_per_registration", "load_cpu_us_per_registration"]


def orchestrate(options: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH
        ).stdout.strip(),
        "sizes": options.sizes,
        "repeats": options.repeats,
        "load_average_start": load_average(),
        "results": {},
        "ratio": {},
    }
    sides: dict[str, FsPath | None] = {"engine": None, "raw": None}
    if options.before:
        sides["engine_before"] = options.before
    for size in options.sizes:
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
        for _ in range(options.repeats):
            for side, tree in sides.items():
                kind = "raw" if side == "raw" else "engine"
                runs[side].append(_fresh(kind, size, tree))
        summary = {
            side: {
                key: {
                    "min": min(run[key] for run in side_runs),
                    "median": statistics.median(run[key] for run in side_runs),
                    "max": max(run[key] for run in side_runs),
                }
                for key in KEYS
            }
            | {"held": min(run["held"] for run in side_runs), "runs": side_runs}
            for side, side_runs in runs.items()
        }
        report["results"][str(size)] = summary
        raw = summary["raw"]
        report["ratio"][str(size)] = {
            f"{side}_{key}": summary[side][key]["median"] / raw[key]["median"]
            for side in sides
            if side != "raw"
            for key in KEYS[:2]
        }
    report["load_average_end"] = load_average()
    path = options.out / f"{options.name}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["ratio"], indent=2))
    print(f"wrote {path}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--one", nargs=2, metavar=("KIND", "N"), help="one run in this process")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=FsPath, default=BENCH / "results")
    parser.add_argument("--name", default="engine_registrations")
    parser.add_argument(
        "--before", type=FsPath, help="a checkout of the code to compare with, run alongside"
    )
    parser.add_argument("--code", type=FsPath, help="serve this checkout's engine (with --one)")
    options = parser.parse_args()
    if options.code:
        sys.path.insert(0, str(options.code.resolve()))
    if options.one:
        kind, count = options.one
        print(json.dumps(asyncio.run(one(kind, int(count)))))
    else:
        orchestrate(options)


if __name__ == "__main__":
    main()
