"""Project-wide rules: engine independence, packaging metadata, entry scripts (lint and
types are script/lint's)."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import sys
from pathlib import Path

import pytest
import yaml
from packaging.utils import canonicalize_name

from tests.install.wheels import home_assistant_constraints, manifest_requirements

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "lwm2m"
ENGINE = INTEGRATION / "engine"


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
    major, minor, patch = manifest["version"].split(".")
    assert all(part.isdigit() for part in (major, minor, patch))


def test_manifest_pins_what_home_assistant_does_not() -> None:
    """Pinned (==) unless Home Assistant pins the package itself: then a lower bound that
    its pin satisfies, so the integration never fights another release's pin."""
    constraints = home_assistant_constraints()
    for requirement in manifest_requirements():
        specifiers = list(requirement.specifier)
        constraint = constraints.get(canonicalize_name(requirement.name))
        if constraint is None:
            assert [s.operator for s in specifiers] == ["=="], requirement
            continue
        assert [s.operator for s in specifiers] == [">="], (requirement, constraint)
        [pin] = constraint.specifier
        assert requirement.specifier.contains(pin.version), (requirement, constraint)


def test_manifest_requirements_match_test_requirements() -> None:
    declared = {
        line.strip().lower()
        for line in (ROOT / "requirements_test.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for requirement in manifest_requirements():
        assert str(requirement).lower() in declared


def _distributions_of(modules: set[str]) -> set[str]:
    owners = importlib.metadata.packages_distributions()
    top_level = {name.split(".")[0] for name in modules}
    third_party = top_level - set(sys.stdlib_module_names) - {"custom_components"}
    return {canonicalize_name(owners[name][0]) for name in third_party}


def test_manifest_declares_what_the_engine_imports() -> None:
    """The engine runs without Home Assistant: every package it imports is a requirement."""
    imported = set().union(*(_imported_modules(source) for source in ENGINE.rglob("*.py")))
    declared = {canonicalize_name(r.name) for r in manifest_requirements()}
    assert _distributions_of(imported) <= declared


def test_the_integration_never_needs_dtlssocket() -> None:
    """DTLSSocket has no wheels: Home Assistant OS cannot install it."""
    declared = {canonicalize_name(r.name) for r in manifest_requirements()}
    assert "dtlssocket" not in declared
    imported = set().union(*(_imported_modules(source) for source in INTEGRATION.rglob("*.py")))
    assert "dtlssocket" not in _distributions_of(imported - {"homeassistant"})
    sources = "".join(source.read_text(encoding="utf-8") for source in INTEGRATION.rglob("*.py"))
    assert "DTLSSocket" not in sources


def test_hacs_metadata() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["name"]
    assert hacs["homeassistant"] == "2025.4.0"


@pytest.mark.parametrize(
    "script", ["script/setup", "script/test", "script/lint", "script/test_newest", ".ci/run"]
)
def test_entry_scripts_are_executable(script: str) -> None:
    path = ROOT / script
    assert path.is_file()
    assert path.stat().st_mode & 0o111


def test_license_is_apache_2() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text


def test_changelog_starts_with_the_manifest_version() -> None:
    manifest = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = [line[3:].split()[0] for line in changelog.splitlines() if line.startswith("## ")]
    assert versions[0] == manifest["version"]
    assert len(versions) == len(set(versions))


def test_workflows_run_hassfest_hacs_and_the_tests() -> None:
    workflows = {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in (ROOT / ".github" / "workflows").glob("*.yaml")
    }
    steps = [
        step
        for workflow in workflows.values()
        for job in workflow["jobs"].values()
        for step in job["steps"]
    ]
    uses = {str(step.get("uses", "")).split("@")[0]: step for step in steps}
    assert "home-assistant/actions/hassfest" in uses
    assert uses["hacs/action"]["with"]["category"] == "integration"
    assert any(step.get("run") == "script/test" for step in steps)
    assert any(str(step.get("run", "")).endswith("script/test_newest") for step in steps)
