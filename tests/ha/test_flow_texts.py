"""Flow texts the frontend can render: what strings.json may ask of it."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

INTEGRATION = Path(__file__).resolve().parents[2] / "custom_components" / "lwm2m"
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
PLACEHOLDER = re.compile(r"\{\w+[},]")


def _steps() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (flow, step_id, step)
        for flow in ("config", "options")
        for step_id, step in STRINGS[flow]["step"].items()
    ]


def test_menu_titles_take_no_placeholders() -> None:
    """Home Assistant 2025.4's frontend renders a menu's title without the step's
    placeholders: one there reads "Translation Error" (the device protocol menu did)."""
    menus = [(flow, step_id, step) for flow, step_id, step in _steps() if "menu_options" in step]
    assert menus
    assert [
        f"{flow}.{step_id}" for flow, step_id, step in menus if PLACEHOLDER.search(step["title"])
    ] == []


def _texts(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _texts(value, f"{path}.{key}")]
    return [(path.lstrip("."), node)] if isinstance(node, str) else []


def test_every_text_parses_the_way_home_assistant_parses_it() -> None:
    """Home Assistant checks translations with Python's format syntax and logs an error for
    each text it cannot parse: no ICU plural or select ({count, plural, ...}) then, only
    plain {placeholders}. Conditional parts are steps of their own."""
    unparsable = []
    for key, text in _texts(STRINGS):
        try:
            fields = [field for _, field, _, _ in string.Formatter().parse(text) if field]
        except ValueError:
            unparsable.append(key)
            continue
        unparsable += [f"{key}: {{{field}}}" for field in fields if "," in field]
    assert unparsable == []
