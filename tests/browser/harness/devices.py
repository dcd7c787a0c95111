"""Simulated LwM2M devices (the project's simulator) in a process of their own."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from .home_assistant import die_with_parent

ROOT = Path(__file__).resolve().parents[3]


class SimulatedDevices:
    """``python -m simulator`` against one LwM2M server, as script/develop runs it."""

    def __init__(
        self,
        coap_port: int,
        count: int,
        prefix: str,
        log_path: Path,
        animate: float = 5,
        *,
        queue: bool = False,
    ) -> None:
        self.endpoints = [f"{prefix}{number}" for number in range(1, count + 1)]
        server = ["simulator", "--server", f"coap://127.0.0.1:{coap_port}"]
        self._command = [sys.executable, "-m", *server, *_fleet(count, prefix, animate, queue)]
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def following(
        cls, config_dir: Path, hass_pid: int, count: int, prefix: str, log_path: Path
    ) -> SimulatedDevices:
        """script/develop's demo devices (``python -m simulator.develop``): started once
        Home Assistant itself answers CoAP on its entry's port, restarted where it moves."""
        devices = cls(0, count, prefix, log_path)
        devices._command = [
            sys.executable,
            "-m",
            "simulator.develop",
            *("--config", str(config_dir), "--hass-pid", str(hass_pid), "--interval", "0.5"),
            *_fleet(count, prefix, animate=5, queue=False),
        ]
        return devices

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self._command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )

    def registrations(self, endpoint: str) -> int:
        """How often ``endpoint`` logged a completed registration (once per start)."""
        if not self.log_path.exists():
            return 0
        return self.log_path.read_text("utf-8").count(f"{endpoint} registered at")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """Gone without a word (no deregistration): the server's requests go unanswered."""
        if self.running:
            assert self._process is not None
            self._process.kill()
            self._process.wait()

    def stop(self) -> None:
        """Ctrl+C: the devices deregister before the process ends."""
        if not self.running:
            return
        assert self._process is not None
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _fleet(count: int, prefix: str, animate: float, queue: bool) -> list[str]:
    return [
        *("--count", str(count), "--prefix", prefix, "--animate", str(animate)),
        *(["--queue"] if queue else []),
    ]
