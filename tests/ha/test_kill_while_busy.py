"""Killed (SIGKILL) while devices talk, Home Assistant loses little: a real Home Assistant
process runs the integration, a simulated device notifies its temperature every second
for a minute, the process is killed without warning, and the devices file must hold a
value the device sent at most 30 s before the kill (a power cut, in other words).

A minute of traffic is what makes the test: it runs with ``-m slow``. The same bound
in simulated time is part of the default run (test_storage_age.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path as FsPath

import pytest

from custom_components.lwm2m.engine import Path
from simulator import SimulatedDevice

from .live_network import expected_lingering_timers, free_udp_ports, loopback

REPOSITORY = FsPath(__file__).resolve().parents[2]
TEMPERATURE = Path.of(3303, 0, 5700)
RUN = 60.0  # seconds of notifications before the kill
MAX_DEVICE_STATE_AGE = 30.0
STARTED = b"Home Assistant initialized"

pytestmark = pytest.mark.slow
__all__ = ["expected_lingering_timers", "loopback"]


def _free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _configure(config: FsPath, coap_port: int) -> None:
    (config / "custom_components").mkdir(parents=True)
    (config / "custom_components" / "lwm2m").symlink_to(REPOSITORY / "custom_components" / "lwm2m")
    http_port = _free_tcp_port()
    coaps_port, bootstrap_port, bootstraps_port = free_udp_ports(3)
    (config / "configuration.yaml").write_text(
        "http:\n"
        "  server_host: 127.0.0.1\n"
        f"  server_port: {http_port}\n"
        "logger:\n"
        "  default: warning\n"
        "  logs:\n"
        "    homeassistant.bootstrap: info\n"
    )
    entry = {
        "entry_id": "0123456789abcdef0123456789abcdef",
        "version": 1,
        "minor_version": 1,
        "domain": "lwm2m",
        "title": "LwM2M",
        "data": {
            "bind_address": "127.0.0.1",
            "coap_port": coap_port,
            "coaps_port": coaps_port,
            "bootstrap_port": bootstrap_port,
            "bootstraps_port": bootstraps_port,
            "server_uri": f"coap://127.0.0.1:{coap_port}",
            "security_policy": "open",
        },
        "options": {},
        "source": "user",
        "unique_id": None,
        "disabled_by": None,
    }
    storage = config / ".storage"
    storage.mkdir()
    (storage / "core.config_entries").write_text(
        json.dumps(
            {
                "version": 1,
                "minor_version": 1,
                "key": "core.config_entries",
                "data": {"entries": [entry]},
            }
        )
    )


@pytest.fixture
async def home_assistant(tmp_path: FsPath) -> AsyncIterator[tuple[asyncio.subprocess.Process, int]]:
    """A Home Assistant process with the integration set up; killed at the end anyway."""
    [coap_port] = free_udp_ports(1)
    _configure(tmp_path, coap_port)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "homeassistant",
        "--config",
        str(tmp_path),
        "--skip-pip",
        cwd=REPOSITORY,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "AIOCOAP_REUSE_PORT": "0"},
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(180):
            while STARTED not in (line := await process.stderr.readline()):
                assert line, "Home Assistant exited while starting"
        yield process, coap_port
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def test_device_state_survives_a_kill_after_a_minute_of_notifications(
    loopback: None,
    tmp_path: FsPath,
    home_assistant: tuple[asyncio.subprocess.Process, int],
) -> None:
    process, coap_port = home_assistant
    device = SimulatedDevice("busy-meter", auto_update=False, lifetime=3600)
    await device.start()
    try:
        await device.register(("127.0.0.1", coap_port))
        sent_at: dict[float, float] = {}  # value -> when it was set
        value = 0.0
        started = time.monotonic()
        while time.monotonic() - started < RUN:
            value += 1
            sent_at[value] = time.monotonic()
            device.set_value(TEMPERATURE, value)
            await asyncio.sleep(1)
        killed_at = time.monotonic()
        process.send_signal(signal.SIGKILL)
        await process.wait()
    finally:
        await device.stop()
    stored = json.loads((tmp_path / ".storage" / "lwm2m.devices").read_text())
    survived = stored["data"]["devices"]["busy-meter"]["values"][str(TEMPERATURE)]
    age = killed_at - sent_at[float(survived)]
    print(
        f"kill after {RUN:.0f} s of notifications: the devices file held the value "
        f"sent {age:.1f} s before the kill"
    )
    assert age <= MAX_DEVICE_STATE_AGE
