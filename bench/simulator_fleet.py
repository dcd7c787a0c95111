"""Memory and time for a fleet of simulated devices on loopback.

Starts N devices (one aiocoap context and UDP socket each), registers them with a
minimal in-process /rd endpoint, reads one value from each, and prints the figures.

Usage: python bench/simulator_fleet.py [devices]
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiocoap
from aiocoap import Message
from aiocoap.numbers.codes import Code
from aiocoap.resource import Resource

from simulator import SimulatedDevice
from simulator.cli import raise_file_limit
from simulator.transport import open_context


def resident_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Registrar(Resource):
    def __init__(self) -> None:
        super().__init__()
        self.numbers = itertools.count(1)

    async def render_post(self, request: Message) -> Message:
        return Message(code=Code.CREATED, location_path=("rd", str(next(self.numbers))))


async def fleet(count: int) -> None:
    server_site = aiocoap.resource.Site()
    server_site.add_resource(["rd"], Registrar())
    server = await open_context(server_site)
    sock = server.request_interfaces[0].token_interface.message_interface.transport
    port = sock.get_extra_info("socket").getsockname()[1]

    gc.collect()
    before = resident_mib()
    started = time.perf_counter()
    devices = [SimulatedDevice(f"bench-{n}", auto_update=False) for n in range(count)]
    built = time.perf_counter()
    for device in devices:
        await device.start()
    bound = time.perf_counter()
    gc.collect()
    after_start = resident_mib()

    gate = asyncio.Semaphore(100)

    async def register(device: SimulatedDevice) -> None:
        async with gate:
            await device.register(("127.0.0.1", port))

    await asyncio.gather(*(register(device) for device in devices))
    registered = time.perf_counter()

    async def read(device: SimulatedDevice) -> None:
        async with gate:
            host, device_port = device.address
            request = Message(code=Code.GET, uri=f"coap://{host}:{device_port}/3303/0/5700")
            await server.request(request).response

    await asyncio.gather(*(read(device) for device in devices))
    read_done = time.perf_counter()
    gc.collect()
    after_traffic = resident_mib()

    print(f"devices:                     {count}")
    print(f"construct (objects, model):  {built - started:.2f} s")
    print(f"start (bind sockets):        {bound - built:.2f} s")
    print(f"register all:                {registered - bound:.2f} s")
    print(f"one read from each:          {read_done - registered:.2f} s")
    print(f"memory after start:          +{after_start - before:.1f} MiB")
    print(f"memory after traffic:        +{after_traffic - before:.1f} MiB")
    print(f"per device after traffic:    {(after_traffic - before) * 1024 / count:.0f} KiB")

    for device in devices:
        await device.stop()
    await server.shutdown()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    raise_file_limit(count + 16)
    asyncio.run(fleet(count))


if __name__ == "__main__":
    main()
