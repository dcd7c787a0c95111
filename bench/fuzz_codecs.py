"""Long fuzz run of every codec decoder: prints inputs/s and unexpected exceptions.

    .venv/bin/python bench/fuzz_codecs.py [--count 100000] [--seed 2026] [--target tlv ...]

Exits 1 when any decoder raised something other than CodecError.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.engine.codec.fuzzing import fuzz_targets, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs per decoder")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--target", action="append", help="decoder name (repeatable)")
    arguments = parser.parse_args()

    targets = [t for t in fuzz_targets() if not arguments.target or t.name in arguments.target]
    print(f"{'decoder':<24} {'inputs':>9} {'seconds':>8} {'inputs/s':>10} {'unexpected':>10}")
    total_inputs = total_unexpected = 0
    total_seconds = 0.0
    for target in targets:
        report = run(target, arguments.count, arguments.seed)
        total_inputs += report.inputs
        total_seconds += report.seconds
        total_unexpected += report.unexpected
        print(
            f"{report.name:<24} {report.inputs:>9} {report.seconds:>8.1f} "
            f"{report.inputs_per_second:>10,.0f} {report.unexpected:>10}",
            flush=True,
        )
        for path, payload, error in report.examples:
            print(f"    {path} {payload[:60]!r}: {error}")
    rate = total_inputs / total_seconds if total_seconds else 0.0
    print(
        f"{'total':<24} {total_inputs:>9} {total_seconds:>8.1f} {rate:>10,.0f} "
        f"{total_unexpected:>10}"
    )
    return 1 if total_unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
