"""The requirements of script/test_newest's venv; it runs this inside its chroot.

    newest_requirements.py WHEELS OUT

WHEELS holds the wheel of the pytest-homeassistant-custom-component that
requirements_newest.txt names. This downloads the Home Assistant wheel that plugin pins into
WHEELS, prints its requirement (``homeassistant==<version>``) and writes into OUT:

- ``constraints.txt``: the package constraints inside that Home Assistant wheel;
- ``requirements.txt``: requirements_test.txt without script/test's pins of Home Assistant and
  of the plugin, and without a version where Home Assistant's constraints pin the package
  (its pin wins: pycares, the frontend); then the requirements of the integrations that
  ``default_config`` (script/develop's configuration) and the integration's dependencies
  load, as Home Assistant would install them at its first start: the browser tests start it
  with ``--skip-pip``, and since 2026 its core no longer requires some of them (hassil);
- ``optional.txt``: the requirements that build from source and may fail to (their tests
  skip without them).
"""

from __future__ import annotations

import email
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "custom_components" / "lwm2m" / "manifest.json"
PINNED_RELEASE = {"homeassistant", "pytest-homeassistant-custom-component"}
OPTIONAL = {"dtlssocket"}
SEEDS = ("default_config", *json.loads(MANIFEST.read_text(encoding="utf-8"))["dependencies"])
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _name(line: str) -> str | None:
    """The normalised project name a requirement line starts with; None for comments."""
    match = NAME.match(line.split("#", 1)[0])
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def _metadata_requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(name))
    return [r.replace(" ", "") for r in metadata.get_all("Requires-Dist") or []]


def _loaded_requirements(core: zipfile.ZipFile) -> list[str]:
    """The requirements of SEEDS and of every integration they depend on."""
    found: list[str] = []
    seen: set[str] = set()
    pending = list(SEEDS)
    while pending:
        domain = pending.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = json.loads(core.read(f"homeassistant/components/{domain}/manifest.json"))
        found += manifest.get("requirements", [])
        pending += manifest.get("dependencies", [])
    return found


def main(wheels: Path, out: Path) -> None:
    plugin = next(wheels.glob("pytest_homeassistant_custom_component-*.whl"))
    release = next(r for r in _metadata_requirements(plugin) if r.startswith("homeassistant=="))
    download = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    subprocess.run([*download, "--dest", str(wheels), release], check=True)
    with zipfile.ZipFile(next(wheels.glob("homeassistant-*.whl"))) as core:
        constraints = core.read("homeassistant/package_constraints.txt").decode()
        loaded = _loaded_requirements(core)
    (out / "constraints.txt").write_text(constraints, encoding="utf-8")
    pinned_by_release = {_name(line) for line in constraints.splitlines()} - {None}

    required, optional = [], []
    lines = (ROOT / "requirements_test.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        name = _name(line)
        if name is None or name in PINNED_RELEASE:
            continue
        if name in OPTIONAL:
            optional.append(line)
        elif name in pinned_by_release:
            required.append(name)
        else:
            required.append(line)
    named = {_name(line) for line in required}
    required += sorted({line for line in loaded if _name(line) not in named})
    (out / "requirements.txt").write_text("\n".join(required) + "\n", encoding="utf-8")
    (out / "optional.txt").write_text("\n".join(optional) + "\n", encoding="utf-8")
    print(release)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
