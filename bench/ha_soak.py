"""Soak: N devices notify once a second each, for minutes, through Home Assistant.

The devices register (see :mod:`ha_harness`: Home Assistant in this process, the devices
in a child process), every device's temperature is observed, then each device sets its
temperature to the wall-clock time once a second for ``--minutes``. Every ``--sample``
seconds the bench records Home Assistant's resident memory, the notifications that
reached ``hass.states`` since the last sample and their p50/p99 latency.

The baseline in the same run (``--driver both``, the default) is a second, separate
process set up the same way (the same devices registered, the same entities), in which
nothing is sent over the network: the bench itself writes each temperature state into
Home Assistant's state machine once a second. What the two runs' memory does differently
is what the LwM2M path adds; what they share is Home Assistant's own cost of that many
state changes.

Memory growth is the last sample against the first one taken after ``--warmup``
seconds of notifications, against the first sample of the soak, and against the first
sample after Python's first full garbage collection (Home Assistant's replaced states
are freed only by those, so the heap reaches its working size there); each full
collection's pause is recorded.

    python bench/ha_soak.py [--devices 1000] [--minutes 10] [--sample 10] [--warmup 60]
                            [--driver both|devices|states]
                            [--out bench/results] [--plot-with .bench-venv/bin/python]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path as FsPath
from typing import Any

BENCH = FsPath(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]


def load_average() -> list[float]:
    return [float(value) for value in FsPath("/proc/loadavg").read_text().split()[:3]]


class CollectionWatch:
    """Full (generation 2) garbage collections: when, and how long the process stood still."""

    def __init__(self) -> None:
        self.full: list[float] = []  # pause of each full collection, seconds
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif info["generation"] == 2:
            self.full.append(time.perf_counter() - self._started)


async def write_states(hass: Any, entity_ids: list[str], seconds: float) -> int:
    """Each entity's state set to the wall-clock time once a second, spread over the second."""
    ticks = 100
    batches = [entity_ids[n::ticks] for n in range(ticks)]
    deadline = time.monotonic() + seconds
    next_at = time.monotonic()
    written = 0
    while True:
        for batch in batches:
            if time.monotonic() >= deadline:
                return written
            for entity_id in batch:
                state = hass.states.get(entity_id)
                attributes = state.attributes if state is not None else None
                hass.states.async_set(entity_id, str(time.time()), attributes)
            written += len(batch)
            next_at += 1 / ticks
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))


async def soak(
    devices: int, minutes: float, sample: float, warmup: float, driver: str
) -> dict[str, Any]:
    from ha_harness import cpu_seconds, percentile, rss_mib, running_hass

    async with running_hass() as run:
        rss_idle = rss_mib()
        run.start_fleet(devices)
        child = await run.result()
        await run.wait_for(lambda: run.registered() == devices, limit=600)
        await run.wait_for(lambda: run.observing() == devices, limit=600)
        setup_seconds = time.time() - child["started_at"]
        gc.collect()
        rss_ready = rss_mib()
        temperatures = run.temperature_entities(devices)
        run.counter.temperature_ids = set(temperatures)
        run.counter.start_counting()
        seconds = minutes * 60
        if driver == "devices":
            run.commands.put(("drive", devices, 1.0, seconds))
            driving = asyncio.ensure_future(run.result())
        else:
            driving = asyncio.ensure_future(write_states(run.hass, temperatures, seconds))
        samples: list[dict[str, Any]] = []
        collections = CollectionWatch()
        gc.callbacks.append(collections)
        started = time.monotonic()
        cpu_before = cpu_seconds()
        while time.monotonic() - started < seconds:
            await asyncio.sleep(sample)
            latencies = sorted(run.counter.latencies)
            count = run.counter.notifications
            run.counter.notifications, run.counter.latencies = 0, []
            cpu_now = cpu_seconds()
            samples.append(
                {
                    "t": round(time.monotonic() - started, 1),
                    "rss_mib": rss_mib(),
                    "python_blocks": sys.getallocatedblocks(),
                    "full_collections": len(collections.full),
                    "longest_full_collection_ms": 1000 * max(collections.full, default=0.0),
                    "notifications_per_second": count / sample,
                    "p50_ms": 1000 * percentile(latencies, 0.5),
                    "p99_ms": 1000 * percentile(latencies, 0.99),
                    "hass_cpu_share": (cpu_now - cpu_before) / sample,
                    "load_average": load_average()[0],
                }
            )
            cpu_before = cpu_now
            print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
        outcome = await driving
        gc.callbacks.remove(collections)
        run.counter.stop_counting()
        await run.stop_fleet()
    steady = [entry for entry in samples if entry["t"] >= warmup] or samples
    first, last = steady[0]["rss_mib"], steady[-1]["rss_mib"]
    # Home Assistant's state_changed events and their contexts refer to each other, so
    # the states a device replaces are freed by full collections only: the heap grows
    # until the first one, then stays at that size
    collected = [entry for entry in samples if entry["full_collections"] > 0]
    after_collection = collected[0]["rss_mib"] if collected else None
    rates = [entry["notifications_per_second"] for entry in steady]
    return {
        "driver": driver,
        "devices": devices,
        "minutes": minutes,
        "setup_seconds": setup_seconds,
        "rss_idle_mib": rss_idle,
        "rss_registered_mib": rss_ready,
        "kib_per_device": (rss_ready - rss_idle) * 1024 / devices,
        "warmup_seconds": warmup,
        "rss_after_warmup_mib": first,
        "rss_end_mib": last,
        "rss_max_mib": max(entry["rss_mib"] for entry in samples),
        "python_blocks_after_warmup": steady[0]["python_blocks"],
        "python_blocks_end": steady[-1]["python_blocks"],
        "growth_after_warmup_percent": 100 * (last - first) / first,
        "growth_from_start_percent": 100 * (last - samples[0]["rss_mib"]) / samples[0]["rss_mib"],
        "rss_after_first_full_collection_mib": after_collection,
        "first_full_collection_t": collected[0]["t"] if collected else None,
        "growth_after_first_full_collection_percent": None
        if after_collection is None
        else 100 * (last - after_collection) / after_collection,
        "full_collections": len(collections.full),
        "longest_full_collection_ms": 1000 * max(collections.full, default=0.0),
        "notifications_sent": outcome["sent"] if isinstance(outcome, dict) else outcome,
        "mean_notifications_per_second": sum(rates) / len(rates),
        "offered_per_second": float(devices),
        "samples": samples,
    }


def plot(report: dict[str, Any], target: FsPath) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (memory, rate) = plt.subplots(1, 2, figsize=(12, 4.5))
    baseline = report.get("baseline")
    for run, style, label in ((report, "-", "through devices"), (baseline, "--", "states only")):
        if run:
            minutes = [entry["t"] / 60 for entry in run["samples"]]
            memory.plot(minutes, [entry["rss_mib"] for entry in run["samples"]], style, label=label)
    memory.axvline(report["warmup_seconds"] / 60, color="grey", linestyle=":", label="warm-up")
    memory.set(xlabel="minutes", ylabel="MiB", title="Home Assistant resident memory")
    memory.legend()
    samples = report["samples"]
    times = [entry["t"] / 60 for entry in samples]
    rate.plot(times, [entry["notifications_per_second"] for entry in samples], "-", label="/s")
    rate.set(xlabel="minutes", ylabel="notifications/s", title="Reaching hass.states")
    latency = rate.twinx()
    latency.plot(times, [entry["p99_ms"] for entry in samples], "r:", label="p99 ms")
    latency.set_ylabel("p99 latency, ms")
    title = (
        f"Soak: {report['devices']} devices x 1/s for {report['minutes']:g} min "
        f"(memory from start {report['growth_from_start_percent']:+.1f} %"
    )
    if baseline:
        title += f"; states only {baseline['growth_from_start_percent']:+.1f} %"
    figure.suptitle(title + ")")
    figure.tight_layout()
    figure.savefig(target, dpi=80)


def without_samples(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key != "samples"}


def write(report: dict[str, Any], out: FsPath, plot_with: str | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "ha_soak.json"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    png_path = out / "ha_soak.png"
    try:
        plot(report, png_path)
    except ImportError:
        if not plot_with:
            print("no plot: matplotlib is missing (see bench/requirements.txt)")
        else:
            script = (
                "import json, sys; sys.path.insert(0, sys.argv[1]); import ha_soak; "
                "ha_soak.plot(json.load(open(sys.argv[2])), ha_soak.FsPath(sys.argv[3]))"
            )
            command = [plot_with, "-c", script, str(BENCH), str(json_path), str(png_path)]
            subprocess.run(command, check=True)
    summary = without_samples(report)
    if "baseline" in report:
        summary["baseline"] = without_samples(report["baseline"])
    print(json.dumps(summary, indent=2))


def run_alone(driver: str, options: argparse.Namespace) -> dict[str, Any]:
    """One driver's soak in a fresh process, so neither run inherits the other's heap."""
    with tempfile.TemporaryDirectory() as folder:
        report_path = FsPath(folder) / "report.json"
        command = [sys.executable, __file__, "--driver", driver, "--report-to", str(report_path)]
        for name in ("devices", "minutes", "sample", "warmup"):
            command += [f"--{name}", str(getattr(options, name))]
        subprocess.run(command, check=True)
        report: dict[str, Any] = json.loads(report_path.read_text())
        return report


def compare(devices: dict[str, Any], states: dict[str, Any]) -> dict[str, Any]:
    def grown(run: dict[str, Any]) -> float:
        return float(run["rss_end_mib"] - run["samples"][0]["rss_mib"])

    return {
        "growth_from_start_mib": grown(devices),
        "baseline_growth_from_start_mib": grown(states),
        "growth_beyond_baseline_percent": devices["growth_from_start_percent"]
        - states["growth_from_start_percent"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sample", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=60.0)
    parser.add_argument("--driver", choices=("both", "devices", "states"), default="both")
    parser.add_argument("--report-to", type=FsPath, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=FsPath, default=BENCH / "results")
    parser.add_argument("--plot-with", help="a Python interpreter that has matplotlib")
    options = parser.parse_args()
    if options.driver == "both":
        baseline = run_alone("states", options)
        report = run_alone("devices", options)
        report.update(compare(report, baseline))
        report["baseline"] = baseline
        write(report, options.out, options.plot_with)
        return
    load_start = load_average()
    report = asyncio.run(
        soak(options.devices, options.minutes, options.sample, options.warmup, options.driver)
    )
    report.update(
        {
            "cpus": os.cpu_count(),
            "load_average_start": load_start,
            "load_average_end": load_average(),
        }
    )
    if options.report_to:
        options.report_to.write_text(json.dumps(report))
    else:
        write(report, options.out, options.plot_with)


if __name__ == "__main__":
    main()
