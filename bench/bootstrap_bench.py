"""Bootstrap benchmark: simulated devices bootstrapped by the BootstrapServer over loopback.

Both the servers and the devices run in this process (one event loop), so the figures
are end-to-end costs of the whole exchange, devices included:

* one device after another: the time from Bootstrap-Request to Bootstrap-Finish, over
  plain CoAP and over DTLS-PSK (the DTLS handshake included);
* N devices at once: bootstraps per second until every BootstrapFinished arrived.

Usage: python bench/bootstrap_bench.py [--sequential 20] [--concurrent 200] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path as FsPath
from typing import Any

sys.path.insert(0, str(FsPath(__file__).resolve().parent.parent))

from custom_components.lwm2m.engine import (
    BootstrapFinished,
    BootstrapServer,
    CredentialStore,
    LwM2MEvent,
    ObjectRegistry,
    parse_credentials_csv,
)
from simulator import SimulatedDevice

HOST = "127.0.0.1"
HEADER = (
    "endpoint id,lwm2m server url,securityMode,lwm2m psk_id,lwm2m psk_key,"
    "bootstrap psk_id,bootstrap psk_key,securityInstanceOffset"
)


def rows(count: int, secure: bool) -> list[str]:
    lines = []
    for n in range(count):
        if secure:
            lines.append(
                f"psk-{n:05d},coaps://{HOST}:5684,PSK,lw-{n:05d},{n:032x},bs-{n:05d},{n + 1:032x},2"
            )
        else:
            lines.append(f"plain-{n:05d},coap://{HOST}:5683,NO_SEC,,,,,")
    return lines


def psk(n: int) -> tuple[str, bytes]:
    return f"bs-{n:05d}", bytes.fromhex(f"{n + 1:032x}")


class Finished:
    def __init__(self) -> None:
        self.seen: set[str] = set()
        self._changed = asyncio.Event()

    def __call__(self, event: LwM2MEvent) -> None:
        if isinstance(event, BootstrapFinished):
            self.seen.add(event.endpoint)
            self._changed.set()

    async def wait_for(self, count: int) -> None:
        while len(self.seen) < count:
            self._changed.clear()
            await self._changed.wait()


async def run_sequential(server: BootstrapServer, count: int, secure: bool) -> list[float]:
    times = []
    port = server.secure_port if secure else server.port
    assert port is not None
    for n in range(count):
        device = SimulatedDevice(f"{'psk' if secure else 'plain'}-{n:05d}", auto_update=False)
        await device.start()
        began = time.perf_counter()
        await device.bootstrap((HOST, port), psk=psk(n) if secure else None)
        times.append(time.perf_counter() - began)
        await device.stop()
    return times


async def run_concurrent(
    server: BootstrapServer, finished: Finished, count: int, secure: bool
) -> float:
    port = server.secure_port if secure else server.port
    assert port is not None
    prefix = "psk" if secure else "plain"
    devices = [SimulatedDevice(f"{prefix}-{n:05d}", auto_update=False) for n in range(count)]
    for device in devices:
        await device.start()
    finished.seen.clear()
    began = time.perf_counter()
    await asyncio.gather(
        *(
            device.bootstrap((HOST, port), psk=psk(n) if secure else None, timeout=120)
            for n, device in enumerate(devices)
        )
    )
    await finished.wait_for(count)
    elapsed = time.perf_counter() - began
    for device in devices:
        await device.stop()
    return count / elapsed


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p90_ms": ordered[int(0.9 * (len(ordered) - 1))] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    count = max(args.sequential, args.concurrent)
    text = "\n".join([HEADER, *rows(count, False), *rows(count, True)]) + "\n"
    store = CredentialStore(parse_credentials_csv(text))
    server = BootstrapServer(
        store, ObjectRegistry.default(), host=HOST, port=0, secure_port=0, request_timeout=30
    )
    finished = Finished()
    server.add_listener(finished)
    await server.start()
    try:
        results: dict[str, Any] = {}
        for secure in (False, True):
            label = "dtls" if secure else "plain"
            times = await run_sequential(server, args.sequential, secure)
            results[f"{label}_one_at_a_time"] = summary(times)
            results[f"{label}_concurrent_per_s"] = await run_concurrent(
                server, finished, args.concurrent, secure
            )
        return results
    finally:
        await server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sequential", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--json", type=FsPath)
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments))
    print(json.dumps(outcome, indent=2))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(outcome, indent=2))
