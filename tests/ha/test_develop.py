"""script/develop's helpers: the seeded config entry and the committed configuration."""

from __future__ import annotations

import importlib.resources
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.seed_entry import seed_module

ROOT = Path(__file__).resolve().parents[2]


def test_first_run_seeds_an_open_lwm2m_entry_once(tmp_path: Path) -> None:
    seed = seed_module()
    assert seed.seed(tmp_path)
    document = json.loads((tmp_path / ".storage" / "core.config_entries").read_text())
    (entry,) = document["data"]["entries"]
    assert entry["domain"] == "lwm2m"
    assert entry["data"]["security_policy"] == "open"
    assert document["minor_version"] == 1
    assert not seed.seed(tmp_path)


def test_development_configuration_logs_the_integration_at_debug() -> None:
    config = yaml.safe_load((ROOT / "config" / "configuration.yaml").read_text())
    assert config["logger"]["logs"]["custom_components.lwm2m"] == "debug"
    assert (ROOT / "script" / "develop").stat().st_mode & 0o111


def test_development_configuration_is_default_config_less_what_the_machine_lacks() -> None:
    """Parts that need a binary, a library or the internet a development machine lacks would
    log errors on every start."""
    config = yaml.safe_load((ROOT / "config" / "configuration.yaml").read_text())
    manifest = importlib.resources.files("homeassistant.components.default_config") / (
        "manifest.json"
    )
    default_config = set(json.loads(manifest.read_text())["dependencies"])
    set_up_bare = {name for name, options in config.items() if options is None}
    lacking = {"go2rtc", "assist_pipeline", "cloud", "dhcp", "homeassistant_alerts"}
    assert set_up_bare <= default_config - lacking
    assert {"history", "logbook", "energy", "mobile_app", "sun"} <= set_up_bare
    assert "default_config" not in config


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
    reason="runs in the .venv that script/setup made",
)
def test_packages_home_assistant_installs_at_run_time_keep_the_pins() -> None:
    """Home Assistant installs integrations' requirements with uv and its own constraints;
    script/setup points uv's UV_OVERRIDE at requirements_test.txt in every .venv process, so
    that aiodns's dependency pycares stays below 5 (Home Assistant 2025.4's aiodns needs 4)."""
    assert os.environ.get("UV_OVERRIDE") == str(ROOT / "requirements_test.txt")
    constraints = importlib.resources.files("homeassistant") / "package_constraints.txt"
    command = [sys.executable, "-m", "uv", "pip", "install", "--dry-run", "--upgrade"]
    command += ["--python", sys.executable, "aiodns", "--constraint", str(constraints)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    assert "+ pycares==" not in result.stderr + result.stdout
    unpinned = {**os.environ, "UV_OVERRIDE": ""}
    result = subprocess.run(command, capture_output=True, text=True, env=unpinned, timeout=300)
    assert "+ pycares==" in result.stderr + result.stdout  # what the override prevents


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
