"""The third-party peers' build cache: keyed by the sources, built binaries that run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .peers import (
    REPO_ROOT,
    REQUIRE_ENV,
    Peers,
    PeersUnavailableError,
    build_peers,
    sources_digest,
    unavailable,
)


def test_the_cache_key_follows_every_source_file(tmp_path: Path) -> None:
    (tmp_path / "build.sh").write_text("echo build\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.c").write_text("int a;\n")
    first = sources_digest(tmp_path)
    assert sources_digest(tmp_path) == first
    (tmp_path / "lib" / "a.c").write_text("int b;\n")
    changed = sources_digest(tmp_path)
    assert changed != first
    (tmp_path / "lib" / "a.c").rename(tmp_path / "lib" / "b.c")
    assert sources_digest(tmp_path) not in (first, changed)


def test_mbed_tls_client_is_built_with_connection_id(peers: Peers) -> None:
    result = subprocess.run(
        [str(peers.ssl_client2), "query_config=MBEDTLS_SSL_DTLS_CONNECTION_ID"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert peers.wakaama_udp.is_file()
    assert peers.wakaama_dtls.is_file()


def test_missing_sources_are_named(tmp_path: Path) -> None:
    with pytest.raises(PeersUnavailableError, match=r"peers not found at .*nowhere"):
        build_peers(tmp_path / "nowhere", tmp_path / "cache")


def test_missing_build_tools_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "build.sh").write_text("#!/bin/sh\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PeersUnavailableError, match=r"cmake, make, gcc not installed"):
        build_peers(tmp_path, tmp_path / "cache")


def test_unavailable_peers_skip_unless_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no peers here"):
        unavailable("no peers here")
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no peers here; .* must run here"):
        unavailable("no peers here")


def test_ci_requires_the_peers() -> None:
    """CI always has ../shared: there a skipped interop test is a failed run."""
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    required = f"export {REQUIRE_ENV}=1"
    assert required in ci
    assert ci.index(required) < ci.index("script/test")
