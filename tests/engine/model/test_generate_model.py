"""script/generate_model.py: writing, --check, and what happens with odd registry folders."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT
from tests.engine.model.ddf_builder import ddf, item, obj


def _load_script() -> ModuleType:
    path = REPO_ROOT / "script" / "generate_model.py"
    spec = importlib.util.spec_from_file_location("generate_model", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate_model = _load_script()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "3.xml").write_bytes(ddf(obj("3", name="Device", version="1.1")))
    (folder / "3303.xml").write_bytes(ddf(obj("3303", items=[item("5700", type_="Float")])))
    (folder / "LWM2M.xsd").write_text("<not-a-ddf/>", encoding="utf-8")
    return folder


def _run(*args: str | Path) -> int:
    return int(generate_model.main([str(arg) for arg in args]))


def test_writes_then_checks(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.json"
    assert _run(registry, "--output", output) == 0
    assert [o["id"] for o in json.loads(output.read_text(encoding="utf-8"))["objects"]] == [3, 3303]
    assert _run(registry, "--output", output, "--check") == 0
    assert "up to date" in capsys.readouterr().out


def test_check_reports_a_stale_or_missing_file(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.json"
    assert _run(registry, "--output", output, "--check") == 1
    assert _run(registry, "--output", output) == 0
    (registry / "4.xml").write_bytes(ddf(obj("4")))
    assert _run(registry, "--output", output, "--check") == 1
    assert "stale" in capsys.readouterr().err


def test_identical_duplicates_are_kept_once(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (registry / "3-copy.xml").write_bytes((registry / "3.xml").read_bytes())
    output = tmp_path / "out.json"
    assert _run(registry, "--output", output) == 0
    assert [o["id"] for o in json.loads(output.read_text(encoding="utf-8"))["objects"]] == [3, 3303]
    assert "3.xml repeats object 3 1.1 of 3-copy.xml; kept once" in capsys.readouterr().err


def test_differing_duplicates_stop_generation(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (registry / "3-other.xml").write_bytes(ddf(obj("3", name="Other", version="1.1")))
    output = tmp_path / "out.json"
    assert _run(registry, "--output", output) == 2
    assert not output.exists()
    assert "object 3 version 1.1 differs between 3-other.xml and 3.xml" in capsys.readouterr().err


def test_unparseable_file_is_named(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (registry / "9.xml").write_bytes(b"<LWM2M><Object></LWM2M>")
    assert _run(registry, "--output", tmp_path / "out.json") == 2
    assert "9.xml: (document): line 1 is not well-formed XML" in capsys.readouterr().err


def test_missing_or_empty_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tmp_path / "absent", "--output", tmp_path / "out.json") == 2
    assert "not found" in capsys.readouterr().err
    assert _run(tmp_path, "--output", tmp_path / "out.json") == 2
    assert "no *.xml files" in capsys.readouterr().err
