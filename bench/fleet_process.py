"""The load side of the Home Assistant benches: simulated devices in a process of their own.

The bench process starts :func:`run_fleet` in a spawned child, so the devices' CPU time
is never counted as the server's. The child binds its devices, registers them (at most
``concurrency`` registrations in flight), then obeys commands from a queue:

* ``("drive", count, rate, seconds)``: the first ``count`` devices set their temperature
  to the current wall-clock time (``time.time()``, the latency probe), each ``rate``
  times a second, or, with ``rate`` None, as soon as the server acknowledged the
  previous notification (closed loop);
* ``None``: stop every device and exit.

Every command answers with one dict on the result queue.
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from typing import Any

from custom_components.lwm2m.engine import Path

TEMPERATURE = Path.of(3303, 0, 5700)
HOST = "127.0.0.1"


def _no_shared_ports() -> None:
    # aiocoap binds with SO_REUSEPORT by default; sockets bound to port 0 with it can be
    # handed the same port, and the kernel then splits their traffic between them
    os.environ["AIOCOAP_REUSE_PORT"] = "0"


def _raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def run_fleet(
    port: int, count: int, prefix: str, concurrency: int, commands: Any, results: Any
) -> None:
    """Entry point of the child process."""
    _no_shared_ports()
    _raise_file_limit(count + 64)
    asyncio.run(_fleet(port, count, prefix, concurrency, commands, results))


async def _fleet(
    port: int, count: int, prefix: str, concurrency: int, commands: Any, results: Any
) -> None:
    from simulator import SimulatedDevice

    devices = [
        SimulatedDevice(f"{prefix}{n}", auto_update=False, lifetime=3600) for n in range(count)
    ]
    for device in devices:
        await device.start()
    gate = asyncio.Semaphore(concurrency)

    async def register(device: SimulatedDevice) -> None:
        async with gate:
            await device.register((HOST, port))

    started = time.time()
    await asyncio.gather(*(register(device) for device in devices))
    results.put({"registered_at": time.time(), "started_at": started})
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, commands.get)
        if command is None:
            break
        kind, *arguments = command
        if kind == "drive":
            driven, rate, seconds = arguments
            sent = await _drive(devices[:driven], rate, seconds)
            results.put({"sent": sent})
    for device in devices:
        await device.stop()


def _unacknowledged(device: Any) -> bool:
    manager = device.transport.context.request_interfaces[0].token_interface
    return bool(manager._backlogs)


async def _drive(devices: list[Any], rate: float | None, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    sent = 0

    async def drive(device: Any, offset: float) -> None:
        nonlocal sent
        if rate is not None:
            await asyncio.sleep(offset)  # spread the devices over one period
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            if rate is None and _unacknowledged(device):
                await asyncio.sleep(0.0005)
                continue
            device.set_value(TEMPERATURE, time.time())
            sent += 1
            if rate is None:
                await asyncio.sleep(0)
            else:
                next_at += 1 / rate
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    period = 1 / rate if rate else 0.0
    await asyncio.gather(
        *(drive(device, period * n / len(devices)) for n, device in enumerate(devices))
    )
    return sent
