"""Flow texts the frontend can render: what strings.json may ask of it."""

from __future__ import annotations

import json
import re
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


def test_no_text_ends_in_a_heading_over_an_empty_placeholder() -> None:
    """A list placeholder that may be empty sits in a plural or select branch, never after
    a heading of its own ("Configured resources:\\n{summary}")."""
    offenders = []
    for flow, step_id, step in _steps():
        text = step.get("description", "")
        for match in re.finditer(r":\n\{(\w+)\}", text):
            before = text[: match.start()]
            if before.count("{") == before.count("}"):  # outside any plural or select
                offenders.append(f"{flow}.{step_id}: {match.group(1)}")
    assert offenders == []
