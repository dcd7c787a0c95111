"""Killed mid-write (SIGKILL), the stores hold the old or the new data, never a mix.

A worker process (``storage_worker``) writes the integration's stores through Home
Assistant's ``Store`` in a loop and reports each write that completed; the test kills it
at a random moment after a few, starts a fresh process on the same configuration folder
and checks what it loads: everything reported as written is there, and nothing is
half-written (one whole import, a queue whose every request can be queued again).
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sys
import time
from pathlib import Path as FsPath
from typing import Any

import pytest

from custom_components.lwm2m.engine import LwM2MServer, ObjectRegistry, SecurityPolicy

from .storage_worker import DEVICES

REPOSITORY = FsPath(__file__).resolve().parents[2]
LIMIT = 60  # seconds for any one step (a loaded CI machine is slow to start Python)


async def _worker(config_dir: FsPath, mode: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.ha.storage_worker",
        str(config_dir),
        mode,
        cwd=REPOSITORY,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _commits(worker: asyncio.subprocess.Process, wanted: int) -> int:
    """Read until ``wanted`` commits were reported; the last number reported."""
    assert worker.stdout is not None
    last = 0
    for _ in range(wanted):
        async with asyncio.timeout(LIMIT):
            line = await worker.stdout.readline()
        assert line.startswith(b"committed "), line
        last = int(line.split()[1])
    return last


async def _kill(worker: asyncio.subprocess.Process, last: int) -> int:
    """SIGKILL the worker; commits it reported before dying count too."""
    worker.send_signal(signal.SIGKILL)
    assert worker.stdout is not None
    rest = await worker.stdout.read()
    await worker.wait()
    for line in rest.splitlines():
        if line.startswith(b"committed "):
            last = int(line.split()[1])
    return last


async def _load(config_dir: FsPath) -> dict[str, Any]:
    loader = await _worker(config_dir, "load")
    async with asyncio.timeout(LIMIT):
        output, _ = await loader.communicate()
    assert loader.returncode == 0
    loaded: dict[str, Any] = json.loads(output.decode().strip().splitlines()[-1])
    return loaded


async def _killed_imports(config_dir: FsPath, rounds: int) -> None:
    rng = random.Random(7)
    for _ in range(rounds):
        worker = await _worker(config_dir, "import")
        last = await _commits(worker, 2)
        await asyncio.sleep(rng.uniform(0, 0.2))  # somewhere in the next write
        last = await _kill(worker, last)
        loaded = await _load(config_dir)
        assert loaded["credentials"] == DEVICES
        assert len(loaded["imports"]) == 1  # every record from the same import
        assert loaded["imports"][0] in (f"import {last}", f"import {last + 1}")


async def test_a_killed_import_leaves_one_whole_import(tmp_path: FsPath) -> None:
    await _killed_imports(tmp_path, rounds=1)


@pytest.mark.slow
async def test_many_killed_imports(tmp_path: FsPath) -> None:
    await _killed_imports(tmp_path, rounds=10)


async def test_a_killed_queue_keeps_what_was_queued(tmp_path: FsPath) -> None:
    worker = await _worker(tmp_path, "queue")
    last = await _commits(worker, 3)
    await asyncio.sleep(random.Random(3).uniform(0, 0.5))
    last = await _kill(worker, last)
    queue = (await _load(tmp_path))["queue"]
    requests = queue["sleepy"]
    assert len(requests) in (last, last + 1)
    assert [entry["values"][0][1] for entry in requests] == [
        f"write {n}" for n in range(1, len(requests) + 1)
    ]
    server = LwM2MServer(ObjectRegistry.default(), policy=SecurityPolicy.OPEN)
    server.import_queue(queue)  # what a restarted hub does with it
    assert server.export_queue() == queue


async def _steady_queue_killed(config_dir: FsPath, seconds: float) -> float:
    """Queue ten requests a second for ``seconds``, SIGKILL, and check the queue file: every
    request queued up to 2 s before the kill is there. Returns the age of the newest."""
    worker = await _worker(config_dir, "steady")
    assert worker.stdout is not None
    queued_at: dict[int, float] = {}
    while not queued_at or max(queued_at.values()) - min(queued_at.values()) < seconds:
        async with asyncio.timeout(LIMIT):
            line = await worker.stdout.readline()
        assert line.startswith(b"queued "), line
        _, number, when = line.split()
        queued_at[int(number)] = float(when)
    killed_at = time.monotonic()
    worker.send_signal(signal.SIGKILL)
    await worker.stdout.read()
    await worker.wait()
    requests = (await _load(config_dir))["queue"].get("sleepy", [])
    assert [entry["values"][0][1] for entry in requests] == [
        f"write {n}" for n in range(1, len(requests) + 1)
    ]
    must_have = max(n for n, when in queued_at.items() if when <= killed_at - 2.0)
    assert len(requests) >= must_have
    return killed_at - queued_at[len(requests)]


async def test_a_killed_steady_queue_lost_at_most_its_last_two_seconds(tmp_path: FsPath) -> None:
    await _steady_queue_killed(tmp_path, seconds=5)


@pytest.mark.slow
async def test_a_killed_steady_queue_after_a_minute(tmp_path: FsPath) -> None:
    age = await _steady_queue_killed(tmp_path, seconds=60)
    print(
        f"after a minute of queueing, the newest request on disk was queued {age:.2f} s "
        "before the kill"
    )
