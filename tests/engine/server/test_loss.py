"""20 % packet loss: registration, read and observe still complete through retransmission.

The relay test always runs: a UDP relay between the simulated device and the server
drops a fifth of the datagrams each way. Where the machine allows it (root, ``ip``,
``tc`` and the kernel's netem qdisc), the same scenario also runs in a network namespace
made for the test, whose loopback drops a fifth of all packets; otherwise that test is
skipped and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path as FsPath

import pytest
from aiocoap.numbers.constants import TransportTuning

from .loss_scenario import (
    ACK_TIMEOUT,
    MAX_RETRANSMIT,
    NOTIFICATIONS,
    LossyProxy,
    run_scenario,
)

LOSS = 0.2
REPOSITORY = FsPath(__file__).resolve().parents[3]


@pytest.fixture
def expected_lingering_timers() -> bool:
    return True


@pytest.fixture
def short_coap_timers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TransportTuning, "ACK_TIMEOUT", ACK_TIMEOUT)
    monkeypatch.setattr(TransportTuning, "MAX_RETRANSMIT", MAX_RETRANSMIT)


def _check(result: dict[str, object]) -> None:
    assert result["registered"] is True
    assert result["read"] == {"/3/0/0": "Simulated Devices Ltd"}
    notified = result["notified"]
    assert isinstance(notified, list)
    assert notified[-1] == float(NOTIFICATIONS)


async def test_through_a_relay_that_drops_a_fifth(loopback: None, short_coap_timers: None) -> None:
    relays: list[LossyProxy] = []

    async def via_relay(server_port: int) -> int:
        relay = LossyProxy(server_port, LOSS)
        relays.append(relay)
        return await relay.start()

    try:
        result = await run_scenario(via_relay)
    finally:
        for relay in relays:
            relay.close()
    _check(result)
    relay = relays[0]
    assert relay.dropped > 0
    assert 0.05 < relay.dropped / (relay.dropped + relay.forwarded) < 0.4


def _ip(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *arguments], capture_output=True, text=True, check=False)


@pytest.fixture
def lossy_namespace() -> Iterator[str]:
    """A network namespace whose loopback drops LOSS of all packets (netem)."""
    if os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("tc") is None:
        pytest.skip("netem needs root, ip and tc; the relay test covered loss instead")
    name = f"lwm2m-loss-{os.getpid()}"
    made = _ip("netns", "add", name)
    if made.returncode:
        pytest.skip(f"cannot make a network namespace: {made.stderr.strip()}")
    try:
        steps = [
            ("netns", "exec", name, "ip", "link", "set", "lo", "up"),
            (
                "netns",
                "exec",
                name,
                "tc",
                "qdisc",
                "add",
                "dev",
                "lo",
                "root",
                "netem",
                "loss",
                f"{LOSS:.0%}",
            ),
        ]
        for step in steps:
            done = _ip(*step)
            if done.returncode:
                reason = done.stderr.strip()
                pytest.skip(f"netem is not available ({reason}); the relay test covered loss")
        yield name
    finally:
        _ip("netns", "del", name)


def test_in_a_namespace_with_netem_loss(lossy_namespace: str) -> None:
    done = subprocess.run(
        [
            "ip",
            "netns",
            "exec",
            lossy_namespace,
            sys.executable,
            "-m",
            "tests.engine.server.loss_scenario",
        ],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    _check(json.loads(done.stdout.strip().splitlines()[-1]))
