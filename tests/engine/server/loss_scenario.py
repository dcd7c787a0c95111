"""Registration, read and observe over a lossy path, relying on CoAP retransmission only.

Two ways to lose packets share one scenario:

* :class:`LossyProxy`: a UDP relay between a device and the server that drops a share of
  the datagrams in each direction (seeded, so a run is repeatable); runs anywhere;
* ``python -m tests.engine.server.loss_scenario`` run inside a network namespace whose loopback
  has a ``netem loss`` qdisc (see ``test_loss.py``): the kernel drops, no relay.

CoAP timers are shortened (ACK_TIMEOUT 0.1 s instead of 2 s, MAX_RETRANSMIT 8) so a test
takes seconds; everything else is the real server and the real simulator.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiocoap.numbers.constants import TransportTuning

from custom_components.lwm2m.engine import (
    LwM2MServer,
    NotificationReceived,
    ObjectRegistry,
    Path,
    SecurityPolicy,
)
from custom_components.lwm2m.engine.requests.exchange import tuning

HOST = "127.0.0.1"
ACK_TIMEOUT = 0.1
MAX_RETRANSMIT = 8
TEMPERATURE = Path.of(3303, 0, 5700)
NOTIFICATIONS = 10


def shorten_coap_timers() -> None:
    """Every aiocoap message without its own tuning (the simulator's) uses these."""
    TransportTuning.ACK_TIMEOUT = ACK_TIMEOUT
    TransportTuning.MAX_RETRANSMIT = MAX_RETRANSMIT


@dataclass
class _Side(asyncio.DatagramProtocol):
    deliver: Callable[[bytes, Any], None]
    transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.deliver(data, addr)


@dataclass
class LossyProxy:
    """Relays datagrams between clients and ``server_port``, dropping ``loss`` of them."""

    server_port: int
    loss: float
    seed: int = 2026
    forwarded: int = 0
    dropped: int = 0
    _rng: random.Random = field(init=False)
    _front: Any = None
    _upstreams: dict[Any, _Side] = field(default_factory=dict)
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Side(self._from_client), local_addr=(HOST, 0)
        )
        self._front = transport
        return int(transport.get_extra_info("sockname")[1])

    def _lost(self) -> bool:
        if self._rng.random() < self.loss:
            self.dropped += 1
            return True
        self.forwarded += 1
        return False

    def _from_client(self, data: bytes, client: Any) -> None:
        if self._lost():
            return
        upstream = self._upstreams.get(client)
        if upstream is not None:
            upstream.transport.sendto(data)
            return
        task = asyncio.get_running_loop().create_task(self._open_upstream(client, data))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _open_upstream(self, client: Any, first: bytes) -> None:
        loop = asyncio.get_running_loop()

        def back(data: bytes, _addr: Any) -> None:
            if not self._lost():
                self._front.sendto(data, client)

        _, side = await loop.create_datagram_endpoint(
            lambda: _Side(back), remote_addr=(HOST, self.server_port)
        )
        self._upstreams[client] = side
        side.transport.sendto(first)

    def close(self) -> None:
        for side in self._upstreams.values():
            side.transport.close()
        if self._front is not None:
            self._front.close()


async def run_scenario(route: Callable[[int], Awaitable[int]]) -> dict[str, Any]:
    """Register, read and observe one simulated device; ``route(server_port)`` gives the
    port the device should talk to (the server's own, or a lossy relay's)."""
    from simulator import SimulatedDevice

    server = LwM2MServer(
        ObjectRegistry.default(),
        host=HOST,
        port=0,
        policy=SecurityPolicy.OPEN,
        coap_tuning=tuning(ack_timeout=ACK_TIMEOUT, max_retransmit=MAX_RETRANSMIT),
    )
    await server.start()
    values: list[float] = []
    notified = asyncio.Event()

    def listen(event: Any) -> None:
        if isinstance(event, NotificationReceived) and TEMPERATURE in event.values:
            values.append(event.values[TEMPERATURE])
            if event.values[TEMPERATURE] == float(NOTIFICATIONS):
                notified.set()

    server.add_listener(listen)
    device = SimulatedDevice("lossy-1", auto_update=False)
    await device.start()
    result: dict[str, Any] = {}
    try:
        port = await route(server.port)
        started = time.monotonic()
        await device.register((HOST, port))
        result["registered"] = "lossy-1" in server.registrations
        result["register_seconds"] = time.monotonic() - started
        started = time.monotonic()
        result["read"] = await server.read("lossy-1", Path.of(3, 0, 0))
        result["read"] = {str(path): value for path, value in result["read"].items()}
        result["read_seconds"] = time.monotonic() - started
        started = time.monotonic()
        await server.observe("lossy-1", TEMPERATURE)
        for step in range(1, NOTIFICATIONS + 1):
            device.set_value(TEMPERATURE, float(step))
            await asyncio.sleep(0.05)
        async with asyncio.timeout(30):
            await notified.wait()
        result["observe_seconds"] = time.monotonic() - started
        result["notified"] = values
    finally:
        await device.stop()
        await server.stop()
    return result


async def _direct(server_port: int) -> int:
    return server_port


def main() -> int:
    """Run the scenario without a relay (the kernel drops) and print the result."""
    shorten_coap_timers()
    print(json.dumps(asyncio.run(run_scenario(_direct))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
