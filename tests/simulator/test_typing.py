"""The simulator is held to the engine's standard: mypy --strict finds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_strict_on_simulator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "simulator"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
