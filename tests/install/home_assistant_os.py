"""An installation like Home Assistant OS's, on this machine.

Home Assistant OS runs Home Assistant from an image built from Home Assistant's own wheel
index, on a system without a compiler. At start, Home Assistant installs each
integration's requirements itself (``homeassistant.requirements``: uv, with its package
constraints) from the package index; a requirement that needs building fails there.

Here: a clean venv with no compiler on its PATH gets Home Assistant from a wheelhouse
built once per Home Assistant release and Python (the stand-in for Home Assistant's
wheel index: a few of its dependencies have no wheel on the package index), then
``hass`` starts with a configuration holding this integration and one config entry, and
installs the integration's requirements from the package index itself. The wheelhouse
and uv's cache live outside the checkout (``$XDG_CACHE_HOME/lwm2m-for-home-assistant``),
so later runs take seconds to install.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.resources
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "custom_components" / "lwm2m"
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lwm2m-for-home-assistant"
)
COMPILERS = ("cc", "gcc", "g++", "c++", "clang", "clang++")
_COMPLETE = ".complete"


class InstallError(Exception):
    """A step of the installation failed; the message carries the tool's output."""


def run(command: list[str | Path], *, env: Mapping[str, str], timeout: float) -> None:
    result = subprocess.run(
        [str(part) for part in command],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise InstallError(
            f"{' '.join(map(str, command[:6]))} ... failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )


def ca_bundle() -> str | None:
    """The certificate bundle this machine's package tools are told to trust, if any."""
    for name in ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE"):
        if (value := os.environ.get(name)) and Path(value).is_file():
            return value
    system = Path("/etc/ssl/certs/ca-certificates.crt")
    return str(system) if system.is_file() else None


def isolated_pip_environment() -> dict[str, str]:
    """No pip configuration: no local find-links, extra indexes or constraint files."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    environment["PIP_CONFIG_FILE"] = os.devnull
    return environment


def home_assistant_constraints() -> Path:
    """The running Home Assistant's package constraints (the file its installer uses)."""
    resource = importlib.resources.files("homeassistant").joinpath("package_constraints.txt")
    return Path(str(resource))


def python_tag() -> str:
    return f"cp{sys.version_info.major}{sys.version_info.minor}"


def base_python() -> Path:
    """The interpreter this venv was made from: a clean venv starts from it."""
    base = getattr(sys, "_base_executable", None)
    if base and Path(base).is_file():
        return Path(base)
    major, minor = sys.version_info[:2]
    return Path(sys.base_prefix) / "bin" / f"python{major}.{minor}"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise concurrent test processes that would build the same thing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def wheelhouse(version: str) -> Path:
    """Wheels of ``homeassistant==version`` and its dependencies for this Python.

    Built once, with this machine's compiler for the few dependencies that have no wheel
    on the package index for this platform; pip isolated from the machine's configuration.
    """
    target = CACHE / f"wheelhouse-homeassistant-{version}-{python_tag()}"
    with locked(CACHE / f"{target.name}.lock"):
        if (target / _COMPLETE).exists():
            return target
        shutil.rmtree(target, ignore_errors=True)
        command: list[str | Path] = [sys.executable, "-m", "pip", "wheel", "--isolated"]
        command += ["--no-input", "--disable-pip-version-check", "--quiet"]
        command += ["--cache-dir", CACHE / "pip", "--wheel-dir", target]
        command += [f"homeassistant=={version}", "--constraint", home_assistant_constraints()]
        run(command, env=isolated_pip_environment(), timeout=1800)
        (target / _COMPLETE).touch()
    return target


@dataclass
class CleanVenv:
    """A venv with nothing but what is installed into it, and a compiler-free environment."""

    path: Path
    home: Path

    @classmethod
    def create(cls, where: Path) -> CleanVenv:
        venv = cls(where / "venv", where / "home")
        venv.home.mkdir(parents=True)
        run([base_python(), "-m", "venv", "--without-pip", venv.path], env=os.environ, timeout=120)
        return venv

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def environment(self) -> dict[str, str]:
        """PATH holds the venv's scripts only: no compiler, no system tools."""
        environment = {
            "HOME": str(self.home),
            "PATH": str(self.path / "bin"),
            "LANG": "C.UTF-8",
            "UV_CACHE_DIR": str(CACHE / "uv"),
            "UV_NO_CONFIG": "1",
            # Not the development venv's pins (script/setup sets them for every process
            # started from .venv, uv run from there included): Home Assistant OS has none.
            "UV_OVERRIDE": "",
        }
        if (bundle := ca_bundle()) is not None:
            environment["SSL_CERT_FILE"] = bundle
        return environment

    def compilers_on_path(self) -> list[str]:
        path = self.environment["PATH"]
        return [name for name in COMPILERS if shutil.which(name, path=path)]

    def install_home_assistant(self, version: str) -> None:
        """From the wheelhouse only (wheels, no index), with Home Assistant's constraints."""
        command: list[str | Path] = [sys.executable, "-m", "uv", "pip", "install", "--quiet"]
        command += ["--python", self.python, "--no-build", "--no-index"]
        command += ["--find-links", wheelhouse(version)]
        command += [f"homeassistant=={version}", "--constraint", home_assistant_constraints()]
        run(command, env=self.environment, timeout=900)

    def installed_versions(self, names: list[str]) -> dict[str, str | None]:
        script = (
            "import importlib.metadata as m, json, sys\n"
            "def version(name):\n"
            "    try:\n"
            "        return m.version(name)\n"
            "    except m.PackageNotFoundError:\n"
            "        return None\n"
            "print(json.dumps({name: version(name) for name in sys.argv[1:]}))\n"
        )
        result = subprocess.run(
            [str(self.python), "-c", script, *names],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        versions: dict[str, str | None] = json.loads(result.stdout)
        return versions


@dataclass
class Configuration:
    """A Home Assistant configuration directory with this integration and one entry."""

    path: Path
    http_port: int
    entry_data: dict[str, Any]
    entry_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def write(self, credentials: Mapping[str, Mapping[str, Any]]) -> None:
        storage = self.path / ".storage"
        storage.mkdir(parents=True)
        (self.path / "configuration.yaml").write_text(
            "homeassistant:\n"
            "  name: Home\n"
            "  time_zone: UTC\n"
            "  unit_system: metric\n"
            "  country: DE\n"
            "  latitude: 52.52\n"
            "  longitude: 13.40\n"
            "  elevation: 34\n"
            "http:\n"
            "  server_host: 127.0.0.1\n"
            f"  server_port: {self.http_port}\n"
            "logger:\n"
            "  default: warning\n"
            "  logs:\n"
            "    homeassistant.util.package: info\n",
            encoding="utf-8",
        )
        shutil.copytree(
            INTEGRATION,
            self.path / "custom_components" / "lwm2m",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        entry = {
            "entry_id": self.entry_id,
            "version": 1,
            "minor_version": 1,
            "domain": "lwm2m",
            "title": "LwM2M",
            "data": self.entry_data,
            "options": {},
            "source": "user",
            "unique_id": None,
            "disabled_by": None,
        }
        self._store("core.config_entries", {"entries": [entry]})
        self._store("lwm2m.credentials", {"devices": dict(credentials)})

    def _store(self, key: str, data: Mapping[str, Any]) -> None:
        document = {"version": 1, "minor_version": 1, "key": key, "data": data}
        (self.path / ".storage" / key).write_text(json.dumps(document), encoding="utf-8")

    def stored(self, key: str) -> Any:
        """The data of one of Home Assistant's storage files; None before it is written."""
        path = self.path / ".storage" / key
        try:
            return json.loads(path.read_text(encoding="utf-8"))["data"]
        except (FileNotFoundError, json.JSONDecodeError):  # not yet, or caught mid-write
            return None

    @property
    def log(self) -> str:
        path = self.path / "home-assistant.log"
        return path.read_text(encoding="utf-8") if path.is_file() else ""


class HassProcess:
    """``hass -c CONFIG`` from the clean venv, in its compiler-free environment."""

    def __init__(self, venv: CleanVenv, config: Configuration, output: IO[str]) -> None:
        self.config = config
        self.process = subprocess.Popen(
            [str(venv.path / "bin" / "hass"), "-c", str(config.path)],
            env=venv.environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 120) -> int:
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def wait_for(condition: Any, timeout: float, what: str, alive: HassProcess) -> None:
    """Poll ``condition`` every half second; fail early if Home Assistant exited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if not alive.running():
            raise InstallError(f"Home Assistant exited before {what}:\n{alive.config.log[-5000:]}")
        if time.monotonic() > deadline:
            raise InstallError(f"no {what} within {timeout:.0f} s:\n{alive.config.log[-5000:]}")
        time.sleep(0.5)
