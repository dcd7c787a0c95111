"""The integration's English texts (strings.json), to find what a screen should show."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

STRINGS = Path(__file__).resolve().parents[3] / "custom_components" / "lwm2m" / "strings.json"


@cache
def strings() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(STRINGS.read_text(encoding="utf-8"))
    return result


def text(*keys: str) -> str:
    """The text at ``keys`` (``text("options", "step", "init", "title")``)."""
    node: Any = strings()
    for key in keys:
        node = node[key]
    assert isinstance(node, str), f"{'.'.join(keys)} is no text"
    return node


def menu_label(flow: str, step_id: str, option: str) -> str:
    return text(flow, "step", step_id, "menu_options", option)
