"""Where a bench leaves its results: JSON, and a PNG plot when matplotlib is at hand."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

BENCH = FsPath(__file__).resolve().parent


def write_report(
    report: dict[str, Any],
    out: FsPath,
    name: str,
    plot: Callable[[dict[str, Any], FsPath], None],
    plot_with: str | None,
) -> FsPath:
    """``out/name.json`` and ``out/name.png``; the plot in ``plot_with`` if this venv lacks it."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{name}.json"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    png_path = out / f"{name}.png"
    try:
        plot(report, png_path)
    except ImportError:
        if plot_with:
            module = FsPath(str(sys.modules[plot.__module__].__file__)).stem
            _plot_elsewhere(plot_with, module, json_path, png_path)
        else:
            print("no plot: matplotlib is missing (see bench/requirements.txt)")
    return json_path


def _plot_elsewhere(python: str, module: str, json_path: FsPath, png_path: FsPath) -> None:
    script = (
        "import json, sys, pathlib; sys.path.insert(0, sys.argv[1]); "
        f"import {module}; "
        f"{module}.plot(json.load(open(sys.argv[2])), pathlib.Path(sys.argv[3]))"
    )
    subprocess.run([python, "-c", script, str(BENCH), str(json_path), str(png_path)], check=True)
