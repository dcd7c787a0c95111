"""Soak: N devices notify once a second each, for minutes, through Home Assistant.

The devices register (see :mod:`ha_harness`: Home Assistant in this process, the devices
in a child process), every device's temperature is observed, then each device sets its
temperature to the wall-clock time once a second for ``--minutes``. Every ``--sample``
seconds the bench records Home Assistant's resident memory, the notifications that
reached ``hass.states`` since the last sample and their p50/p99 latency.

Memory growth is the last sample against the first one taken after ``--warmup``
seconds of notifications, and against the first sample after Python's first full
garbage collection (Home Assistant's replaced states are freed only by those, so
the heap reaches its working size there); each full collection's pause is recorded.

    python bench/ha_soak.py [--devices 1000] [--minutes 10] [--sample 10] [--warmup 60]
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


async def soak(devices: int, minutes: float, sample: float, warmup: float) -> dict[str, Any]:
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
        run.counter.temperature_ids = set(run.temperature_entities(devices))
        run.counter.start_counting()
        seconds = minutes * 60
        run.commands.put(("drive", devices, 1.0, seconds))
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
        outcome = await run.result()
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
        "notifications_sent": outcome["sent"],
        "mean_notifications_per_second": sum(rates) / len(rates),
        "offered_per_second": float(devices),
        "samples": samples,
    }


def plot(report: dict[str, Any], target: FsPath) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    samples = report["samples"]
    times = [entry["t"] / 60 for entry in samples]
    figure, (memory, rate) = plt.subplots(1, 2, figsize=(12, 4.5))
    memory.plot(times, [entry["rss_mib"] for entry in samples], "-")
    memory.axvline(report["warmup_seconds"] / 60, color="grey", linestyle=":", label="warm-up")
    memory.set(xlabel="minutes", ylabel="MiB", title="Home Assistant resident memory")
    memory.legend()
    rate.plot(times, [entry["notifications_per_second"] for entry in samples], "-", label="/s")
    rate.set(xlabel="minutes", ylabel="notifications/s", title="Reaching hass.states")
    latency = rate.twinx()
    latency.plot(times, [entry["p99_ms"] for entry in samples], "r:", label="p99 ms")
    latency.set_ylabel("p99 latency, ms")
    figure.suptitle(
        f"Soak: {report['devices']} devices x 1/s for {report['minutes']:g} min "
        f"(memory growth after warm-up {report['growth_after_warmup_percent']:+.1f} %)"
    )
    figure.tight_layout()
    figure.savefig(target, dpi=80)


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
    summary = {key: value for key, value in report.items() if key != "samples"}
    print(json.dumps(summary, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sample", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=60.0)
    parser.add_argument("--out", type=FsPath, default=BENCH / "results")
    parser.add_argument("--plot-with", help="a Python interpreter that has matplotlib")
    options = parser.parse_args()
    load_start = load_average()
    report = asyncio.run(soak(options.devices, options.minutes, options.sample, options.warmup))
    report.update(
        {
            "cpus": os.cpu_count(),
            "load_average_start": load_start,
            "load_average_end": load_average(),
        }
    )
    write(report, options.out, options.plot_with)


if __name__ == "__main__":
    main()
