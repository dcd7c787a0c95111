"""Third-party peers (Wakaama, Mbed TLS) built from ``../shared/peers`` for interop tests.

``../shared/peers/build.sh`` builds them out of tree. The output lives in the ignored
``.cache/peers/<digest>/`` of this checkout, ``<digest>`` being a digest of every source
file and of the build script, so a changed peer is built afresh and an unchanged one is
built once per checkout. Concurrent test processes wait for each other on a lock file.
Tests get the binaries through the ``peers`` fixture (``tests/conftest.py``).

The script expects tinydtls' generated ``dtls_config.h`` in the sources; a copy of the
sources that lacks it is staged in the cache folder, where tinydtls' own ``autogen.sh``
and ``configure`` write it (they need autoconf, automake and libtool).

Without the sources or the build tools the tests that need the peers skip, each with
that one reason; with ``LWM2M_REQUIRE_PEERS=1`` in the environment (``.ci/run`` sets it:
CI always has ``../shared``) they fail instead.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

REPO_ROOT = Path(__file__).resolve().parent.parent
PEERS_SOURCE = REPO_ROOT.parent / "shared" / "peers"
CACHE = REPO_ROOT / ".cache" / "peers"
REQUIRE_ENV = "LWM2M_REQUIRE_PEERS"
_COMPLETE = ".complete"
_TINYDTLS = Path("wakaama/transport/tinydtls/third_party/tinydtls")
_BUILD_TOOLS = ("cmake", "make", "gcc")
_CONFIGURE_TOOLS = ("autoconf", "automake", "libtoolize")
_TOOL_MISSING = 3  # build.sh's exit status when cmake, make or gcc is missing


class PeersUnavailableError(Exception):
    """The peers cannot be built here: no sources, or no build tools (the message says)."""


@dataclass(frozen=True, slots=True)
class Peers:
    """The built binaries."""

    root: Path

    @property
    def wakaama_udp(self) -> Path:
        return self.root / "wakaama-udp" / "lwm2mclient"

    @property
    def wakaama_dtls(self) -> Path:
        return self.root / "wakaama-dtls" / "lwm2mclient_tinydtls"

    @property
    def ssl_client2(self) -> Path:
        return self.root / "mbedtls" / "programs" / "ssl" / "ssl_client2"

    @property
    def ssl_server2(self) -> Path:
        return self.root / "mbedtls" / "programs" / "ssl" / "ssl_server2"


def sources_digest(source: Path = PEERS_SOURCE) -> str:
    """SHA-256 over every file's relative path and content, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix().encode()
        digest.update(len(relative).to_bytes(4, "big") + relative)
        content = path.read_bytes()
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def build_peers(source: Path = PEERS_SOURCE, cache: Path = CACHE) -> Peers:
    """The peers built from ``source``; builds them first unless the cache has them.

    Raises PeersUnavailableError without the sources, and CalledProcessError (with the
    build's output) when the build fails.
    """
    if not (source / "build.sh").is_file():
        raise PeersUnavailableError(
            f"third-party peers not found at {source} (../shared is absent)"
        )
    out = cache / sources_digest(source)[:20]
    if (out / _COMPLETE).is_file():
        return Peers(out)
    _require_tools(_BUILD_TOOLS)
    if not (source / _TINYDTLS / "dtls_config.h").is_file():
        _require_tools(_CONFIGURE_TOOLS)
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / _COMPLETE).is_file():
            buildable = _with_generated_config(source, out / "src")
            result = subprocess.run(
                ["bash", str(buildable / "build.sh"), str(out)],
                capture_output=True,
                check=False,
                env={**os.environ, "JOBS": os.environ.get("JOBS", "2")},
            )
            if result.returncode == _TOOL_MISSING:
                message = result.stderr.decode(errors="replace").strip().splitlines()
                raise PeersUnavailableError(
                    f"cannot build the third-party peers: {message[0] if message else ''}"
                )
            result.check_returncode()
            (out / _COMPLETE).touch()
    return Peers(out)


def _require_tools(tools: tuple[str, ...]) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise PeersUnavailableError(
            f"cannot build the third-party peers: {', '.join(missing)} not installed "
            "(script/setup installs them)"
        )


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason``; fail instead where the peers are required (CI)."""
    import pytest  # here: ``python -m tests.peers`` builds the peers without pytest installed

    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}; {REQUIRE_ENV}=1: the tests that need the peers must run here")
    pytest.skip(reason)


def _with_generated_config(source: Path, staging: Path) -> Path:
    """``source`` when it has tinydtls' dtls_config.h; else a copy in ``staging`` that does."""
    if (source / _TINYDTLS / "dtls_config.h").is_file():
        return source
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(source, staging, copy_function=shutil.copy)
    for path in staging.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    tinydtls = staging / _TINYDTLS
    for step in (["./autogen.sh"], ["./configure"]):
        subprocess.run(step, cwd=tinydtls, check=True, capture_output=True)
    return staging


if __name__ == "__main__":
    print(build_peers().root)
