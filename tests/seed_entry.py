"""script/seed_config_entry.py (the entry script/develop writes on its first run), loaded
as a module: it is a script, not part of a package."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def seed_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("seed", ROOT / "script" / "seed_config_entry.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
