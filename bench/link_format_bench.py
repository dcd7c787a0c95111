"""Link-format parsing: the engine's parser against aiocoap's, on what LwM2M devices send.

Each payload is parsed by the engine (``parse_link_format``: one match per link, the
scanner only for malformed input), by the engine's scanner alone, and by aiocoap's
``aiocoap.util.linkformat.parse``; the median of ``--repeats`` timings of ``--number``
parses, the three timed turn about in one process, with the load average beside them.

    python bench/link_format_bench.py [--repeats 15] [--number 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

BENCH = FsPath(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent)]

from aiocoap.util import linkformat  # noqa: E402

from custom_components.lwm2m.engine.codec import parse_link_format  # noqa: E402
from custom_components.lwm2m.engine.codec.link_format import _parse_scanning  # noqa: E402

PAYLOADS = {
    "register, 7 objects": '</>;rt="oma.lwm2m";ct=11543,</1>;ver=1.1,</1/0>,</3>;ver=1.2,'
    "</3/0>,</4>;ver=1.3,</4/0>,</5>;ver=1.2,</5/0>,</6/0>,</3303>;ver=1.1,</3303/0>,</3311/0>",
    "register, 40 instances": '</>;rt="oma.lwm2m";ct="60 110 112 11542 11543",</1/0>,</3/0>,'
    + ",".join(f"</3303/{n}>" for n in range(38)),
    "discover, attributes": "</3303/0>;pmin=10;pmax=60,</3303/0/5700>;gt=30.5;lt=-5;st=0.5,"
    '</3303/0/5701>,</3303/0/5601>;dim=2,</3303/0/5750>;title="a,b;\\"c\\""',
}


def _times(parsers: dict[str, Callable[[], Any]], number: int, repeats: int) -> dict[str, float]:
    """Median µs per parse of each parser, timed turn about so load changes hit them alike."""
    runs: dict[str, list[float]] = {key: [] for key in parsers}
    for _ in range(repeats):
        for key, parse in parsers.items():
            runs[key].append(timeit.timeit(parse, number=number) / number)
    return {key: 1e6 * statistics.median(values) for key, values in runs.items()}


def load_average() -> list[float]:
    return [float(value) for value in FsPath("/proc/loadavg").read_text().split()[:3]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--out", type=FsPath, default=BENCH / "results")
    options = parser.parse_args()
    report: dict[str, Any] = {"load_average_start": load_average(), "payloads": {}}
    for name, text in PAYLOADS.items():
        payload = text.encode()
        parsers: dict[str, Callable[[], Any]] = {
            "engine": lambda payload=payload: parse_link_format(payload),
            "engine_scanner": lambda payload=payload: _parse_scanning(payload.decode()),
            "aiocoap": lambda payload=payload: linkformat.parse(payload.decode()),
        }
        micros = _times(parsers, options.number, options.repeats)
        report["payloads"][name] = {
            "bytes": len(payload),
            "us_per_parse": micros,
            "engine_to_aiocoap": micros["engine"] / micros["aiocoap"],
            "engine_to_scanner": micros["engine"] / micros["engine_scanner"],
        }
    report["load_average_end"] = load_average()
    options.out.mkdir(parents=True, exist_ok=True)
    path = options.out / "link_format_bench.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["payloads"], indent=2))


if __name__ == "__main__":
    main()
