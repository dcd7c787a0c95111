"""Firmware transfer benchmark: how fast an image reaches a device over loopback UDP.

The server and its FirmwareUpdater run in this process; one simulated device runs in a
child process (one core each). For each delivery method (pull: the device fetches
Block2 blocks of 1024 bytes from the server; push: the server writes Block1 blocks of
1024 bytes into /5/0/0) and image size, the update runs ``--runs`` times and reports:

* transfer KB/s: image size over the time from start to the last byte served (pull) or
  acknowledged (push), which includes the preparing reads and the URI write;
* server CPU: this process's CPU time for the transfer, as KB per server CPU-second;
* update seconds: start to success (the device installs in 10 ms).

Usage: python bench/firmware_bench.py [--runs 3] [--sizes 256 1024] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import time
from pathlib import Path as FsPath
from typing import Any

sys.path.insert(0, str(FsPath(__file__).resolve().parent.parent))

from custom_components.lwm2m.engine import (
    DeliveryMethod,
    FirmwareImage,
    FirmwareProgress,
    FirmwareUpdater,
    LwM2MEvent,
    LwM2MServer,
    ObjectRegistry,
    Phase,
    Registered,
    SecurityPolicy,
)

HOST = "127.0.0.1"
ENDPOINT = "bench-fw"
KB = 1024


# --- the device (child process) --------------------------------------------------------


def run_device(port: int, stop: Any) -> None:
    asyncio.run(_device(port, stop))


async def _device(port: int, stop: Any) -> None:
    from simulator import SimulatedDevice

    device = SimulatedDevice(ENDPOINT, auto_update=False, lifetime=3600)
    device.firmware.step = 0.01
    await device.start()
    await device.register((HOST, port))
    await asyncio.get_running_loop().run_in_executor(None, stop.get)
    await device.stop()


# --- the server (this process) ---------------------------------------------------------


def make_image(size: int, run: int) -> FirmwareImage:
    data = bytes((index * 7 + run) & 0xFF for index in range(size))
    return FirmwareImage(f"bench-{size}.bin", f"9.{run}", data)


class Timing:
    """When the transfer of the running update ended (the phase left transferring)."""

    def __init__(self) -> None:
        self.transferred = asyncio.Event()
        self.registered = asyncio.Event()

    def __call__(self, event: LwM2MEvent) -> None:
        if isinstance(event, Registered):
            self.registered.set()
        elif isinstance(event, FirmwareProgress) and event.status.phase in (
            Phase.VERIFYING,
            Phase.UPDATING,
        ):
            self.transferred.set()


async def measure(
    updater: FirmwareUpdater, timing: Timing, method: DeliveryMethod, size: int, run: int
) -> dict[str, float]:
    image = make_image(size, run)
    timing.transferred.clear()
    start = time.monotonic()
    cpu_start = time.process_time()
    updater.start(ENDPOINT, image, method=method)
    await timing.transferred.wait()
    transfer = time.monotonic() - start
    cpu = time.process_time() - cpu_start
    status = await updater.wait(ENDPOINT)
    if status.phase is not Phase.SUCCEEDED or status.method is not method:
        raise RuntimeError(f"the update did not succeed by {method}: {status}")
    return {
        "transfer_seconds": transfer,
        "kb_per_second": size / KB / transfer,
        "kb_per_server_cpu_second": size / KB / cpu,
        "update_seconds": time.monotonic() - start,
    }


async def bench(runs: int, sizes_kb: list[int]) -> dict[str, Any]:
    server = LwM2MServer(ObjectRegistry.default(), host=HOST, port=0, policy=SecurityPolicy.OPEN)
    await server.start()
    updater = FirmwareUpdater(server)
    timing = Timing()
    server.add_listener(timing)
    spawn = multiprocessing.get_context("spawn")
    stop = spawn.Queue()
    child = spawn.Process(target=run_device, args=(server.port, stop))
    child.start()
    await timing.registered.wait()
    results: dict[str, Any] = {}
    try:
        for method in (DeliveryMethod.PULL, DeliveryMethod.PUSH):
            for size_kb in sizes_kb:
                samples = [
                    await measure(updater, timing, method, size_kb * KB, run) for run in range(runs)
                ]
                results[f"{method.value}_{size_kb}kb"] = {
                    "method": method.value,
                    "size_kb": size_kb,
                    "runs": runs,
                    **{
                        name: statistics.median(sample[name] for sample in samples)
                        for name in samples[0]
                    },
                    "best_kb_per_second": max(sample["kb_per_second"] for sample in samples),
                }
    finally:
        stop.put(None)
        await asyncio.get_running_loop().run_in_executor(None, child.join)
        await updater.close()
        await server.stop()
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{'method':<6} {'size':>7} {'KB/s':>9} {'best':>9} {'KB/CPU-s':>10} {'update s':>9}",
    ]
    for row in results.values():
        lines.append(
            f"{row['method']:<6} {row['size_kb']:>5}KB {row['kb_per_second']:>9.0f} "
            f"{row['best_kb_per_second']:>9.0f} {row['kb_per_server_cpu_second']:>10.0f} "
            f"{row['update_seconds']:>9.2f}"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 1024], metavar="KB")
    parser.add_argument("--json", type=FsPath)
    options = parser.parse_args()
    results = await bench(options.runs, options.sizes)
    print(table(results))
    text = json.dumps({"firmware_transfer": results}, indent=2)
    print(text)
    if options.json is not None:
        options.json.write_text(text + "\n")


if __name__ == "__main__":
    asyncio.run(main())
