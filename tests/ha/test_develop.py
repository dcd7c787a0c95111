"""script/develop's helpers: the seeded config entry and the committed configuration."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _seed_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("seed", ROOT / "script" / "seed_config_entry.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_first_run_seeds_an_open_lwm2m_entry_once(tmp_path: Path) -> None:
    seed = _seed_module()
    assert seed.seed(tmp_path)
    document = json.loads((tmp_path / ".storage" / "core.config_entries").read_text())
    (entry,) = document["data"]["entries"]
    assert entry["domain"] == "lwm2m"
    assert entry["data"]["security_policy"] == "open"
    assert document["minor_version"] == 1
    assert not seed.seed(tmp_path)


def test_development_configuration_logs_the_integration_at_debug() -> None:
    config = yaml.safe_load((ROOT / "config" / "configuration.yaml").read_text())
    assert "default_config" in config
    assert config["logger"]["logs"]["custom_components.lwm2m"] == "debug"
    assert (ROOT / "script" / "develop").stat().st_mode & 0o111


def test_the_readme_shows_the_example_dashboard_script_develop_opens() -> None:
    config = yaml.safe_load((ROOT / "config" / "configuration.yaml").read_text())
    dashboard = config["lovelace"]["dashboards"]["lwm2m-demo"]
    assert dashboard["mode"] == "yaml"
    text = (ROOT / "config" / dashboard["filename"]).read_text().rstrip("\n")
    assert f"```yaml\n{text}\n```" in (ROOT / "README.md").read_text()
    cards = [card for view in yaml.safe_load(text)["views"] for card in view["cards"]]
    assert {"map", "history-graph"} <= {card["type"] for card in cards}
    shown = {str(item) for card in cards for item in card.get("entities", [])}
    assert any("update.demo_" in item for item in shown)
    assert (ROOT / "docs" / "dashboard.png").stat().st_size > 10_000
