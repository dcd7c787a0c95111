"""Which wheel each manifest requirement installs from on the platforms Home Assistant runs on.

Home Assistant OS and the official container run CPython on musl (x86_64, aarch64) without a
compiler; other installations run glibc. A requirement without a wheel there cannot be
installed, and Home Assistant then refuses to set the integration up.

Each requirement is checked at the version Home Assistant's own constraints pick (its
``package_constraints.txt`` pins some packages; the manifest pins the rest). pip runs
isolated from this machine's configuration (no local find-links, extra indexes or
constraint files), so it asks the real package index.

``python -m tests.install.wheels`` prints the table.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "custom_components" / "lwm2m" / "manifest.json"

PLATFORMS = ("musllinux_1_2_x86_64", "musllinux_1_2_aarch64", "manylinux_2_28_x86_64")
PYTHONS = ("3.13", "3.14")

# PEP 599/571/513: the legacy manylinux names are glibc 2.17, 2.12 and 2.5.
_LEGACY_MANYLINUX = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
_LEGACY_ARCHES = {
    "manylinux2014": {"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"},
    "manylinux2010": {"x86_64", "i686"},
    "manylinux1": {"x86_64", "i686"},
}


class PickError(Exception):
    """A requirement and Home Assistant's constraints do not name one version."""


def platform_tags(platform: str) -> list[str]:
    """Every platform tag a system with ``platform`` installs, newest first.

    pip's ``--platform`` takes a tag literally: a manylinux_2_28 system also runs
    manylinux_2_17 wheels (PEP 600), a musllinux_1_2 one musllinux_1_1 wheels (PEP 656).
    """
    family, major, minor, arch = platform.split("_", 3)
    tags = [f"{family}_{major}_{version}_{arch}" for version in range(int(minor), -1, -1)]
    if family == "manylinux":
        tags = tags[: int(minor) - 4]  # glibc 2.5 is the oldest manylinux
        for glibc, legacy in _LEGACY_MANYLINUX.items():
            if glibc <= int(minor) and arch in _LEGACY_ARCHES[legacy]:
                tags.append(f"{legacy}_{arch}")
    return tags


def manifest_requirements() -> list[Requirement]:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return [Requirement(line) for line in manifest["requirements"]]


def home_assistant_constraints() -> dict[str, Requirement]:
    """The installed Home Assistant's package constraints, by canonical name."""
    text = (
        importlib.resources.files("homeassistant")
        .joinpath("package_constraints.txt")
        .read_text(encoding="utf-8")
    )
    constraints: dict[str, Requirement] = {}
    for raw in text.splitlines():
        line = raw.split("#")[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            constraints[canonicalize_name(requirement.name)] = requirement
    return constraints


def _pinned(requirement: Requirement) -> str | None:
    specifiers = list(requirement.specifier)
    if len(specifiers) == 1 and specifiers[0].operator == "==":
        return specifiers[0].version
    return None


def picked_version(requirement: Requirement, constraints: Mapping[str, Requirement]) -> str:
    """The version installed next to Home Assistant: its pin if it has one, else ours."""
    constraint = constraints.get(canonicalize_name(requirement.name))
    if constraint is not None and (pin := _pinned(constraint)) is not None:
        if not requirement.specifier.contains(pin, prereleases=True):
            raise PickError(f"{requirement} conflicts with Home Assistant's {constraint}")
        return pin
    if (pin := _pinned(requirement)) is None:
        raise PickError(f"{requirement} is neither pinned here nor by Home Assistant")
    return pin


@dataclass(frozen=True, slots=True)
class Download:
    """What pip fetched for one requirement on one platform and Python: a wheel or an error."""

    wheel: str | None
    error: str | None = None

    @property
    def tag(self) -> str:
        """``python-abi-platform`` of the wheel (the first of each for compressed tag sets)."""
        if self.wheel is None:
            return "no wheel"
        _, _, _, tags = parse_wheel_filename(self.wheel)
        names = {
            part: sorted({getattr(tag, part) for tag in tags})
            for part in ("interpreter", "abi", "platform")
        }
        return "-".join(".".join(names[part]) for part in ("interpreter", "abi", "platform"))


def _isolated_environment() -> dict[str, str]:
    """The environment without any pip configuration: no config files, no PIP_* variables."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    environment["PIP_CONFIG_FILE"] = os.devnull
    return environment


def _pip_download(pins: Iterable[str], platform: str, python: str, dest: Path) -> str | None:
    """Run one isolated wheels-only download; pip's complaint when it fails."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--isolated",
        "--no-input",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--no-deps",
        "--implementation",
        "cp",
        "--python-version",
        python,
        "--dest",
        str(dest),
    ]
    for tag in platform_tags(platform):
        command += ["--platform", tag]
    result = subprocess.run(
        [*command, *pins],
        capture_output=True,
        text=True,
        env=_isolated_environment(),
        timeout=600,
        check=False,
    )
    if result.returncode == 0:
        return None
    lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    return "; ".join(lines) or result.stderr.strip()[-300:]


def _download_one_combination(pins: list[str], platform: str, python: str) -> dict[str, Download]:
    with tempfile.TemporaryDirectory(prefix="lwm2m-wheels-") as scratch:
        dest = Path(scratch)
        error = _pip_download(pins, platform, python, dest)
        if error is not None:  # find out which: one requirement at a time
            results = {}
            for pin in pins:
                single = dest / canonicalize_name(Requirement(pin).name)
                failure = _pip_download([pin], platform, python, single)
                found = [path.name for path in single.glob("*.whl")]
                results[pin] = Download(found[0] if found else None, failure)
            return results
        wheels = {
            canonicalize_name(parse_wheel_filename(p.name)[0]): p.name for p in dest.glob("*.whl")
        }
        return {pin: Download(wheels.get(canonicalize_name(Requirement(pin).name))) for pin in pins}


def wheel_table(pins: list[str]) -> dict[tuple[str, str, str], Download]:
    """(pin, platform, python) -> what pip downloaded, for every combination."""
    combinations = [(platform, python) for platform in PLATFORMS for python in PYTHONS]
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = pool.map(lambda c: (c, _download_one_combination(pins, *c)), combinations)
        return {
            (pin, platform, python): download
            for (platform, python), downloads in done
            for pin, download in downloads.items()
        }


def pins_for_home_assistant() -> list[str]:
    constraints = home_assistant_constraints()
    return [
        f"{requirement.name}=={picked_version(requirement, constraints)}"
        for requirement in manifest_requirements()
    ]


def markdown(table: Mapping[tuple[str, str, str], Download], pins: list[str]) -> str:
    columns = [(platform, python) for platform in PLATFORMS for python in PYTHONS]
    header = "| requirement | " + " | ".join(f"{pl} cp{py.replace('.', '')}" for pl, py in columns)
    lines = [header + " |", "|---" * (len(columns) + 1) + "|"]
    for pin in pins:
        cells = [table[(pin, platform, python)].tag for platform, python in columns]
        lines.append(f"| {pin} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    from homeassistant.const import __version__

    pins = pins_for_home_assistant()
    table = wheel_table(pins)
    print(f"Versions picked with Home Assistant {__version__}'s constraints:\n")
    print(markdown(table, pins))
    missing = [key for key, download in table.items() if download.wheel is None]
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
