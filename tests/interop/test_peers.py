"""The peer build's cache key and its skip-or-fail rule (no build is run here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import peers
from .peers import PeersUnavailableError, source_digest, unavailable


def test_digest_follows_every_file_and_its_content(tmp_path: Path) -> None:
    (tmp_path / "build.sh").write_text("make\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.c").write_text("int a;\n")
    first = source_digest(tmp_path)
    assert source_digest(tmp_path) == first
    (tmp_path / "src" / "a.c").write_text("int b;\n")
    second = source_digest(tmp_path)
    assert second != first
    (tmp_path / "src" / "b.c").write_text("")
    assert source_digest(tmp_path) not in (first, second)


def test_missing_sources_are_named(tmp_path: Path) -> None:
    with pytest.raises(PeersUnavailableError, match=r"peer sources not found at .*nowhere"):
        peers._build(tmp_path / "nowhere")


def test_missing_build_tools_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "build.sh").write_text("#!/bin/sh\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PeersUnavailableError, match=r"cmake, make not installed"):
        peers._build(tmp_path)


def test_unavailable_skips_unless_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(peers.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no peers here"):
        unavailable("no peers here")
    monkeypatch.setenv(peers.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no peers here .*must run here"):
        unavailable("no peers here")
