"""The quality scale self-assessment names every rule, each with a status and a reason."""

from __future__ import annotations

import ast
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
    selectors = {"security_policy", "decision", "alarm_severity"}
    assert selectors <= set(strings["selector"])
    used -= {*selectors, "dtls_unavailable"}  # selector and issue keys
    assert used <= set(strings["exceptions"])


# --- every `done` rule that the code can show, checked in the code ------------------------


def _module(name: str) -> ast.Module:
    return ast.parse((INTEGRATION / name).read_text(encoding="utf-8"))


def _function(module: ast.Module, name: str) -> ast.AsyncFunctionDef | ast.FunctionDef | None:
    return next(
        (
            node
            for node in module.body
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.name == name
        ),
        None,
    )


def _names_raised(function: ast.AST) -> set[str]:
    raised = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(target, ast.Name):
                raised.add(target.id)
    return raised


def _platform_modules() -> list[str]:
    platforms = next(
        node.value
        for node in _module("__init__.py").body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "PLATFORMS" for t in node.targets)
    )
    assert isinstance(platforms, ast.List)
    return [
        f"{element.attr.lower()}.py"
        for element in platforms.elts
        if isinstance(element, ast.Attribute)
    ]


def _assigns(module: ast.Module, name: str) -> bool:
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        for node in module.body
    )


def _manifest() -> dict[str, object]:
    manifest: dict[str, object] = json.loads((INTEGRATION / "manifest.json").read_text())
    return manifest


def _strings() -> dict[str, object]:
    strings: dict[str, object] = json.loads((INTEGRATION / "strings.json").read_text())
    return strings


def _test_before_setup() -> bool:
    """hassfest's check: ConfigEntryNotReady (or kin) raised in async_setup_entry itself."""
    setup_entry = _function(_module("__init__.py"), "async_setup_entry")
    valid = {"ConfigEntryNotReady", "ConfigEntryAuthFailed", "ConfigEntryError"}
    return setup_entry is not None and bool(_names_raised(setup_entry) & valid)


def _config_flow() -> bool:
    steps = _strings()["config"]["step"]  # type: ignore[index]
    return _manifest()["config_flow"] is True and all(
        set(step.get("data", {})) <= set(step.get("data_description", {}))
        for step in steps.values()
    )


def _entities_share_the_base() -> bool:
    """Every platform's entities derive from LwM2MEntity, which has an entity name."""
    base = next(
        node
        for node in _module("entity.py").body
        if isinstance(node, ast.ClassDef) and node.name == "LwM2MEntity"
    )
    named = "_attr_has_entity_name = True" in ast.unparse(base)
    return named and all(
        any(
            isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id == "LwM2MEntity" for b in node.bases)
            for node in _module(name).body
        )
        for name in _platform_modules()
    )


def _defines(module: str, *functions: str) -> bool:
    return all(_function(_module(module), name) is not None for name in functions)


def _body_of(module: str, function: str) -> str:
    found = _function(_module(module), function)
    return "" if found is None else ast.unparse(found)


def _every_platform_sets_parallel_updates() -> bool:
    return all(_assigns(_module(name), "PARALLEL_UPDATES") for name in _platform_modules())


CODE_CHECKS = {
    "action-setup": lambda: "async_setup_services" in _body_of("__init__.py", "async_setup"),
    "brands": lambda: (INTEGRATION / "brand" / "icon.png").is_file(),
    "config-entry-unloading": lambda: _defines("__init__.py", "async_unload_entry"),
    "config-flow": _config_flow,
    "diagnostics": lambda: _defines(
        "diagnostics.py", "async_get_config_entry_diagnostics", "async_get_device_diagnostics"
    ),
    "entity-translations": lambda: bool(_strings().get("entity")),
    "exception-translations": lambda: bool(_strings().get("exceptions")),
    "has-entity-name": _entities_share_the_base,
    "icon-translations": lambda: (INTEGRATION / "icons.json").is_file(),
    "integration-owner": lambda: bool(_manifest()["codeowners"]),
    "parallel-updates": _every_platform_sets_parallel_updates,
    "reconfiguration-flow": lambda: "async_step_reconfigure" in _module_text("config_flow.py"),
    "repair-issues": lambda: bool(_strings().get("issues")),
    "runtime-data": lambda: "entry.runtime_data = " in _body_of("__init__.py", "async_setup_entry"),
    "stale-devices": lambda: _defines("__init__.py", "async_remove_config_entry_device"),
    "test-before-setup": _test_before_setup,
    "unique-config-entry": lambda: _manifest().get("single_config_entry") is True,
}


README_SECTIONS = {
    "docs-installation-instructions": "## Install",
    "docs-installation-parameters": "### Setup (installation parameters)",
    "docs-configuration-parameters": "### Options (configuration parameters)",
    "docs-data-update": "## Data updates",
    "docs-examples": "## Examples",
    "docs-known-limitations": "## Known limitations",
    "docs-supported-devices": "## Supported devices",
    "docs-supported-functions": "## Supported functions",
    "docs-troubleshooting": "## Troubleshooting",
    "docs-use-cases": "## Use cases",
    "docs-removal-instructions": "## Removal",
}


def test_documentation_rules_done_have_their_readme_section() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    headings = (INTEGRATION.parents[1] / "README.md").read_text(encoding="utf-8").splitlines()
    missing = [
        heading
        for name, heading in README_SECTIONS.items()
        if rules[name]["status"] == "done" and heading not in headings
    ]
    assert missing == []


def _module_text(name: str) -> str:
    return (INTEGRATION / name).read_text(encoding="utf-8")


def test_done_rules_hold_in_the_code() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    failing = [
        name
        for name, check in CODE_CHECKS.items()
        if rules[name]["status"] == "done" and not check()
    ]
    assert failing == []


def test_setup_entry_raises_not_ready_itself_where_hassfest_looks() -> None:
    assert _test_before_setup()
