"""End to end through Home Assistant: devices register, entities appear, states follow.

For each fleet size N (a fresh Home Assistant each time, see :mod:`ha_harness`):

* baseline: a bare aiocoap server in this process answering POSTs from K aiocoap clients
  in a child process, closed loop (each client sends its next POST when the previous
  one is answered) -- the same K as the saturated phase below, just before it;
* registration: N simulated devices (in a child process) register, at most 100 at a
  time; registrations/s as the devices see them, the time until every enabled entity of
  every device has a state in ``hass.states``, and until every device is observed;
* memory: Home Assistant's resident memory after that, minus before, per device;
* saturated: K devices notify closed loop (the next notification when the previous one
  was acknowledged): notifications/s that reach ``hass.states``;
* latency: K devices notify at a fixed total of 500/s: p50/p99 from the device's
  ``time.time()`` at ``set_value`` to the ``state_changed`` event in Home Assistant.

Writes JSON and, with matplotlib installed, a PNG of throughput and latency against N.

    python bench/ha_bench.py [--sizes 100 250 500 1000] [--observed 50] [--seconds 10]
                             [--rate 500] [--out bench/results]

matplotlib is for the plot only: ``pip install -r bench/requirements.txt`` in a venv of
its own (the bench runs in the project's venv; ``--plot-with PYTHON`` names an
interpreter that has matplotlib, e.g. ``.bench-venv/bin/python``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path as FsPath
from typing import Any

BENCH = FsPath(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from report_files import write_report  # noqa: E402


def load_average() -> list[float]:
    return [float(value) for value in FsPath("/proc/loadavg").read_text().split()[:3]]


async def one_size(devices: int, observed: int, seconds: float, rate: float) -> dict[str, Any]:
    # imported here so that plot() also works in a venv with matplotlib and nothing else
    from engine_bench import baseline
    from ha_harness import rss_mib, running_hass

    load_before = load_average()
    base = await baseline(observed, seconds)
    async with running_hass() as run:
        rss_before = rss_mib()
        started = time.time()
        run.start_fleet(devices)
        child = await run.result()
        registered_at = child["registered_at"]
        registration_seconds = registered_at - child["started_at"]
        all_there = await run.wait_for(
            lambda: run.registered() == devices
            and run.counter.created >= run.expected_entities() > 0,
            limit=300,
        )
        entities_at = time.time()
        observed_all = await run.wait_for(lambda: run.observing() == devices, limit=300)
        observed_at = time.time()
        await run.hass.async_block_till_done()
        rss_after = rss_mib()
        saturated = await run.drive(min(observed, devices), None, seconds)
        paced = await run.drive(min(observed, devices), rate / min(observed, devices), seconds)
        await run.stop_fleet()
        entity_count = run.expected_entities()
    return {
        "devices": devices,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "baseline": base,
        "registration": {
            "seconds": registration_seconds,
            "per_second": devices / registration_seconds,
            "entities": entity_count,
            "entities_per_device": entity_count / devices,
            "all_entities_seconds": entities_at - child["started_at"],
            "all_entities_ok": all_there,
            "all_observed_seconds": observed_at - child["started_at"],
            "all_observed_ok": observed_all,
            "fleet_boot_seconds": child["started_at"] - started,
        },
        "memory": {
            "rss_before_mib": rss_before,
            "rss_after_mib": rss_after,
            "kib_per_device": (rss_after - rss_before) * 1024 / devices,
        },
        "saturated": saturated,
        "paced": paced,
        "ratio_to_baseline": saturated["per_second"] / base["posts_per_second"],
        "ratio_per_server_cpu_second": saturated["per_hass_cpu_second"]
        / base["posts_per_server_cpu_second"],
    }


def plot(report: dict[str, Any], target: FsPath) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = report["runs"]
    sizes = [run["devices"] for run in runs]
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.5))
    left.plot(sizes, [r["saturated"]["per_second"] for r in runs], "o-", label="through HA")
    left.plot(sizes, [r["baseline"]["posts_per_second"] for r in runs], "s--", label="bare aiocoap")
    left.set(
        xlabel="registered devices (N)",
        ylabel="per second",
        title=f"Notifications/s, {report['observed']} devices closed loop",
    )
    left.legend()
    left.set_ylim(bottom=0)
    rate = report["rate"]
    middle.plot(sizes, [r["paced"]["p50_ms"] for r in runs], "o-", label="p50")
    middle.plot(sizes, [r["paced"]["p99_ms"] for r in runs], "s-", label="p99")
    middle.axhline(20, color="grey", linestyle=":", label="20 ms")
    middle.set(
        xlabel="registered devices (N)",
        ylabel="ms",
        title=f"Device send to state change at {rate:g}/s",
    )
    middle.legend()
    middle.set_ylim(bottom=0)
    right.plot(
        sizes,
        [r["registration"]["all_entities_seconds"] for r in runs],
        "o-",
        label="every entity has a state",
    )
    right.plot(
        sizes, [r["registration"]["seconds"] for r in runs], "s--", label="registrations answered"
    )
    right.set(xlabel="registered devices (N)", ylabel="seconds", title="Registration of N devices")
    right.legend()
    right.set_ylim(bottom=0)
    figure.suptitle(
        f"LwM2M through Home Assistant {report['home_assistant']} - "
        f"{report['cpus']} CPUs, load {report['load_average_start'][0]:.1f} at start"
    )
    figure.tight_layout()
    figure.savefig(target, dpi=80)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 250, 500, 1000])
    parser.add_argument("--observed", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--out", type=FsPath, default=BENCH / "results")
    parser.add_argument("--name", default="ha_bench")
    parser.add_argument("--plot-with", help="a Python interpreter that has matplotlib")
    options = parser.parse_args()
    from homeassistant.const import __version__ as ha_version

    report: dict[str, Any] = {
        "home_assistant": ha_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "observed": options.observed,
        "seconds": options.seconds,
        "rate": options.rate,
        "load_average_start": load_average(),
        "runs": [],
    }
    for size in options.sizes:
        result = await one_size(size, options.observed, options.seconds, options.rate)
        report["runs"].append(result)
        print(json.dumps(result, indent=2), flush=True)
    report["load_average_end"] = load_average()
    json_path = write_report(report, options.out, options.name, plot, options.plot_with)
    print(f"wrote {json_path}")


if __name__ == "__main__":
    asyncio.run(main())
