"""Project-wide rules: engine independence, lint, types, packaging metadata."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "lwm2m"
ENGINE = INTEGRATION / "engine"
BIN = Path(sys.executable).parent


def _imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_engine_never_imports_home_assistant() -> None:
    offenders = [
        str(source.relative_to(ROOT))
        for source in ENGINE.rglob("*.py")
        if any(
            name == "homeassistant" or name.startswith("homeassistant.")
            for name in _imported_modules(source)
        )
    ]
    assert offenders == []


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [BIN / "ruff", "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [BIN / "ruff", "format", "--check", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_engine() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "custom_components/lwm2m/engine"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_manifest_follows_hassfest_rules() -> None:
    manifest = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == "lwm2m"
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "hub"
    assert manifest["iot_class"] == "local_push"
    assert manifest["single_config_entry"] is True
    assert manifest["loggers"] == ["aiocoap"]
    for url_key in ("documentation", "issue_tracker"):
        assert manifest[url_key].startswith("https://")
    assert all("==" in requirement for requirement in manifest["requirements"])
    major, minor, patch = manifest["version"].split(".")
    assert all(part.isdigit() for part in (major, minor, patch))


def test_manifest_requirements_match_test_requirements() -> None:
    manifest = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))
    pinned = {
        line.strip().lower()
        for line in (ROOT / "requirements_test.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    for requirement in manifest["requirements"]:
        assert requirement.lower() in pinned


def test_hacs_metadata() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["name"]
    assert hacs["homeassistant"] == "2025.4.0"


@pytest.mark.parametrize(
    "script", ["script/setup", "script/test", "script/check_ha_compat", ".ci/run"]
)
def test_entry_scripts_are_executable(script: str) -> None:
    path = ROOT / script
    assert path.is_file()
    assert path.stat().st_mode & 0o111
