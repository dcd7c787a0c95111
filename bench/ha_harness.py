"""Home Assistant under load: a real ``hass`` running the integration, devices elsewhere.

Home Assistant is the test harness's instance (``async_test_home_assistant``: the real
core, state machine, event bus and device/entity registries, started in a temporary
configuration directory), with the integration set up from a config entry exactly as a
user's would be (open policy, loopback). The simulated devices run in a child process
(:mod:`fleet_process`), so the CPU they use is not counted as Home Assistant's.

:class:`HassRun` starts both, tells when every device's entities exist and are observed,
and counts the temperature states the devices' notifications produce, with their latency
from the device's ``time.time()`` at ``set_value`` to Home Assistant's ``state_changed``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from fleet_process import TEMPERATURE, run_fleet
from homeassistant import loader
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.lwm2m.const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
    DOMAIN,
)
from custom_components.lwm2m.hub import LwM2MHub

HOST = "127.0.0.1"


def rss_mib(pid: int | str = "self") -> float:
    for line in FsPath(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a process (from /proc, so it works for the child too)."""
    fields = FsPath(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / 100  # USER_HZ


def load_average() -> list[float]:
    return [float(value) for value in FsPath("/proc/loadavg").read_text().split()[:3]]


def free_udp_ports(count: int) -> list[int]:
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


@dataclass
class StateCounter:
    """Listens to every state_changed event of Home Assistant."""

    prefix: str
    created: int = 0
    counting: bool = False
    notifications: int = 0
    latencies: list[float] = field(default_factory=list)
    temperature_ids: set[str] = field(default_factory=set)

    @callback
    def handle(self, event: Event[EventStateChangedData]) -> None:
        """A callback (runs in the event loop; a plain callable would go to the executor)."""
        data = event.data
        new = data["new_state"]
        if new is None:
            return
        if data["old_state"] is None:
            if self.prefix in data["entity_id"]:
                self.created += 1
            return
        if self.counting and data["entity_id"] in self.temperature_ids:
            try:
                sent = float(new.state)
            except ValueError:
                return
            self.notifications += 1
            self.latencies.append(time.time() - sent)

    def start_counting(self) -> None:
        self.notifications = 0
        self.latencies = []
        self.counting = True

    def stop_counting(self) -> dict[str, float]:
        self.counting = False
        ordered = sorted(self.latencies)
        return {
            "notifications": self.notifications,
            "p50_ms": 1000 * statistics.median(ordered) if ordered else float("nan"),
            "p99_ms": 1000 * percentile(ordered, 0.99),
            "max_ms": 1000 * ordered[-1] if ordered else float("nan"),
        }


class HassRun:
    """One Home Assistant with the integration, and one fleet process loading it."""

    def __init__(self, hass: HomeAssistant, entry: MockConfigEntry, prefix: str) -> None:
        self.hass = hass
        self.entry = entry
        self.prefix = prefix
        self.counter = StateCounter(prefix.replace("-", "_"))
        self.remove_listener = hass.bus.async_listen(EVENT_STATE_CHANGED, self.counter.handle)
        self.child: Any = None
        self.max_lag = 0.0
        self._report_at = 0.0
        self._watcher = hass.loop.create_task(self._watch_loop())
        self.commands: Any = None
        self.results: Any = None

    @property
    def hub(self) -> LwM2MHub:
        hub: LwM2MHub = self.entry.runtime_data.hub
        return hub

    @property
    def port(self) -> int:
        return int(self.entry.data[CONF_COAP_PORT])

    async def result(self) -> dict[str, Any]:
        """The fleet's next answer; RuntimeError when the fleet process died instead."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                answer: dict[str, Any] = await loop.run_in_executor(None, self.results.get, True, 1)
            except queue.Empty:
                if not self.child.is_alive():
                    raise RuntimeError(f"the fleet process ended ({self.child.exitcode})") from None
                if time.monotonic() > self._report_at:
                    self._report_at = time.monotonic() + 5
                    print(f"  ... {self.progress()}", file=sys.stderr, flush=True)
                continue
            return answer

    def start_fleet(self, devices: int, concurrency: int = 100) -> None:
        spawn = multiprocessing.get_context("spawn")
        self.commands, self.results = spawn.Queue(), spawn.Queue()
        self.child = spawn.Process(
            target=run_fleet,
            args=(self.port, devices, self.prefix, concurrency, self.commands, self.results),
        )
        self.child.start()

    async def stop_fleet(self) -> None:
        if self.child is None:
            return
        self.commands.put(None)
        await asyncio.get_running_loop().run_in_executor(None, self.child.join, 30)
        if self.child.is_alive():
            self.child.kill()
        self.child = None

    def expected_entities(self) -> int:
        return sum(
            1
            for targets in self.hub.targets.values()
            for target in targets.values()
            if target.description.entity_registry_enabled_default
        )

    def observing(self) -> int:
        return sum(1 for observed in self.hub.observed.values() if TEMPERATURE in observed)

    async def wait_for(self, condition: Any, limit: float, step: float = 0.25) -> bool:
        deadline = time.monotonic() + limit
        report_at = time.monotonic() + 5
        while not condition():
            now = time.monotonic()
            if now > deadline:
                return False
            if now > report_at:
                report_at = now + 5
                print(f"  ... {self.progress()}", file=sys.stderr, flush=True)
            await asyncio.sleep(step)
        return True

    def progress(self) -> str:
        lag, self.max_lag = self.max_lag, 0.0
        return (
            f"registered {self.registered()}, entities {self.counter.created}/"
            f"{self.expected_entities()}, observed {self.observing()}, "
            f"longest loop stall {1000 * lag:.0f} ms, load {load_average()[0]:.1f}"
        )

    async def _watch_loop(self) -> None:
        """Records how late a 50 ms sleep wakes up: the event loop's longest stall."""
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.05)
            self.max_lag = max(self.max_lag, loop.time() - before - 0.05)

    def registered(self) -> int:
        return sum(1 for state in self.hub.devices.values() if state.registration is not None)

    def temperature_entities(self, count: int) -> list[str]:
        from homeassistant.helpers import entity_registry as er

        registry = er.async_get(self.hass)
        found = []
        for n in range(count):
            unique_id = f"{self.prefix}{n}-3303-0-5700"
            entity_id = registry.async_get_entity_id("sensor", DOMAIN, unique_id)
            if entity_id is None:
                raise RuntimeError(f"no temperature entity for {self.prefix}{n}")
            found.append(entity_id)
        return found

    async def drive(self, count: int, rate: float | None, seconds: float) -> dict[str, Any]:
        """Notifications from ``count`` devices; rates as seen by Home Assistant."""
        self.counter.temperature_ids = set(self.temperature_entities(count))
        await asyncio.sleep(0.2)  # let the previous phase's stragglers arrive uncounted
        self.counter.start_counting()
        started = time.monotonic()
        cpu_start = cpu_seconds()
        child_cpu_start = cpu_seconds(self.child.pid)
        self.commands.put(("drive", count, rate, seconds))
        outcome = await self.result()
        await asyncio.sleep(0.1)  # the last notifications in flight
        elapsed = time.monotonic() - started
        cpu = cpu_seconds() - cpu_start
        child_cpu = cpu_seconds(self.child.pid) - child_cpu_start
        figures = self.counter.stop_counting()
        figures.update(
            {
                "devices": count,
                "offered_rate": None if rate is None else rate * count,
                "sent": outcome["sent"],
                "seconds": elapsed,
                "per_second": figures["notifications"] / elapsed,
                "hass_cpu_seconds": cpu,
                "devices_cpu_seconds": child_cpu,
                "per_hass_cpu_second": figures["notifications"] / cpu if cpu else float("nan"),
            }
        )
        return figures


def entry_data() -> dict[str, Any]:
    coap, coaps, bootstrap, bootstraps = free_udp_ports(4)
    return {
        CONF_BIND_ADDRESS: HOST,
        CONF_COAP_PORT: coap,
        CONF_COAPS_PORT: coaps,
        CONF_BOOTSTRAP_PORT: bootstrap,
        CONF_BOOTSTRAPS_PORT: bootstraps,
        CONF_SERVER_URI: f"coap://{HOST}:{coap}",
        CONF_SECURITY_POLICY: "open",
    }


@asynccontextmanager
async def running_hass(prefix: str = "bench-") -> AsyncIterator[HassRun]:
    """Home Assistant with the integration set up; torn down on exit."""
    with tempfile.TemporaryDirectory(prefix="lwm2m-bench-") as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # allow custom_components/
            entry = MockConfigEntry(domain=DOMAIN, title="LwM2M", data=entry_data())
            entry.add_to_hass(hass)
            if not await hass.config_entries.async_setup(entry.entry_id):
                raise RuntimeError("the integration did not set up")
            await hass.async_block_till_done()
            run = HassRun(hass, entry, prefix)
            try:
                yield run
            finally:
                await run.stop_fleet()
                run._watcher.cancel()
                run.remove_listener()
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
                await hass.async_stop(force=True)
