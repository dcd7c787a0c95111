"""python -m simulator: arguments, a live fleet with animated values, unreachable servers."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from typing import IO

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, Path
from simulator.cli import Fleet, UsageError, arguments, main, parse_server, run

from .stand_in import ServerStandIn


def test_parse_server() -> None:
    assert parse_server("coap://127.0.0.1:5700") == ("127.0.0.1", 5700)
    assert parse_server("coap://localhost") == ("localhost", 5683)
    with pytest.raises(UsageError):
        parse_server("coaps://127.0.0.1")


def test_unreachable_server_exits_non_zero(
    loopback: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 9 (discard) has no CoAP server on loopback: the kernel refuses at once.
    assert main(["--server", "coap://127.0.0.1:9", "--count", "2", "--timeout", "5"]) == 2
    error = capsys.readouterr().err
    assert "cannot register with the LwM2M server at coap://127.0.0.1:9" in error


async def test_fleet_registers_animates_and_deregisters(server: ServerStandIn) -> None:
    host, port = server.address
    server_uri = f"coap://{host}:{port}"
    options = arguments(
        ["--server", server_uri, "--count", "3", "--prefix", "demo-", "--animate", "0.05"]
    )
    fleet = asyncio.create_task(run(options))
    registrations = [await server.wait_for("register", since=index) for index in range(3)]
    names = sorted(registration.query_map["ep"] or "" for registration in registrations)
    assert names == ["demo-1", "demo-2", "demo-3"]
    observer = await server.observe(
        registrations[0].source, "/3303/0/5700", accept=ContentFormat.TEXT
    )
    assert observer.first.code == Code.CONTENT
    await observer.wait_for_count(2)
    fleet.cancel()
    with pytest.raises(asyncio.CancelledError):
        await fleet
    deregistrations = [arrival for arrival in server.arrivals if arrival.kind == "deregister"]
    assert len(deregistrations) == 3


def test_an_animated_fleet_starts_at_separate_places() -> None:
    options = arguments(["--server", "coap://127.0.0.1:5683", "--count", "3", "--animate", "5"])
    places = {
        (device.value(Path.of(6, 0, 0)), device.value(Path.of(6, 0, 1)))
        for device in Fleet(options).devices
    }
    assert len(places) == 3
    for latitude, longitude in places:
        assert abs(float(latitude) - 52.520008) <= 0.0101
        assert abs(float(longitude) - 13.404954) <= 0.0201
    still = Fleet(arguments(["--server", "coap://127.0.0.1:5683", "--count", "2"]))
    assert {device.value(Path.of(6, 0, 0)) for device in still.devices} == {52.520008}


async def test_sigint_deregisters_even_when_the_shell_started_it_ignoring_sigint(
    server: ServerStandIn,
) -> None:
    """As script/develop's demo devices, started in the background: SIGINT still stops them
    the Ctrl-C way, with a deregistration."""
    host, port = server.address
    command = [sys.executable, "-m", "simulator", "--server", f"coap://{host}:{port}"]
    process = await asyncio.to_thread(
        subprocess.Popen,
        [*command, "--prefix", "background-"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert process.stderr is not None
        # The registration's answer reached the device once it says so.
        said = await asyncio.to_thread(_lines_until, process.stderr, "Ctrl-C stops them")
        assert "background-1 registered at" in said
        process.send_signal(signal.SIGINT)
        deregistration = await server.wait_for("deregister", within=30)
        _, rest = await asyncio.to_thread(process.communicate, timeout=30)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0
    assert deregistration.kind == "deregister"
    assert "background-1 deregistered" in rest


def _lines_until(stream: IO[str], text: str) -> str:
    lines = []
    for line in stream:
        lines.append(line)
        if text in line:
            break
    return "".join(lines)
