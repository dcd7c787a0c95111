"""The OMA registry's DDF files (in ../shared; skipped when absent) and the bundled model."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.lwm2m.engine import ObjectRegistry, parse_ddf
from tests.conftest import SHARED_REGISTRY
from tests.engine.model.test_generate_model import generate_model

ABSENT = "<registry absent>"


def _registry_files() -> list[str]:
    if not SHARED_REGISTRY.is_dir():
        return [ABSENT]
    return sorted(path.name for path in SHARED_REGISTRY.glob("*.xml"))


@pytest.mark.parametrize("file_name", _registry_files())
def test_registry_file_parses(registry_dir: Path, file_name: str) -> None:
    objects = parse_ddf((registry_dir / file_name).read_bytes())
    assert objects
    for obj in objects:
        assert obj.name
        assert obj.resources


@pytest.mark.parametrize("file_name", _registry_files())
def test_bundled_model_agrees_with_registry_file(registry_dir: Path, file_name: str) -> None:
    bundled = ObjectRegistry.default()
    for obj in parse_ddf((registry_dir / file_name).read_bytes()):
        assert bundled.get(obj.id, obj.version) == obj


def test_bundled_model_holds_nothing_else(registry_dir: Path) -> None:
    in_files = {
        (obj.id, obj.version)
        for path in registry_dir.glob("*.xml")
        for obj in parse_ddf(path.read_bytes())
    }
    bundled = [(obj.id, obj.version) for obj in ObjectRegistry.default().objects()]
    assert sorted(bundled) == sorted(in_files)


def test_committed_bundle_is_up_to_date(registry_dir: Path) -> None:
    assert generate_model.main([str(registry_dir), "--check"]) == 0
