"""script/develop's demo devices (``python -m simulator.develop``): they wait for Home
Assistant itself to serve CoAP on its entry's port, follow Reconfigure to a new port, start
again after giving up, and name another program that holds the port."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from custom_components.lwm2m.port_owner import PortOwner
from simulator.develop import (
    RESTART_AFTER,
    DemoDevices,
    Readiness,
    Target,
    coap_answers,
    entry_target,
    readiness,
)
from tests.seed_entry import seed_module


def _write_entry(config: Path, **data: Any) -> None:
    entries = config / ".storage" / "core.config_entries"
    entries.unlink(missing_ok=True)
    seed = seed_module()
    assert seed.seed(config, {**seed.ENTRY_DATA, **data})


def test_the_target_is_the_entrys_coap_port(tmp_path: Path) -> None:
    assert entry_target(tmp_path) is None
    _write_entry(tmp_path)
    assert entry_target(tmp_path) == Target("127.0.0.1", 5683)
    _write_entry(tmp_path, bind_address="0.0.0.0", coap_port=15683)
    assert entry_target(tmp_path) == Target("127.0.0.1", 15683)
    path = tmp_path / ".storage" / "core.config_entries"
    document = json.loads(path.read_text())
    document["data"]["entries"][0]["disabled_by"] = "user"
    path.write_text(json.dumps(document))
    assert entry_target(tmp_path) is None


class _Reset(asyncio.DatagramProtocol):
    """A CoAP endpoint that answers every confirmable message with a reset."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: Any = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(bytes([0x70, 0]) + data[2:4], addr)


@pytest.mark.usefixtures("socket_enabled")
async def test_readiness_asks_who_holds_the_port_and_whether_it_answers() -> None:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(_Reset, local_addr=("127.0.0.1", 0))
    try:
        target = Target("127.0.0.1", transport.get_extra_info("sockname")[1])
        state, owner = await loop.run_in_executor(None, readiness, target, os.getpid())
        assert state is Readiness.READY  # this process holds the port and answers
        assert owner is not None
        assert owner.pid == os.getpid()
        state, owner = await loop.run_in_executor(None, readiness, target, os.getpid() + 1)
        assert state is Readiness.FOREIGN  # held, but not by "Home Assistant"
    finally:
        transport.close()


@pytest.mark.usefixtures("socket_enabled")
def test_a_port_that_does_not_answer_is_not_ready() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        target = Target("127.0.0.1", silent.getsockname()[1])
        assert not coap_answers(target, timeout=0.2)
        state, _ = readiness(target, os.getpid(), answers=lambda _target: False)
        assert state is Readiness.SILENT
    state, owner = readiness(target, os.getpid(), answers=lambda _target: False)
    assert (state, owner) == (Readiness.WAITING, None)


class _FakeProcess:
    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.returncode: int | None = None
        self.signals: list[int] = []

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)
        self.returncode = 0

    def wait(self, timeout: float | None = None) -> int:
        return self.returncode or 0


def test_devices_follow_home_assistant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers: dict[int, tuple[Readiness, PortOwner | None]] = {}
    launched: list[_FakeProcess] = []
    now = [1000.0]

    def check(target: Target, hass_pid: int) -> tuple[Readiness, PortOwner | None]:
        return answers.get(target.port, (Readiness.WAITING, None))

    def launch(command: list[str]) -> subprocess.Popen[bytes]:
        launched.append(_FakeProcess(command))
        return launched[-1]  # type: ignore[return-value]

    devices = DemoDevices(
        tmp_path, 42, ["--count", "3"], check=check, launch=launch, clock=lambda: now[0]
    )
    devices.step()
    assert "waiting for Home Assistant's LwM2M entry" in capsys.readouterr().err

    _write_entry(tmp_path, coap_port=5683)
    answers[5683] = (Readiness.FOREIGN, PortOwner(777, "coiotd"))
    devices.step()
    assert launched == []
    said = capsys.readouterr().err
    assert "UDP port 5683 is held by coiotd (process 777), not by Home Assistant" in said
    assert "Reconfigure" in said

    _write_entry(tmp_path, coap_port=5693)  # Reconfigure moved the server
    answers[5693] = (Readiness.SILENT, PortOwner(42, "python3"))
    devices.step()
    assert launched == []
    answers[5693] = (Readiness.READY, PortOwner(42, "python3"))
    devices.step()
    assert launched[0].command[1:] == [
        "-m",
        "simulator",
        "--server",
        "coap://127.0.0.1:5693",
        "--count",
        "3",
    ]
    devices.step()
    assert len(launched) == 1  # running against the right port: left alone

    _write_entry(tmp_path, coap_port=5703)
    answers[5703] = (Readiness.READY, PortOwner(42, "python3"))
    now[0] += RESTART_AFTER
    devices.step()
    assert launched[0].signals  # stopped (Ctrl+C: they deregister)
    assert launched[1].command[-3] == "coap://127.0.0.1:5703"
    assert "moved to coap://127.0.0.1:5703" in capsys.readouterr().err

    launched[1].returncode = 2  # gave up
    devices.step()
    assert len(launched) == 2  # not at once
    now[0] += RESTART_AFTER
    devices.step()
    assert len(launched) == 3
    assert "starting them again" in capsys.readouterr().err
