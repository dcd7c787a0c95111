"""Mass expiry: 50,000 registrations that run out together, and how long the event loop
is held meanwhile, for this tree and a baseline revision (default: main), each in a
process of its own.

Usage: python bench/expiry_bench.py [--count 50000] [--baseline main] [--json out.json]

Registrations are put straight into the server's registration store (a bench may reach
inside) with the same lifetime; the server's own expiry path runs (sessions, observations,
presence, the Expired event to a listener). Measured with the event loop in debug mode and
``slow_callback_duration`` = 20 ms: asyncio reports every callback that took longer (wall
time, so on a busy machine other processes' turns count too; the same in CPU time is
reported beside it); also the most expiries between two polls of the loop's selector, and
the longest stretch without a poll.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SLOW = 0.020


async def measure(count: int) -> dict[str, Any]:
    from custom_components.lwm2m.engine import (
        Expired,
        LwM2MEvent,
        LwM2MServer,
        ObjectRegistry,
        Registration,
        SecurityPolicy,
    )

    loop = asyncio.get_running_loop()
    slow: list[float] = []
    slow_kinds: dict[str, int] = {}

    class SlowCallbacks(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("Executing"):
                assert isinstance(record.args, tuple)
                slow.append(float(record.args[-1]))
                kind = str(record.args[0]).split(" at ")[0][:80]
                slow_kinds[kind] = slow_kinds.get(kind, 0) + 1

    logging.getLogger("asyncio").addHandler(SlowCallbacks())
    # The same per callback in CPU time: on a shared machine the wall time above also
    # counts the time other processes had the CPU.
    cpu: list[float] = []
    run = asyncio.events.Handle._run

    def timed_run(handle: asyncio.Handle) -> None:
        started = time.thread_time()
        run(handle)
        cpu.append(time.thread_time() - started)

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
    server = LwM2MServer(
        ObjectRegistry.default(),
        host="127.0.0.1",
        port=0,
        policy=SecurityPolicy.OPEN,
        grace_period=0,
    )
    done = asyncio.Event()
    expired_at_poll: list[int] = []
    polls = {"count": 0, "last": time.perf_counter(), "longest": 0.0}
    selector: Any = loop._selector  # type: ignore[attr-defined]
    select = selector.select

    def counting_select(timeout: float | None = None) -> Any:
        now = time.perf_counter()
        polls["longest"] = max(polls["longest"], now - polls["last"])
        polls["count"] += 1
        events = select(timeout)
        polls["last"] = time.perf_counter()
        return events

    def listener(event: LwM2MEvent) -> None:
        if isinstance(event, Expired):
            expired_at_poll.append(polls["count"])
            if len(expired_at_poll) == count:
                done.set()

    server.add_listener(listener)
    now = time.time()
    for n in range(count):
        server._store.put(
            Registration(
                endpoint=f"meter-{n}",
                registration_id=f"{n:08x}",
                lifetime=2,
                registered_at=now,
                updated_at=now,
            )
        )
    polls["longest"] = 0.0
    polls["last"] = time.perf_counter()
    selector.select = counting_select
    loop.set_debug(True)
    loop.slow_callback_duration = SLOW
    cpu.clear()
    started = time.perf_counter()
    await asyncio.wait_for(done.wait(), 300)
    elapsed = time.perf_counter() - started
    loop.set_debug(False)
    selector.select = select
    per_poll: dict[int, int] = {}
    for poll in expired_at_poll:
        per_poll[poll] = per_poll.get(poll, 0) + 1
    return {
        "registrations": count,
        "callbacks_over_20ms": len(slow),
        "longest_callback_ms": round(1000 * max(slow, default=0.0), 1),
        "callbacks_over_20ms_cpu_time": sum(1 for spent in cpu if spent > SLOW),
        "longest_callback_cpu_ms": round(1000 * max(cpu, default=0.0), 1),
        "most_expiries_between_polls": max(per_poll.values()),
        "longest_stretch_without_a_poll_ms": round(1000 * polls["longest"], 1),
        "seconds_from_first_deadline_to_last_expiry": round(elapsed - 2, 2),
        "slow_callbacks": slow_kinds,
    }


def run_version(folder: str, count: int) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", folder, "--count", str(count)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--child")
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, args.child)
        print(json.dumps(asyncio.run(measure(args.count))))
        return
    sys.path.insert(0, str(HERE))
    from baseline_tree import versions, write_results

    results: dict[str, object] = {"load_average": list(os.getloadavg())}
    for name, folder in versions(args.baseline).items():
        results[name] = run_version(str(folder), args.count)
    write_results(results, args.json)


if __name__ == "__main__":
    main()
