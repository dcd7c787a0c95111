"""``python -m simulator.develop``: script/develop's demo devices, following Home Assistant.

The devices start once Home Assistant itself serves CoAP on its LwM2M entry's port: the
port's owner is Home Assistant's process (when /proc tells) and it answers a CoAP ping. They
start again on the new port when the entry moves there (Reconfigure), and again when they
gave up. A port another program holds is named, with the way out.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from custom_components.lwm2m.port_owner import PortOwner, udp_port_owner

ENTRIES = Path(".storage") / "core.config_entries"
ANY_ADDRESSES = ("0.0.0.0", "::", "")  # noqa: S104 - addresses read, not bound
RESTART_AFTER = 10.0  # seconds between starts of devices that keep giving up
_CON_EMPTY = 0x40  # CoAP version 1, confirmable, no token
_RST = 0x70


def say(text: str) -> None:
    print(f"[develop] {text}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class Target:
    """Where devices reach the entry's LwM2M server (plain CoAP)."""

    host: str
    port: int

    @property
    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"coap://{host}:{self.port}"


def entry_target(config_dir: Path) -> Target | None:
    """The enabled LwM2M entry's CoAP port, from Home Assistant's stored config entries."""
    try:
        document = json.loads((config_dir / ENTRIES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for entry in document.get("data", {}).get("entries", []):
        if entry.get("domain") != "lwm2m" or entry.get("disabled_by"):
            continue
        data: dict[str, Any] = entry.get("data", {})
        address = str(data.get("bind_address", ""))
        host = "127.0.0.1" if address in ANY_ADDRESSES else address
        return Target(host, int(data.get("coap_port", 5683)))
    return None


def coap_answers(target: Target, timeout: float = 1.0) -> bool:
    """Whether a CoAP ping (an empty confirmable message) to ``target`` gets its reset."""
    family = socket.AF_INET6 if ":" in target.host else socket.AF_INET
    message_id = int.from_bytes(os.urandom(2), "big")
    ping = bytes([_CON_EMPTY, 0]) + message_id.to_bytes(2, "big")
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.settimeout(timeout)
        try:
            probe.sendto(ping, (target.host, target.port))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                reply = probe.recv(64)
                if len(reply) >= 4 and reply[0] & 0xF0 == _RST and reply[2:4] == ping[2:4]:
                    return True
        except OSError:  # refused (nothing listens) or timed out
            return False
    return False


class Readiness(Enum):
    WAITING = "nothing serves the port yet"
    FOREIGN = "another program holds the port"
    SILENT = "Home Assistant holds the port but does not answer yet"
    READY = "Home Assistant answers CoAP on the port"


def readiness(
    target: Target,
    hass_pid: int,
    owner_of: Callable[[int], PortOwner | None] = udp_port_owner,
    answers: Callable[[Target], bool] = coap_answers,
) -> tuple[Readiness, PortOwner | None]:
    """Whether Home Assistant itself serves CoAP at ``target``; the port's owner if known."""
    owner = owner_of(target.port)
    if owner is not None and owner.pid != hass_pid:
        return Readiness.FOREIGN, owner
    if answers(target):
        return Readiness.READY, owner
    return (Readiness.WAITING if owner is None else Readiness.SILENT), owner


class DemoDevices:
    """The simulator's process, started and restarted as Home Assistant's port says."""

    def __init__(
        self,
        config_dir: Path,
        hass_pid: int,
        fleet: Sequence[str],
        *,
        check: Callable[[Target, int], tuple[Readiness, PortOwner | None]] = readiness,
        launch: Callable[[list[str]], subprocess.Popen[bytes]] = subprocess.Popen,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config_dir = config_dir
        self.hass_pid = hass_pid
        self.fleet = list(fleet)
        self._check = check
        self._launch = launch
        self._clock = clock
        self.process: subprocess.Popen[bytes] | None = None
        self.target: Target | None = None
        self._started_at = -RESTART_AFTER
        self._said = ""

    def _say_once(self, text: str) -> None:
        if text != self._said:
            self._said = text
            say(text)

    def step(self) -> None:
        """Look at the entry and its port once; start, restart or leave the devices."""
        target = entry_target(self.config_dir)
        if target is None:
            self._say_once("waiting for Home Assistant's LwM2M entry")
            return
        state, owner = self._check(target, self.hass_pid)
        if state is Readiness.FOREIGN:
            self._say_once(
                f"UDP port {target.port} is held by {owner}, not by Home Assistant: the demo "
                "devices wait. Stop that program, or move the LwM2M server to a free port "
                "with Reconfigure (Settings → Devices & services → LwM2M)"
            )
            return
        if state is not Readiness.READY:
            return
        running = self.process is not None and self.process.poll() is None
        if running and self.target == target:
            return
        if self._clock() - self._started_at < RESTART_AFTER:
            return
        if running:
            say(f"the LwM2M server moved to {target.uri}: restarting the demo devices")
            self.stop()
        elif self.process is not None:
            say(f"the demo devices stopped; starting them again against {target.uri}")
        else:
            say(f"Home Assistant answers CoAP at {target.uri}: starting the demo devices")
        self._said = ""
        self.target = target
        self._started_at = self._clock()
        self.process = self._launch(
            [sys.executable, "-m", "simulator", "--server", target.uri, *self.fleet]
        )

    def stop(self) -> None:
        """Ctrl+C for the devices: they deregister before they end."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.develop", description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="Home Assistant's config dir")
    parser.add_argument("--hass-pid", type=int, required=True, help="Home Assistant's process")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between looks")
    options, fleet = parser.parse_known_args(argv)
    devices = DemoDevices(options.config, options.hass_pid, fleet)
    stopping = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopping:
            devices.step()
            time.sleep(options.interval)
    finally:
        devices.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
