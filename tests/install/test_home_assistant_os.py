"""Installed as on Home Assistant OS: a clean venv, no compiler, Home Assistant's installer.

Home Assistant installs the integration's requirements itself at start, with its own
constraints, from the package index; then a simulated device bootstraps and registers
over DTLS-PSK, and Home Assistant makes it a device with entities and states.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from homeassistant.const import __version__ as home_assistant_version
from packaging.requirements import Requirement

from custom_components.lwm2m.engine import parse_credentials_csv
from tests.ha.live_network import free_udp_ports
from tests.tinydtls import requires_tinydtls

from .home_assistant_os import (
    ROOT,
    CleanVenv,
    Configuration,
    HassProcess,
    InstallError,
    wait_for,
)
from .wheels import home_assistant_constraints, manifest_requirements, picked_version

pytestmark = requires_tinydtls  # the simulated device's DTLS client

ENDPOINT = "haos-meter-1"
LWM2M_ID, LWM2M_KEY = "haos-lwm2m-id", bytes.fromhex("6a1f0c9e44d2b87315ea09c6d3f2a8b1")
BOOTSTRAP_ID, BOOTSTRAP_KEY = "haos-bs-id", bytes.fromhex("0d7e91b35c28fa46e1b09c7734a5d2e8")
TEMPERATURE = f"{ENDPOINT}-3303-0-5700"  # the simulator's temperature sensor: 21.5
START_TIMEOUT = 600  # the first start on a machine downloads the requirements
LOG_LINE = re.compile(r"^\S+ \S+ (?P<level>[A-Z]+) \([^)]*\) \[(?P<logger>[^\]]+)\]")


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def udp_port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def credentials(coaps: int) -> dict[str, dict[str, Any]]:
    csv = (
        "endpoint id,securityMode,lwm2m server url,lwm2m psk_id,lwm2m psk_key,"
        "bootstrap psk_id,bootstrap psk_key\n"
        f"{ENDPOINT},PSK,coaps://127.0.0.1:{coaps},{LWM2M_ID},{LWM2M_KEY.hex()},"
        f"{BOOTSTRAP_ID},{BOOTSTRAP_KEY.hex()}\n"
    )
    return {record.endpoint: record.to_dict() for record in parse_credentials_csv(csv)}


def problems_in(log: str) -> list[str]:
    """Errors of any origin, and warnings of this integration or of the installer."""
    found = []
    for line in log.splitlines():
        match = LOG_LINE.match(line)
        if match is None:
            continue
        level, logger = match["level"], match["logger"]
        ours = logger.startswith(("custom_components.lwm2m", "homeassistant.requirements"))
        if level in ("ERROR", "CRITICAL") or (level == "WARNING" and ours):
            found.append(line)
    return found


def expected_versions() -> dict[str, str]:
    constraints = home_assistant_constraints()
    return {r.name: picked_version(r, constraints) for r in manifest_requirements()}


def entities_of(config: Configuration) -> dict[str, dict[str, Any]]:
    return {
        entity["unique_id"]: entity
        for entity in (config.stored("core.entity_registry") or {}).get("entities", [])
        if entity["config_entry_id"] == config.entry_id
    }


def start_device(bootstraps: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.install.dtls_device", "127.0.0.1", str(bootstraps)]
    command += [ENDPOINT, BOOTSTRAP_ID, BOOTSTRAP_KEY.hex()]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_installs_sets_up_and_serves_a_dtls_device(
    tmp_path: Path, socket_enabled: None, record_property: pytest.RecordProperty
) -> None:
    timings: dict[str, float] = {}
    started = time.monotonic()

    def lap(name: str) -> None:
        timings[name] = round(time.monotonic() - started - sum(timings.values()), 1)

    venv = CleanVenv.create(tmp_path)
    assert venv.compilers_on_path() == []
    venv.install_home_assistant(home_assistant_version)
    lap("install Home Assistant")
    requirements = [Requirement(str(r)).name for r in manifest_requirements()]
    before = venv.installed_versions([*requirements, "DTLSSocket"])
    assert before["DTLSSocket"] is None

    coap, coaps, bootstrap, bootstraps = free_udp_ports(4)
    http = free_tcp_port()
    config = Configuration(
        tmp_path / "config",
        http,
        {
            "bind_address": "127.0.0.1",
            "coap_port": coap,
            "coaps_port": coaps,
            "bootstrap_port": bootstrap,
            "bootstraps_port": bootstraps,
            "server_uri": f"coap://127.0.0.1:{coap}",
            "security_policy": "strict",
        },
    )
    config.write(credentials(coaps))
    device: subprocess.Popen[str] | None = None
    with (tmp_path / "hass.out").open("w") as output:
        hass = HassProcess(venv, config, output)
        try:
            secure_ports = (bootstraps, coaps)
            ports_taken = lambda: all(map(udp_port_taken, secure_ports))  # noqa: E731
            wait_for(ports_taken, START_TIMEOUT, "LwM2M secure ports", hass)
            lap("start, installing the requirements")
            device = start_device(bootstraps)
            assert device.stdout is not None
            said = [device.stdout.readline().strip() for _ in range(2)]
            if said != ["registered", "read"]:
                device.kill()
                raise InstallError(f"the device said {said}:\n{device.communicate()[1]}")
            lap("bootstrap and register over DTLS")
            wait_for(lambda: TEMPERATURE in entities_of(config), 60, "entities on disk", hass)
            lap("entities on disk")
        finally:
            exit_code = hass.stop()
            if device is not None:
                _, device_errors = device.communicate(timeout=30)  # closes its stdin
    lap("stop")
    record_property("timings", json.dumps(timings))
    print(f"Home Assistant OS-like install, seconds: {timings}")

    assert device is not None
    assert device.returncode == 0, device_errors
    assert exit_code == 0, config.log[-5000:]
    log = config.log
    assert venv.installed_versions([*requirements, "DTLSSocket"]) == {
        **expected_versions(),
        "DTLSSocket": None,
    }
    installed_by_home_assistant = [name for name in requirements if before[name] is None]
    for name in installed_by_home_assistant:
        assert f"Attempting install of {name}" in log
    assert installed_by_home_assistant  # this run proves Home Assistant's installer
    assert problems_in(log) == []

    devices = config.stored("core.device_registry")["devices"]
    [ours] = [d for d in devices if config.entry_id in d["config_entries"]]
    assert ours["identifiers"] == [["lwm2m", ENDPOINT]]
    assert ours["manufacturer"] == "Simulated Devices Ltd"
    entity_id = entities_of(config)[TEMPERATURE]["entity_id"]
    states = {
        saved["state"]["entity_id"]: saved["state"]["state"]
        for saved in config.stored("core.restore_state")
    }
    assert states[entity_id] == "21.5"
