"""Home Assistant version pitfalls, found in the integration's source.

The suite runs on the pinned Home Assistant; these checks catch code that would only break on
another release (an API that was removed, renamed, deprecated, or that only exists in newer
releases). Each rule is a function from a parsed module to its findings, so the negative tests
at the bottom can show that every rule fires.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "lwm2m"
PACKAGE = "custom_components.lwm2m"

# Names Home Assistant deprecated (still importable, removed later), with what to use instead.
DEPRECATED = {
    ("homeassistant.config_entries", "OptionsFlowWithConfigEntry"): "OptionsFlow",
    **{
        ("homeassistant.components.device_tracker.config_entry", name): (
            f"homeassistant.components.device_tracker.{name}"
        )
        for name in (
            "BaseTrackerEntity",
            "ScannerEntity",
            "SourceType",
            "TrackerEntity",
            "TrackerEntityDescription",
        )
    },
    **{
        ("homeassistant.const", f"CONCENTRATION_{unit}"): "UnitOfDensity / UnitOfRatio"
        for unit in (
            "GRAMS_PER_CUBIC_METER",
            "MILLIGRAMS_PER_CUBIC_METER",
            "MICROGRAMS_PER_CUBIC_METER",
            "MICROGRAMS_PER_CUBIC_FOOT",
            "PARTS_PER_CUBIC_METER",
            "PARTS_PER_MILLION",
            "PARTS_PER_BILLION",
        )
    },
}
# Exceptions that make an import inside ``try`` a fallback.
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "AttributeError", "Exception"}
BOOL_CALLS = {"bool", "isinstance", "hasattr", "callable"}

Finding = tuple[int, str]
Rule = Callable[[ast.Module], list[Finding]]


def _guarded_imports(tree: ast.Module) -> set[int]:
    """ids of import statements inside a ``try`` whose handlers catch a failed import."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        caught: set[str] = set()
        for handler in node.handlers:
            kinds = handler.type
            exprs = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
            caught.update(
                "Exception" if expr is None else _target_name(expr) or "" for expr in exprs
            )
        if caught & IMPORT_ERRORS:
            # The preferred import and its fallback alike: each exists on some releases only.
            statements = [*node.body, *node.orelse, *(s for h in node.handlers for s in h.body)]
            guarded.update(id(child) for stmt in statements for child in ast.walk(stmt))
    return guarded


def _ha_imports(tree: ast.Module, *, guarded: bool) -> Iterator[tuple[ast.ImportFrom, str]]:
    """``(statement, name)`` for each name imported from Home Assistant, guarded or not."""
    fallbacks = _guarded_imports(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module is not None
            and node.module.split(".")[0] == "homeassistant"
            and (id(node) in fallbacks) == guarded
        ):
            for alias in node.names:
                yield node, alias.name


def missing_imports(tree: ast.Module) -> list[Finding]:
    """Unguarded Home Assistant imports that the installed release does not have."""
    findings = []
    for node, name in _ha_imports(tree, guarded=False):
        assert node.module is not None
        try:
            module = importlib.import_module(node.module)
        except ImportError:
            findings.append((node.lineno, f"module {node.module} does not exist here"))
            continue
        if hasattr(module, name):
            continue
        try:
            importlib.import_module(f"{node.module}.{name}")
        except ImportError:
            findings.append(
                (node.lineno, f"{node.module}.{name} does not exist here: import it in a try")
            )
    return findings


def deprecated_imports(tree: ast.Module) -> list[Finding]:
    """Unguarded imports of names Home Assistant deprecated."""
    return [
        (node.lineno, f"{node.module}.{name} is deprecated: use {DEPRECATED[node.module, name]}")
        for node, name in _ha_imports(tree, guarded=False)
        if (node.module, name) in DEPRECATED
    ]


def _assigned(tree: ast.Module) -> Iterator[tuple[ast.expr, ast.expr | None, int]]:
    """``(target, value, line)`` for every assignment; value is None for ``del``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield target, node.value, node.lineno
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            yield node.target, node.value, node.lineno


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def config_entry_assignments(tree: ast.Module) -> list[Finding]:
    """``self.config_entry = ...``: read-only on flows since 2025.12 (given to options flows)."""
    findings = [
        (line, "assigns self.config_entry: Home Assistant sets it on options flows")
        for target, _, line in _assigned(tree)
        if isinstance(target, ast.Attribute)
        and target.attr == "config_entry"
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    ]
    findings += [
        (node.lineno, f"{node.name} inherits the deprecated OptionsFlowWithConfigEntry")
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(_target_name(base) == "OptionsFlowWithConfigEntry" for base in node.bases)
    ]
    return findings


def via_device(tree: ast.Module) -> list[Finding]:
    """``via_device``: deprecated in 2026 (for ``via_device_id``, which 2025.4 lacks)."""
    findings = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            findings += [
                (node.lineno, "passes via_device")
                for keyword in node.keywords
                if keyword.arg == "via_device"
            ]
        elif isinstance(node, ast.Dict):
            findings += [
                (node.lineno, "device info with a via_device key")
                for key in node.keys
                if isinstance(key, ast.Constant) and key.value == "via_device"
            ]
    findings += [
        (line, "assigns a via_device")
        for target, _, line in _assigned(tree)
        if isinstance(target, ast.Subscript)
        and isinstance(target.slice, ast.Constant)
        and target.slice.value == "via_device"
    ]
    return findings


def new_only_keywords(tree: ast.Module) -> list[Finding]:
    """Keyword arguments that only newer releases accept (a TypeError on the pinned one)."""
    return [
        (node.lineno, f"passes {keyword.arg}, which Home Assistant 2025.4 does not accept")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg in {"serialize_in_event_loop", "max_readable_version"}
    ]


def _is_bool(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool)
    if isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    if isinstance(value, ast.BoolOp):
        return all(_is_bool(operand) for operand in value.values)
    if isinstance(value, ast.IfExp):
        return _is_bool(value.body) and _is_bool(value.orelse)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id in BOOL_CALLS
    return False


def in_progress_values(tree: ast.Module) -> list[Finding]:
    """``_attr_in_progress`` takes a bool; a percentage goes to ``_attr_update_percentage``.

    Only values that are plainly bool pass (True/False, a comparison, ``not``, ``bool()``,
    and ``and``/``or``/``if`` of those): anything else could be a number.
    """
    return [
        (line, "_attr_in_progress gets a value that is not plainly a bool")
        for target, value, line in _assigned(tree)
        if _target_name(target) == "_attr_in_progress" and value is not None and not _is_bool(value)
    ]


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def reloading_update_listeners(tree: ast.Module) -> list[Finding]:
    """Update listeners that await a reload: schedule it, or let the flow reload the entry."""
    functions = _functions(tree)
    findings = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and _target_name(node.func) == "add_update_listener"
            and node.args
        ):
            continue
        listener = functions.get(_target_name(node.args[0]) or "")
        if listener is None:
            continue
        findings += [
            (inner.lineno, f"update listener {listener.name} awaits a reload")
            for inner in ast.walk(listener)
            if isinstance(inner, ast.Await)
            and isinstance(inner.value, ast.Call)
            and _target_name(inner.value.func) in {"async_reload", "async_setup", "async_unload"}
        ]
    return findings


FLOW_STEPS = {"async_show_form", "async_show_menu", "async_show_progress", "async_external_step"}
DEPRECATED_FLOW_ATTRIBUTES = {"show_advanced_options", "_set_confirm_only"}


def flow_steps(tree: ast.Module) -> list[Finding]:
    """Flow steps name their step_id; newer releases report steps without one."""
    findings = [
        (node.lineno, f"{node.func.attr} without step_id")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in FLOW_STEPS
        and not any(keyword.arg in {"step_id", None} for keyword in node.keywords)
    ]
    findings += [
        (node.lineno, f"uses {node.attr}, which newer releases deprecate")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in DEPRECATED_FLOW_ATTRIBUTES
    ]
    return findings


RULES: list[Rule] = [
    missing_imports,
    deprecated_imports,
    config_entry_assignments,
    via_device,
    new_only_keywords,
    in_progress_values,
    reloading_update_listeners,
    flow_steps,
]
SOURCES = sorted(INTEGRATION.rglob("*.py"))


def _check(rule: Rule, source: str) -> list[Finding]:
    return rule(ast.parse(source))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_integration_avoids_version_pitfalls(rule: Rule) -> None:
    """No rule finds anything in custom_components/lwm2m."""
    findings = [
        f"{source.relative_to(ROOT)}:{line}: {message}"
        for source in SOURCES
        for line, message in rule(ast.parse(source.read_text(encoding="utf-8")))
    ]
    assert not findings, "\n".join(findings)


def test_the_scan_sees_the_integration() -> None:
    """The sources are there, so an empty result above means something."""
    names = {source.relative_to(INTEGRATION).as_posix() for source in SOURCES}
    assert {"__init__.py", "config_flow.py", "options/base.py", "storage.py"} <= names


BAD = {
    flow_steps: "def step(self):\n    return self.async_show_form(data_schema=SCHEMA)\n",
    missing_imports: "from homeassistant.const import NO_SUCH_CONSTANT_ANYWHERE\n",
    deprecated_imports: "from homeassistant.const import CONCENTRATION_PARTS_PER_MILLION\n",
    config_entry_assignments: (
        "class Flow(OptionsFlow):\n"
        "    def __init__(self, entry):\n"
        "        self.config_entry = entry\n"
    ),
    via_device: "info = DeviceInfo(identifiers={('d', 'x')}, via_device=('d', 'hub'))\n",
    new_only_keywords: "store = Store(hass, 1, 'key', serialize_in_event_loop=False)\n",
    in_progress_values: (
        "class U(UpdateEntity):\n"
        "    def progress(self, pct):\n"
        "        self._attr_in_progress = pct\n"
    ),
    reloading_update_listeners: (
        "async def async_setup_entry(hass, entry):\n"
        "    entry.async_on_unload(entry.add_update_listener(_updated))\n"
        "async def _updated(hass, entry):\n"
        "    await hass.config_entries.async_reload(entry.entry_id)\n"
    ),
}

GOOD = {
    flow_steps: (
        "def step(self):\n"
        "    if self.source == 'user':\n"
        "        return self.async_show_menu(step_id='init', menu_options=['a'])\n"
        "    return self.async_show_form(step_id='init', data_schema=SCHEMA)\n"
    ),
    missing_imports: (
        "try:\n"
        "    from homeassistant.const import NO_SUCH_CONSTANT_ANYWHERE\n"
        "except ImportError:\n"
        "    NO_SUCH_CONSTANT_ANYWHERE = 1\n"
        "from homeassistant.const import Platform\n"
        "from homeassistant.helpers import device_registry\n"
    ),
    deprecated_imports: (
        "try:\n"
        "    from homeassistant.const import UnitOfRatio\n"
        "except ImportError:\n"
        "    from homeassistant.const import CONCENTRATION_PARTS_PER_MILLION\n"
    ),
    config_entry_assignments: (
        "class Flow(OptionsFlow):\n    def step(self):\n        entry = self.config_entry\n"
    ),
    via_device: "info = DeviceInfo(identifiers={('d', 'x')}, name='x')\n",
    new_only_keywords: "store = Store(hass, 1, 'key', private=True, atomic_writes=True)\n",
    in_progress_values: (
        "class U(UpdateEntity):\n"
        "    _attr_in_progress = False\n"
        "    def progress(self, pct):\n"
        "        self._attr_in_progress = pct is not None and pct < 100\n"
        "        self._attr_update_percentage = pct\n"
    ),
    reloading_update_listeners: (
        "async def async_setup_entry(hass, entry):\n"
        "    entry.async_on_unload(entry.add_update_listener(_updated))\n"
        "async def _updated(hass, entry):\n"
        "    hass.config_entries.async_schedule_reload(entry.entry_id)\n"
    ),
}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_each_rule_fires_on_a_bad_snippet(rule: Rule) -> None:
    assert len(_check(rule, BAD[rule])) == 1


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_each_rule_passes_the_fixed_snippet(rule: Rule) -> None:
    assert _check(rule, GOOD[rule]) == []


def test_config_entry_rule_flags_the_deprecated_base_class() -> None:
    source = "class Flow(config_entries.OptionsFlowWithConfigEntry):\n    pass\n"
    assert [message for _, message in _check(config_entry_assignments, source)] == [
        "Flow inherits the deprecated OptionsFlowWithConfigEntry"
    ]


def test_in_progress_rule_flags_numbers_and_unknown_values() -> None:
    source = (
        "class U:\n"
        "    _attr_in_progress: bool | int = 50\n"
        "    def a(self, x):\n"
        "        self._attr_in_progress = x\n"
        "    def b(self, x):\n"
        "        self._attr_in_progress = x or 0\n"
        "    def c(self):\n"
        "        self._attr_in_progress = True\n"
    )
    assert [line for line, _ in _check(in_progress_values, source)] == [2, 4, 6]


def test_via_device_rule_flags_dict_forms() -> None:
    source = (
        "info = {'identifiers': set(), 'via_device': ('d', 'hub')}\ninfo['via_device'] = None\n"
    )
    assert [line for line, _ in _check(via_device, source)] == [1, 2]


def test_flow_rule_flags_deprecated_flow_attributes() -> None:
    source = "def step(self):\n    if self.show_advanced_options:\n        pass\n"
    assert [line for line, _ in _check(flow_steps, source)] == [2]
