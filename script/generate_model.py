#!/usr/bin/env python3
"""Generate the bundled object model from the OMA registry's DDF files.

    python script/generate_model.py [REGISTRY_DIR] [--check]

REGISTRY_DIR defaults to ../shared/lwm2m-registry beside the repository. Every ``*.xml``
there is parsed; the facts (no descriptions, no XML) are written to
custom_components/lwm2m/engine/model/core_objects.json. With --check nothing is written
and the exit status is 1 when the committed file differs from what would be generated.

When two files define the same object id and version: identical definitions are kept
once; differing ones stop the generation, naming both files, since picking one silently
would hide a registry error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from custom_components.lwm2m.engine.model.bundle import BUNDLE_FILE, dump_bundle  # noqa: E402
from custom_components.lwm2m.engine.model.ddf import parse_ddf  # noqa: E402
from custom_components.lwm2m.engine.model.errors import DDFError  # noqa: E402
from custom_components.lwm2m.engine.model.types import ObjectDef  # noqa: E402

DEFAULT_REGISTRY = REPO_ROOT.parent / "shared" / "lwm2m-registry"


class GenerationError(Exception):
    """The registry files cannot be turned into a model."""


def collect(registry: Path) -> list[ObjectDef]:
    """Every object definition in the registry's XML files, one per (id, version)."""
    files = sorted(registry.glob("*.xml"))
    if not files:
        raise GenerationError(f"no *.xml files in {registry}")
    found: dict[tuple[int, str], tuple[ObjectDef, Path]] = {}
    for file in files:
        try:
            objects = parse_ddf(file.read_bytes())
        except DDFError as err:
            raise GenerationError(f"{file.name}: {err}") from None
        for obj in objects:
            key = (obj.id, obj.version)
            if key in found:
                first, first_file = found[key]
                if first != obj:
                    raise GenerationError(
                        f"object {obj.id} version {obj.version} differs between "
                        f"{first_file.name} and {file.name}"
                    )
                print(
                    f"note: {file.name} repeats object {obj.id} {obj.version} "
                    f"of {first_file.name}; kept once",
                    file=sys.stderr,
                )
                continue
            found[key] = (obj, file)
    return [obj for obj, _ in found.values()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registry", nargs="?", type=Path, default=DEFAULT_REGISTRY)
    parser.add_argument("--output", type=Path, default=BUNDLE_FILE)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the output file is not up to date"
    )
    args = parser.parse_args(argv)
    if not args.registry.is_dir():
        print(f"error: registry directory {args.registry} not found", file=sys.stderr)
        return 2
    try:
        text = dump_bundle(collect(args.registry))
    except GenerationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            print(f"{output} is stale: run script/generate_model.py", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {output} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
