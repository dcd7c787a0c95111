"""Engine benchmark: the LwM2M server against a bare aiocoap server, over loopback UDP.

One run measures, with the server under test in this process and the load in a child
process (one core each):

* baseline: a bare aiocoap server answering POSTs, loaded by as many aiocoap client
  contexts as there are observed devices below, each sending one POST after another;
* engine: N simulated devices register (time for all of them), K of them are observed

  and change their value as fast as the engine acknowledges notifications (throughput),
  then at a quarter of that rate (latency from the device's set_value to the engine's event);
* server CPU: this process's CPU time in each phase, so the rates can be compared per
  CPU-second of the server when the load generator is what limits the rate;
* memory: this process's RSS and aiocoap's duplicate-detection cache after each phase.

Usage: python bench/engine_bench.py [--devices 1000] [--observed 50] [--seconds 5]
                                    [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path as FsPath
from typing import Any

sys.path.insert(0, str(FsPath(__file__).resolve().parent.parent))

import aiocoap
from aiocoap import resource
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    LwM2MEvent,
    LwM2MServer,
    NotificationReceived,
    ObjectRegistry,
    Path,
    Registered,
    SecurityPolicy,
)

TEMPERATURE = Path.of(3303, 0, 5700)
HOST = "127.0.0.1"


def rss_mib() -> float:
    for line in FsPath("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def dedup_entries(context: Any) -> int:
    """Entries in aiocoap's (remote, message id) duplicate-detection cache."""
    total = 0
    for interface in context.request_interfaces:
        cache = getattr(interface.token_interface, "_recent_messages", None)
        total += len(cache) if cache is not None else 0
    return total


# --- the load (child process) --------------------------------------------------------


async def _post_clients(port: int, clients: int, seconds: float) -> dict[str, float]:
    contexts = [
        await aiocoap.Context.create_client_context(transports=["udp6"]) for _ in range(clients)
    ]
    deadline = time.monotonic() + seconds
    counts = [0] * clients

    async def client(index: int) -> None:
        context = contexts[index]
        while time.monotonic() < deadline:
            message = aiocoap.Message(code=Code.POST, uri=f"coap://{HOST}:{port}/b", payload=b"1")
            await context.request(message, handle_blockwise=False).response
            counts[index] += 1

    start = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.monotonic() - start
    for context in contexts:
        await context.shutdown()
    return {"requests": sum(counts), "seconds": elapsed}


def _no_shared_ports() -> None:
    # aiocoap binds with SO_REUSEPORT; many sockets bound to port 0 with it can be given
    # the same port, and the kernel then splits their traffic between them
    os.environ["AIOCOAP_REUSE_PORT"] = "0"


def run_post_clients(port: int, clients: int, seconds: float, results: Any) -> None:
    _no_shared_ports()
    results.put(asyncio.run(_post_clients(port, clients, seconds)))


async def _devices(port: int, count: int, commands: Any, results: Any) -> None:
    from simulator import SimulatedDevice

    devices = [
        SimulatedDevice(f"bench-{n}", auto_update=False, lifetime=3600) for n in range(count)
    ]
    for device in devices:
        await device.start()
    semaphore = asyncio.Semaphore(100)

    async def register(device: SimulatedDevice) -> None:
        async with semaphore:
            await device.register((HOST, port))

    start = time.monotonic()
    await asyncio.gather(*(register(device) for device in devices))
    results.put({"registration_seconds": time.monotonic() - start})
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, commands.get)
        if command is None:
            break
        observed, rate, seconds = command
        await _drive(devices[:observed], rate, seconds)
        results.put({"driven": True})
    for device in devices:
        await device.stop()


async def _drive(devices: list[Any], rate: float | None, seconds: float) -> None:
    """Each device sets its temperature to the current time (the latency probe).

    With ``rate`` None each device sends its next notification as soon as the engine
    acknowledged the previous one (closed loop, like the baseline's clients); otherwise
    ``rate`` times a second.
    """
    deadline = time.monotonic() + seconds

    async def drive(device: Any) -> None:
        manager = device.transport.context.request_interfaces[0].token_interface
        while time.monotonic() < deadline:
            if rate is None and manager._backlogs:  # the last notification is unacknowledged
                await asyncio.sleep(0.0005)
                continue
            device.set_value(TEMPERATURE, time.time())
            await asyncio.sleep(0 if rate is None else 1 / rate)

    await asyncio.gather(*(drive(device) for device in devices))


def run_devices(port: int, count: int, commands: Any, results: Any) -> None:
    _no_shared_ports()
    asyncio.run(_devices(port, count, commands, results))


# --- the servers (this process) ------------------------------------------------------


class _Answer(resource.Resource):
    async def render_post(self, request: aiocoap.Message) -> aiocoap.Message:
        return aiocoap.Message(code=Code.CHANGED)


async def _child_result(queue: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, queue.get)


async def baseline(clients: int, seconds: float) -> dict[str, float]:
    site = resource.Site()
    site.add_resource(["b"], _Answer())
    context = await aiocoap.Context.create_server_context(site, bind=(HOST, 0), transports=["udp6"])
    port = context.request_interfaces[0].token_interface.message_interface._local_port()
    rss_before = rss_mib()
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    child = spawn.Process(target=run_post_clients, args=(port, clients, seconds, results))
    cpu_start = time.process_time()
    child.start()
    outcome = await _child_result(results)
    cpu = time.process_time() - cpu_start
    child.join()
    entries = dedup_entries(context)
    rss_after = rss_mib()
    await context.shutdown()
    return {
        "posts_per_second": outcome["requests"] / outcome["seconds"],
        "requests": outcome["requests"],
        "server_cpu_seconds": cpu,
        "posts_per_server_cpu_second": outcome["requests"] / cpu,
        "dedup_entries": entries,
        "rss_growth_mib": rss_after - rss_before,
        "mib_per_20000_requests": (rss_after - rss_before) / max(entries, 1) * 20_000,
    }


class Collector:
    def __init__(self) -> None:
        self.registered = 0
        self.all_registered = asyncio.Event()
        self.expected = 0
        self.counting = False
        self.notifications = 0
        self.latencies: list[float] = []

    def __call__(self, event: LwM2MEvent) -> None:
        if isinstance(event, Registered):
            self.registered += 1
            if self.registered == self.expected:
                self.all_registered.set()
        elif isinstance(event, NotificationReceived) and self.counting:
            self.notifications += 1
            sent = event.values.get(TEMPERATURE)
            if isinstance(sent, float):
                self.latencies.append(time.time() - sent)


async def engine(devices: int, observed: int, seconds: float) -> dict[str, Any]:
    server = LwM2MServer(ObjectRegistry.default(), host=HOST, port=0, policy=SecurityPolicy.OPEN)
    await server.start()
    collector = Collector()
    collector.expected = devices
    server.add_listener(collector)
    rss_start = rss_mib()
    spawn = multiprocessing.get_context("spawn")
    commands, results = spawn.Queue(), spawn.Queue()
    child = spawn.Process(target=run_devices, args=(server.port, devices, commands, results))
    child.start()
    registration = await _child_result(results)
    await collector.all_registered.wait()
    rss_registered = rss_mib()
    endpoints = [f"bench-{n}" for n in range(observed)]
    await asyncio.gather(*(server.observe(endpoint, TEMPERATURE) for endpoint in endpoints))

    async def phase(rate: float | None) -> dict[str, float]:
        collector.notifications = 0
        collector.latencies = []
        collector.counting = True
        start = time.monotonic()
        cpu_start = time.process_time()
        commands.put((observed, rate, seconds))
        await _child_result(results)
        elapsed = time.monotonic() - start
        cpu = time.process_time() - cpu_start
        collector.counting = False
        latencies = sorted(collector.latencies) or [0.0]
        return {
            "notifications": collector.notifications,
            "per_second": collector.notifications / elapsed,
            "server_cpu_seconds": cpu,
            "per_server_cpu_second": collector.notifications / cpu,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        }

    saturated = await phase(None)
    moderate = await phase(max(1.0, 0.25 * saturated["per_second"] / observed))
    commands.put(None)
    await asyncio.get_running_loop().run_in_executor(None, child.join)
    entries = dedup_entries(server._transports[0].context)
    rss_end = rss_mib()
    await server.stop()
    return {
        "devices": devices,
        "registration_seconds": registration["registration_seconds"],
        "registrations_per_second": devices / registration["registration_seconds"],
        "observed": observed,
        "saturated": saturated,
        "moderate": moderate,
        "rss_registered_growth_mib": rss_registered - rss_start,
        "rss_growth_mib": rss_end - rss_start,
        "dedup_entries": entries,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--observed", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", type=FsPath)
    options = parser.parse_args()
    base = await baseline(options.observed, options.seconds)
    result = await engine(options.devices, options.observed, options.seconds)
    report = {
        "baseline": base,
        "engine": result,
        "ratios": {
            "notifications_to_baseline_posts": result["saturated"]["per_second"]
            / base["posts_per_second"],
            "per_server_cpu_second": result["saturated"]["per_server_cpu_second"]
            / base["posts_per_server_cpu_second"],
        },
        "targets": {
            "throughput_at_least_60_percent": result["saturated"]["per_second"]
            >= 0.6 * base["posts_per_second"],
            "registrations_under_10_s": result["registration_seconds"] < 10,
        },
    }
    text = json.dumps(report, indent=2)
    print(text)
    if options.json is not None:
        options.json.write_text(text + "\n")


if __name__ == "__main__":
    asyncio.run(main())
