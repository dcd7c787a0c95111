"""Fleet scale: the integration against Home Assistant's own floor, the engine against Python's.

Every measurement runs in a fresh process (``--one KIND ...``, started by this script), so
no size reuses memory that an earlier one freed, and each is repeated (``--repeats``,
min / median / max reported) with the load average beside it. ``--before DIR`` runs a
checkout of earlier code (``git worktree add --detach DIR COMMIT``) beside this one, turn
about, in the same run.

* ``ha N``: Home Assistant with the integration; N simulated devices (a child process)
  register. Resident memory per device, Home Assistant's CPU per device until every device
  is observed, the time until every enabled entity has a state and until all are observed,
  and the entity layout (enabled and disabled registry entries per device).
* ``floor N E D``: the same Home Assistant with a minimal integration of its own that adds
  N devices of E enabled and D disabled sensors, 100 devices at a time (the fleet's
  registration concurrency), each with a unique id, a ``DeviceInfo`` and a state. The same
  figures: Home Assistant's own cost for that entity layout. Each side runs against a
  floor of its own layout (with ``--before``, a second floor when the layouts differ).
* ``notify engine`` / ``notify raw``: one observed device sends pre-encoded confirmable
  notifications as fast as they are acknowledged (:mod:`notify_load`, a child process whose
  CPU is reported). The engine alone (``LwM2MServer``) against a raw asyncio
  ``DatagramProtocol`` that parses the CoAP header and acknowledges: CPU per notification.

    python bench/fleet_scale.py [--sizes 250 1000] [--repeats 3] [--seconds 5] [--before DIR]
                                [--name fleet_scale] [--plot-with PYTHON] [--notify-only]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path as FsPath
from typing import Any

BENCH = FsPath(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from fresh_process import load_average, run_fresh  # noqa: E402
from report_files import write_report  # noqa: E402

BATCH = 100


def _settled_rss() -> float:
    from ha_harness import rss_mib

    gc.collect()
    return rss_mib()


async def one_ha(devices: int) -> dict[str, Any]:
    from ha_harness import running_hass
    from homeassistant.helpers import entity_registry as er

    from custom_components.lwm2m.const import DOMAIN

    async with running_hass() as run:
        await run.hass.async_block_till_done()
        rss_before = _settled_rss()
        cpu_start = time.process_time()
        run.start_fleet(devices, BATCH)
        child = await run.result()
        started = child["started_at"]
        entities_ok = await run.wait_for(
            lambda: run.registered() == devices
            and run.counter.created >= run.expected_entities() > 0,
            limit=600,
            step=0.05,
        )
        entities_at = time.time()
        cpu_entities = time.process_time() - cpu_start
        observed_ok = await run.wait_for(lambda: run.observing() == devices, limit=600, step=0.05)
        observed_at = time.time()
        await run.hass.async_block_till_done()
        cpu_observed = time.process_time() - cpu_start
        rss_after = _settled_rss()
        entries = er.async_entries_for_config_entry(er.async_get(run.hass), run.entry.entry_id)
        enabled = sum(1 for entry in entries if entry.disabled_by is None)
        assert all(entry.platform == DOMAIN for entry in entries)
        await run.stop_fleet()
    return {
        "devices": devices,
        "enabled_per_device": enabled / devices,
        "disabled_per_device": (len(entries) - enabled) / devices,
        "kib_per_device": (rss_after - rss_before) * 1024 / devices,
        "cpu_ms_per_device": 1000 * cpu_observed / devices,
        "cpu_ms_per_device_to_states": 1000 * cpu_entities / devices,
        "all_states_seconds": entities_at - started,
        "all_observed_seconds": observed_at - started,
        "ok": entities_ok and observed_ok,
    }


async def one_floor(devices: int, enabled: int, disabled: int) -> dict[str, Any]:
    import tempfile

    from homeassistant import config_entries, loader
    from homeassistant.components.sensor import SensorEntity
    from homeassistant.helpers.device_registry import DeviceInfo
    from pytest_homeassistant_custom_component.common import (
        MockConfigEntry,
        MockModule,
        MockPlatform,
        async_test_home_assistant,
        mock_integration,
        mock_platform,
    )

    class FloorSensor(SensorEntity):
        _attr_has_entity_name = True
        _attr_should_poll = False

        def __init__(self, device: int, n: int, info: DeviceInfo, on: bool) -> None:
            self._attr_unique_id = f"floor-{device}-{n}"
            self._attr_name = f"resource {n}"
            self._attr_device_info = info
            self._attr_native_value = n
            self._attr_entity_registry_enabled_default = on

    adders: list[Any] = []

    async def setup_sensor(hass: Any, entry: Any, add: Any) -> None:
        adders.append(add)

    async def setup_entry(hass: Any, entry: Any) -> bool:
        await hass.config_entries.async_forward_entry_setups(entry, ["sensor"])
        return True

    with tempfile.TemporaryDirectory(prefix="lwm2m-floor-") as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            mock_integration(hass, MockModule("floor", async_setup_entry=setup_entry))
            mock_platform(hass, "floor.sensor", MockPlatform(async_setup_entry=setup_sensor))
            mock_platform(hass, "floor.config_flow", None)
            config_entries.HANDLERS["floor"] = type("FloorFlow", (config_entries.ConfigFlow,), {})
            entry = MockConfigEntry(domain="floor", title="floor")
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            rss_before = _settled_rss()
            cpu_start = time.process_time()
            started = time.time()
            for first in range(0, devices, BATCH):
                batch: list[SensorEntity] = []
                for device in range(first, min(devices, first + BATCH)):
                    info = DeviceInfo(identifiers={("floor", str(device))}, name=f"d{device}")
                    batch.extend(
                        FloorSensor(device, n, info, n < enabled) for n in range(enabled + disabled)
                    )
                adders[0](batch)
                await hass.async_block_till_done()
            states_at = time.time()
            cpu = time.process_time() - cpu_start
            rss_after = _settled_rss()
            count = len(hass.states.async_entity_ids("sensor"))
            await hass.async_stop(force=True)
    return {
        "devices": devices,
        "enabled_per_device": enabled,
        "disabled_per_device": disabled,
        "kib_per_device": (rss_after - rss_before) * 1024 / devices,
        "cpu_ms_per_device": 1000 * cpu / devices,
        "all_states_seconds": states_at - started,
        "ok": count == devices * enabled,
    }


async def _child(queue: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, queue.get)


class _RawFloor(asyncio.DatagramProtocol):
    """Parses the CoAP header of each datagram and acknowledges a confirmable one."""

    def __init__(self) -> None:
        self.transport: Any = None
        self.count = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) < 4 or data[0] >> 6 != 1:
            return
        kind, token_length = (data[0] >> 4) & 3, data[0] & 15
        if kind == 0 and token_length <= 8:
            self.count += 1
            self.transport.sendto(bytes((0x60, 0, data[2], data[3])), addr)


async def one_notify(kind: str, seconds: float, window: int = 8) -> dict[str, Any]:
    from engine_server import counting_server
    from notify_load import run_load

    from custom_components.lwm2m.engine import NotificationReceived, Path

    loop = asyncio.get_running_loop()
    counted = [0]
    server: Any = None
    floor: Any = None
    if kind == "engine":
        server, counted = await counting_server(NotificationReceived)
        port = server.port
    else:
        transport, floor = await loop.create_datagram_endpoint(
            _RawFloor, local_addr=("127.0.0.1", 0)
        )
        port = transport.get_extra_info("sockname")[1]
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    child = spawn.Process(target=run_load, args=(port, kind == "engine", seconds, window, results))
    child.start()
    if kind == "engine":
        await _child(results)  # registered
        observing = asyncio.ensure_future(server.observe("notify-load", Path.of(3303, 0, 5700)))
    await _child(results)  # ready: notifications encoded
    if kind == "engine":
        await observing
    base = counted[0] if kind == "engine" else floor.count
    cpu_start = time.process_time()
    outcome = await _child(results)
    cpu = time.process_time() - cpu_start
    handled = (counted[0] if kind == "engine" else floor.count) - base
    await loop.run_in_executor(None, child.join)
    if server is not None:
        await server.stop()
    return {
        "kind": kind,
        "handled": handled,
        "per_second": handled / outcome["seconds"],
        "server_cpu_us_per_notification": 1e6 * cpu / max(handled, 1),
        **outcome,
    }


# --- the orchestrator ------------------------------------------------------------------


def _fresh(*arguments: str, tree: FsPath | None = None) -> dict[str, Any]:
    script = __file__ if tree is None else str(tree / "bench" / "fleet_scale.py")
    return run_fresh([script, "--one", *arguments])


def _spread(runs: list[dict[str, Any]], key: str) -> dict[str, float]:
    values = [run[key] for run in runs]
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def summarize(runs: list[dict[str, Any]], keys: list[str]) -> dict[str, Any]:
    return {key: _spread(runs, key) for key in keys} | {"runs": runs}


def plot(report: dict[str, Any], target: FsPath) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = report["sizes"]
    if sizes:
        figure, axes = plt.subplots(1, 4, figsize=(18, 4.5))
    else:  # --notify-only
        figure, notify_axis = plt.subplots(1, 1, figsize=(7, 4.5))
        axes = [None, None, None, notify_axis]
    for axis, key, title in (
        (axes[0], "kib_per_device", "Resident memory per device (KiB)"),
        (axes[1], "cpu_ms_per_device", "Home Assistant CPU per device (ms)"),
        (axes[2], "all_states_seconds", "Every entity has a state (s)"),
    )[: 3 if sizes else 0]:
        for side, marker, label in (
            ("before", "^:", "before"),
            ("floor_before", "v:", "floor, before's layout"),
            ("ha", "o-", "integration"),
            ("floor", "s--", "Home Assistant's floor"),
        ):
            if side in report:
                medians = [report[side][str(size)][key]["median"] for size in sizes]
                axis.plot(sizes, medians, marker, label=label)
        axis.set(xlabel="devices", title=title)
        axis.set_ylim(bottom=0)
        axis.legend()
    names = [name for name in ("engine_before", "engine", "raw") if name in report["notify"]]
    labels = {"engine_before": "engine before", "engine": "engine", "raw": "raw asyncio"}
    spots = list(range(len(names)))
    medians = [report["notify"][name]["server_cpu_us_per_notification"]["median"] for name in names]
    load = [report["notify"][name]["load_cpu_us_per_notification"]["median"] for name in names]
    axes[3].bar(spots, medians, width=0.4, label="server")
    axes[3].bar([spot + 0.4 for spot in spots], load, width=0.4, label="load generator")
    axes[3].set_xticks([spot + 0.2 for spot in spots], [labels[name] for name in names])
    axes[3].set(title="CPU per notification (µs)")
    axes[3].legend()
    heading = "Fleet scale" if sizes else "Notifications"
    figure.suptitle(
        f"{heading}, median of {report['repeats']} fresh processes - {report['cpus']} CPUs, "
        f"load {report['load_average_start'][0]:.1f} at start, {report['load_average_end'][0]:.1f}"
        " at end"
    )
    figure.tight_layout()
    figure.savefig(target, dpi=80)


def orchestrate(options: argparse.Namespace) -> None:
    from homeassistant.const import __version__ as ha_version

    report: dict[str, Any] = {
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH
        ).stdout.strip(),
        "home_assistant": ha_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "sizes": options.sizes,
        "repeats": options.repeats,
        "load_average_start": load_average(),
        "ha": {},
        "floor": {},
        "ratio": {},
    }
    keys = ["kib_per_device", "cpu_ms_per_device", "all_states_seconds"]
    sides = ["ha", "before"] if options.before else ["ha"]
    if options.notify_only:
        report["sizes"] = options.sizes = []
    trees = {"ha": None, "before": options.before}
    for side in sides:
        report.setdefault(side, {})
        report["ratio"].setdefault(side, {})
    # Each side is compared with a floor of its own entity layout: "floor" has the
    # layout of this checkout, "floor_before" that of --before when it differs.
    floors = {"ha": "floor", "before": "floor_before"}
    for size in options.sizes:
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in [*sides, *floors.values()]}
        for _ in range(options.repeats):
            layouts: dict[tuple[int, int], str] = {}
            for side in sides:
                run = _fresh("ha", str(size), tree=trees[side])
                runs[side].append(run)
                layout = (round(run["enabled_per_device"]), round(run["disabled_per_device"]))
                layouts.setdefault(layout, floors[side])
            for (enabled, disabled), floor_name in layouts.items():
                runs[floor_name].append(_fresh("floor", str(size), str(enabled), str(disabled)))
        for floor_name in floors.values():
            if runs[floor_name]:
                report.setdefault(floor_name, {})[str(size)] = summarize(runs[floor_name], keys)
        for side in sides:
            floor_name = floors[side] if runs[floors[side]] else "floor"
            floor = report[floor_name][str(size)]
            mine = report[side][str(size)] = summarize(runs[side], [*keys, "all_observed_seconds"])
            report["ratio"][side][str(size)] = {
                key: mine[key]["median"] / floor[key]["median"] for key in keys
            } | {
                "all_observed_seconds": mine["all_observed_seconds"]["median"]
                / floor["all_states_seconds"]["median"]
            }
    notify_keys = [
        "server_cpu_us_per_notification",
        "load_cpu_us_per_notification",
        "per_second",
    ]
    notify: dict[str, list[dict[str, Any]]] = {"engine": [], "raw": []}
    if options.before:
        notify["engine_before"] = []
    for _ in range(options.repeats):
        for name in notify:
            kind = "raw" if name == "raw" else "engine"
            tree = options.before if name == "engine_before" else None
            notify[name].append(_fresh("notify", kind, str(options.seconds), tree=tree))
    report["notify"] = {name: summarize(runs, notify_keys) for name, runs in notify.items()}
    raw = report["notify"]["raw"]["server_cpu_us_per_notification"]["median"]
    for name in notify:
        report["ratio"][f"notify_{name}_to_raw"] = (
            report["notify"][name]["server_cpu_us_per_notification"]["median"] / raw
        )
    report["load_average_end"] = load_average()
    json_path = write_report(report, options.out, options.name, plot, options.plot_with)
    print(json.dumps(report["ratio"], indent=2))
    print(f"wrote {json_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--one", nargs="+", help="one measurement in this process")
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=FsPath, default=BENCH / "results")
    parser.add_argument("--name", default="fleet_scale")
    parser.add_argument("--plot-with", help="a Python interpreter that has matplotlib")
    parser.add_argument(
        "--notify-only", action="store_true", help="only the notifications (no Home Assistant)"
    )
    parser.add_argument(
        "--before", type=FsPath, help="a checkout of the code to compare with, run alongside"
    )
    options = parser.parse_args()
    if not options.one:
        orchestrate(options)
        return
    kind, *arguments = options.one
    if kind == "ha":
        result = asyncio.run(one_ha(int(arguments[0])))
    elif kind == "floor":
        result = asyncio.run(one_floor(*(int(value) for value in arguments)))
    else:
        result = asyncio.run(one_notify(arguments[0], float(arguments[1])))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
