"""Another revision of this repository, unpacked beside it, for same-run comparisons.

``tree("main")`` unpacks the integration, the tests' helpers and the simulator of that
revision into ``.cache/bench-trees/<commit>/`` (once per commit) and returns the folder.
A bench runs each version in a process of its own with ``sys.path[0]`` set to the
folder (see :func:`use`), so ``custom_components.lwm2m`` is that version's.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench-trees"
PARTS = ("custom_components", "tests", "simulator")


def commit_of(revision: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", revision],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def tree(revision: str) -> Path:
    """The folder holding ``revision``'s code (the working tree itself for "HEAD+")."""
    if revision == "HEAD+":
        return ROOT
    commit = commit_of(revision)
    target = CACHE / commit
    if not (target / ".complete").is_file():
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", commit, *PARTS],
            check=True,
            capture_output=True,
        ).stdout
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as unpacked:
            unpacked.extractall(target, filter="data")
        (target / ".complete").touch()
    return target


def use(folder: str) -> None:
    """Make ``folder``'s code the one this process imports (call before importing it)."""
    sys.path.insert(0, folder)


def versions(baseline: str) -> dict[str, Path]:
    """The baseline revision's folder and this tree's, named for a bench's results."""
    return {
        f"before: {baseline} ({commit_of(baseline)[:8]})": tree(baseline),
        f"after: this tree ({commit_of('HEAD')[:8]}+)": ROOT,
    }


def write_results(results: dict[str, object], path: str | None) -> None:
    """Print the results as JSON, and write them to ``path`` too when given."""
    text = json.dumps(results, indent=2)
    print(text)
    if path:
        Path(path).write_text(text + "\n")
