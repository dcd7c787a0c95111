"""Time the import of a generated PSK credentials CSV; prints rows per second.

Usage: python bench/csv_import.py [rows] [repeats]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.lwm2m.engine import parse_credentials_csv

HEADER = (
    "ID,IDTYPE,NAME,TYPE,SHELL,com_cumulocity_model_Agent,endpoint id,lwm2m server url,"
    "securityMode,lwm2m psk_id,lwm2m psk_key,bootstrap psk_id,bootstrap psk_key,"
    "registrationLifetime,bindingMode,disableTimeout (true/false)"
)


def psk_csv(rows: int) -> str:
    lines = [HEADER]
    lines.extend(
        f"imei-{n},c8y_Serial,Device {n},c8y_lwm2m,0,1,ep-{n},coaps://lwm2m.example.com:5684,"
        f"PSK,id-{n},0x{n:032X},bs-{n},{n:032x},3600,UQ,86400"
        for n in range(rows)
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    text = psk_csv(rows)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        records = parse_credentials_csv(text)
        timings.append(time.perf_counter() - start)
    assert len(records) == rows
    best = min(timings)
    print(
        f"{rows} PSK rows ({len(text) / 1e6:.1f} MB): best {best * 1000:.0f} ms of {repeats}, "
        f"{rows / best:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
