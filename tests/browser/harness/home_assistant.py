"""A real Home Assistant in a process of its own, configured the way script/develop does it.

The configuration is the committed ``config/configuration.yaml`` (the integration's log at
debug level, the LwM2M dashboard) with two changes a test needs: the HTTP server on a free
loopback port, and ``default_config`` replaced by the parts of it the integration's screens
use, whose requirements the test environment has (the rest would be installed on first start).
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
DEVELOP_CONFIG = ROOT / "config"
INTEGRATION = ROOT / "custom_components" / "lwm2m"
# default_config's parts the integration's screens need (device page: history and logbook).
SCREEN_COMPONENTS = ("frontend", "config", "history", "logbook", "system_log", "repairs")
STARTUP_SECONDS = 180
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child process: end it with a SIGTERM when the test run dies, however it dies."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port of ``kind`` free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_udp_ports(count: int) -> list[int]:
    """``count`` distinct UDP ports free on 127.0.0.1 a moment ago."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@contextmanager
def held_udp_port(port: int = 0) -> Iterator[int]:
    """A UDP port on 127.0.0.1 held the way Shelly's CoIoT listener holds 5683 (with
    SO_REUSEADDR), for as long as the context lasts."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", port))
        yield int(holder.getsockname()[1])


def write_configuration(
    config_dir: Path, http_port: int, overrides: Mapping[str, Any] | None = None
) -> None:
    """script/develop's configuration in ``config_dir``, served on ``http_port``."""
    config = yaml.safe_load((DEVELOP_CONFIG / "configuration.yaml").read_text(encoding="utf-8"))
    # Integrations set up without options are script/develop's share of default_config.
    config = {name: value for name, value in config.items() if value is not None}
    for component in SCREEN_COMPONENTS:
        config.setdefault(component, None)
    if (http := _http_settings(config_dir, http_port)) is not None:
        config["http"] = http
    config.update(overrides or {})
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    shutil.copytree(DEVELOP_CONFIG / "dashboards", config_dir / "dashboards", dirs_exist_ok=True)
    components = config_dir / "custom_components"
    components.mkdir(exist_ok=True)
    (components / "lwm2m").symlink_to(INTEGRATION, target_is_directory=True)


def _http_settings(config_dir: Path, http_port: int) -> dict[str, Any] | None:
    """Serving on 127.0.0.1:``http_port``: YAML settings, or None once stored instead.

    Releases that keep the HTTP settings in storage (2026) take YAML ones as a trial that the
    frontend asks to confirm in a dialog over every page: they get stored settings.
    """
    try:
        from homeassistant.components.http import config as stored
    except ImportError:
        return {"server_host": "127.0.0.1", "server_port": http_port}
    settings = stored.HTTP_STORAGE_SCHEMA({"server_host": ["127.0.0.1"], "server_port": http_port})
    meta = {"created_at": "2026-01-01T00:00:00+00:00", "error": None, "error_message": None}
    data = {"stable": {**settings, **meta}, "pending": None, "yaml_migration_done": True}
    seed_store(config_dir, "http", data, (stored.STORAGE_VERSION, stored.STORAGE_MINOR_VERSION))
    return None


def seed_entry(config_dir: Path, data: Mapping[str, Any]) -> None:
    """The LwM2M config entry script/develop seeds, with ``data`` (ports, policy)."""
    spec = importlib.util.spec_from_file_location("seed", ROOT / "script" / "seed_config_entry.py")
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.seed(config_dir, {**script.ENTRY_DATA, **data})


def seed_store(config_dir: Path, key: str, data: Any, version: tuple[int, int] = (1, 1)) -> None:
    """What a Store with ``key`` (at ``version``, major and minor) would have saved, before
    Home Assistant starts."""
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    document = {"version": version[0], "minor_version": version[1], "key": key, "data": data}
    (storage / key).write_text(json.dumps(document), encoding="utf-8")


class HomeAssistantProcess:
    """``hass -c config_dir`` on a free port; its log is ``home-assistant.log`` there."""

    def __init__(self, config_dir: Path, http_port: int) -> None:
        self.config_dir = config_dir
        self.http_port = http_port
        self.url = f"http://127.0.0.1:{http_port}"
        self.log_path = config_dir / "home-assistant.log"
        self._output = config_dir / "hass.out"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def start(self) -> None:
        hass = Path(sys.executable).with_name("hass")
        with self._output.open("wb") as output:
            # --skip-pip: a test never installs packages; everything comes from requirements.
            self._process = subprocess.Popen(
                [str(hass), "-c", str(self.config_dir), "--skip-pip"],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        self._wait_until_served()

    def _wait_until_served(self) -> None:
        # Home Assistant's HTTP server starts late in its startup: no event to wait on.
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"Home Assistant exited during startup:\n{self.output_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/manifest.json", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise TimeoutError(f"Home Assistant did not serve {self.url}:\n{self.output_tail()}")

    def output_tail(self, lines: int = 40) -> str:
        text = self._output.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def lines_after(path: Path, offset: int) -> tuple[list[str], int]:
    """The complete lines of ``path`` after byte ``offset``, and the new offset."""
    if not path.exists():
        return [], offset
    with path.open("rb") as log:
        log.seek(offset)
        data = log.read()
    end = data.rfind(b"\n") + 1
    return data[:end].decode("utf-8", errors="replace").splitlines(), offset + end


def startup_errors(lines: Iterable[str]) -> list[str]:
    """Log lines of errors the integration logged."""
    return [line for line in lines if " ERROR " in line and "custom_components.lwm2m" in line]
