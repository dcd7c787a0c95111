"""Third-party peers built from ``../shared/peers`` into a cache folder of the checkout.

The sources are only read. ``build.sh OUT_DIR`` (beside them) builds every peer out of
tree; its output lands in ``.cache/peers/<digest>/``, keyed on a digest of the whole
source folder, build script included, so changed sources give a fresh build and an
unchanged folder is built once. Cache folders of other digests are removed. Builds are
serialised with a file lock (several pytest workers may ask at once).

Wakaama's tinydtls transport includes ``dtls_config.h``, which tinydtls' configure step
writes into its source folder. When the folder lacks it, the build runs on a mirror of
symlinks in the cache, with the header generated there by tinydtls' own CMake project.

When the peers cannot be had (no sources, no compiler), tests skip with the reason;
with ``LWM2M_REQUIRE_PEERS=1`` in the environment (CI sets it) they fail instead.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PEERS_DIR = REPO_ROOT.parent / "shared" / "peers"
CACHE_DIR = REPO_ROOT / ".cache" / "peers"
REQUIRE_ENV = "LWM2M_REQUIRE_PEERS"
BUILD_TIMEOUT = 1800.0

_TINYDTLS = Path("wakaama/transport/tinydtls/third_party/tinydtls")
_GENERATED_HEADER = "dtls_config.h"
_TOOL_MISSING = 3  # build.sh's exit status when cmake, make or gcc is missing


@dataclass(frozen=True, slots=True)
class PeerBinaries:
    wakaama_udp: Path
    wakaama_dtls: Path
    ssl_client2: Path
    ssl_server2: Path


class PeersUnavailableError(Exception):
    """Why the peers cannot be used here (one sentence, shown as the skip reason)."""


def source_digest(folder: Path) -> str:
    """SHA-256 over every file's relative path and content (symlinks by target)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix().encode()
        if path.is_symlink():
            digest.update(b"L" + relative + b"\0" + os.readlink(path).encode() + b"\0")
        elif path.is_file():
            digest.update(b"F" + relative + b"\0")
            with path.open("rb") as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
            digest.update(b"\0")
    return digest.hexdigest()


def _binaries(out: Path) -> PeerBinaries:
    ssl = out / "mbedtls" / "programs" / "ssl"
    return PeerBinaries(
        wakaama_udp=out / "wakaama-udp" / "lwm2mclient",
        wakaama_dtls=out / "wakaama-dtls" / "lwm2mclient_tinydtls",
        ssl_client2=ssl / "ssl_client2",
        ssl_server2=ssl / "ssl_server2",
    )


def _all_built(binaries: PeerBinaries) -> bool:
    return all(
        os.access(path, os.X_OK)
        for path in (binaries.wakaama_udp, binaries.wakaama_dtls, binaries.ssl_client2)
    )


def _mirror(source: Path, target: Path) -> None:
    """A tree of real folders and symlinks to ``source``'s files."""
    if target.exists():
        shutil.rmtree(target)
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        there = target / here.relative_to(source)
        there.mkdir(parents=True, exist_ok=True)
        for name in files:
            (there / name).symlink_to(here / name)
        dirs.sort()


def _generate_tinydtls_header(sources: Path, mirror: Path, log: Path) -> None:
    """Write ``dtls_config.h`` into the mirror with tinydtls' CMake configure step."""
    scratch = mirror.parent / "tinydtls-configure"
    _run(["cmake", "-S", str(sources / _TINYDTLS), "-B", str(scratch)], log)
    header = mirror / _TINYDTLS / _GENERATED_HEADER
    header.unlink(missing_ok=True)
    shutil.copyfile(scratch / _GENERATED_HEADER, header)


def _run(argv: list[str], log: Path) -> None:
    with log.open("ab") as stream:
        stream.write(("$ " + " ".join(argv) + "\n").encode())
        stream.flush()
        try:
            status = subprocess.run(
                argv,
                stdout=stream,
                stderr=subprocess.STDOUT,
                timeout=BUILD_TIMEOUT,
                check=False,
            ).returncode
        except FileNotFoundError:
            raise PeersUnavailableError(
                f"cannot build the third-party peers: {argv[0]} is not installed "
                "(Debian: apt-get install cmake make gcc)"
            ) from None
    if status == _TOOL_MISSING:
        raise PeersUnavailableError(
            f"cannot build the third-party peers: {_last_error(log)} (see {log})"
        )
    if status != 0:
        raise PeersUnavailableError(
            f"building the third-party peers failed ({argv[0]} exited {status}): "
            f"{_last_error(log)} (see {log})"
        )


def _last_error(log: Path) -> str:
    lines = log.read_text(errors="replace").splitlines()
    errors = [line.strip() for line in lines if "ERROR" in line or "error:" in line]
    return (errors or lines or ["no output"])[-1][:300]


def _build(sources: Path) -> PeerBinaries:
    if not (sources / "build.sh").is_file():
        raise PeersUnavailableError(
            f"third-party peer sources not found at {sources} (../shared/peers beside the checkout)"
        )
    if shutil.which("cmake") is None or shutil.which("make") is None:
        missing = [tool for tool in ("cmake", "make") if shutil.which(tool) is None]
        raise PeersUnavailableError(
            f"cannot build the third-party peers: {', '.join(missing)} not installed "
            "(Debian: apt-get install cmake make gcc)"
        )
    digest = source_digest(sources)[:16]
    folder = CACHE_DIR / digest
    binaries = _binaries(folder / "out")
    if _all_built(binaries):
        return binaries
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _all_built(binaries):
            return binaries
        for stale in CACHE_DIR.iterdir():
            if stale.is_dir() and stale.name != digest:
                shutil.rmtree(stale, ignore_errors=True)
        folder.mkdir(exist_ok=True)
        log = folder / "build.log"
        log.unlink(missing_ok=True)
        script = sources / "build.sh"
        if not (sources / _TINYDTLS / _GENERATED_HEADER).is_file():
            mirror = folder / "sources"
            _mirror(sources, mirror)
            _generate_tinydtls_header(sources, mirror, log)
            script = mirror / "build.sh"
        _run([str(script), str(folder / "out")], log)
    if not _all_built(binaries):
        raise PeersUnavailableError(f"the peer build left no binaries in {folder} (see {log})")
    return binaries


@cache
def _outcome() -> PeerBinaries | PeersUnavailableError:
    try:
        return _build(PEERS_DIR)
    except PeersUnavailableError as error:
        return error


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason``; fail instead where the peers are required (CI)."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: these tests must run here)")
    pytest.skip(reason)


def peer_binaries() -> PeerBinaries:
    """The built peers (built on first use in this process), or skip/fail."""
    outcome = _outcome()
    if isinstance(outcome, PeersUnavailableError):
        unavailable(str(outcome))
    return outcome
