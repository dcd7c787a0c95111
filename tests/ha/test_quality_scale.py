"""The quality scale self-assessment names every rule, each with a status and a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

INTEGRATION = Path(__file__).resolve().parents[2] / "custom_components" / "lwm2m"
RULES = {
    # Bronze
    "action-setup", "appropriate-polling", "brands", "common-modules",
    "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
    "docs-conditions", "docs-high-level-description", "docs-installation-instructions",
    "docs-removal-instructions", "docs-triggers", "entity-event-setup", "entity-unique-id",
    "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
    "unique-config-entry",
    # Silver
    "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
    "docs-installation-parameters", "entity-unavailable", "integration-owner",
    "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    # Gold
    "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
    "docs-examples", "docs-known-limitations", "docs-supported-devices",
    "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
    "entity-category", "entity-device-class", "entity-disabled-by-default",
    "entity-translations", "exception-translations", "icon-translations",
    "reconfiguration-flow", "repair-issues", "stale-devices",
    # Platinum
    "async-dependency", "inject-websession", "strict-typing",
}  # fmt: skip


def test_every_rule_has_a_status_and_a_reason() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    assert set(rules) == RULES
    for name, rule in rules.items():
        assert rule["status"] in ("done", "todo", "exempt"), name
        assert rule["comment"].strip(), name


def test_strings_and_english_translation_are_identical() -> None:
    strings = json.loads((INTEGRATION / "strings.json").read_text())
    english = json.loads((INTEGRATION / "translations" / "en.json").read_text())
    assert strings == english


def test_every_action_is_described_and_translated() -> None:
    actions = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    strings = json.loads((INTEGRATION / "strings.json").read_text())
    icons = json.loads((INTEGRATION / "icons.json").read_text())
    assert set(actions) == set(strings["services"]) == set(icons["services"])
    for name, action in actions.items():
        assert set(action["fields"]) == set(strings["services"][name]["fields"]), name


def test_every_translation_key_the_code_uses_exists() -> None:
    from custom_components.lwm2m.entity_table import FUNCTION_ROWS, TABLE

    strings = json.loads((INTEGRATION / "strings.json").read_text())
    for row in (*TABLE, *FUNCTION_ROWS):
        description = row.description
        if description is not None and description.translation_key is not None:
            assert description.translation_key in strings["entity"][description.platform], row
    pattern = re.compile(
        r'(?:validation_error|device_error|CommandSyntaxError)\(\s*"([a-z_]+)"'
        r'|translation_key="([a-z_]+)"'
    )
    used = {
        first or second
        for source in INTEGRATION.rglob("*.py")
        if "engine" not in source.relative_to(INTEGRATION).parts
        and source.name != "entity_table.py"
        for first, second in pattern.findall(source.read_text())
    }
    used -= {"security_policy", "decision", "dtls_unavailable"}  # selector and issue keys
    assert used <= set(strings["exceptions"])
