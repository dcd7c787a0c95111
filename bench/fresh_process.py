"""One measurement in a fresh process, with the load average when it started."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def load_average() -> list[float]:
    return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]


def run_fresh(argv: list[str]) -> dict[str, Any]:
    """Runs ``python argv...``, whose last output line is the measurement as JSON."""
    load = load_average()
    done = subprocess.run([sys.executable, *argv], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_average"] = load
    print(json.dumps(result), file=sys.stderr, flush=True)
    return result
