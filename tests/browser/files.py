"""Files an installer uploads: credential CSVs (good, with bad rows, from Windows Excel in
Western and Central Europe), object definitions (a vendor's, a broken one) and firmware
images."""

from __future__ import annotations

import os
from pathlib import Path

from tests.engine.model.ddf_builder import ddf, item, obj

CSV_HEADER = (
    "endpoint id,securityMode,NAME,lwm2m server url,lwm2m psk_id,lwm2m psk_key,"
    "bootstrap psk_id,bootstrap psk_key"
)
GOOD_ROWS = (
    "boiler-1,NO_SEC,Boiler room,,,,,",
    "meter-7,PSK,Water meter,coaps://192.0.2.10:5684,meter-7,00112233445566778899aabbccddeeff,"
    "meter-7-bs,ffeeddccbbaa99887766554433221100",
    "gate-2,NO_SEC,Garage gate,,,,,",
)
BAD_ROW = "valve-3,WPA2,Garden valve,,,,,"  # no such security mode
WINDOWS_ROWS = (
    "keller-1,NO_SEC,Küche,,,,,",
    "buero-2,NO_SEC,Büro Süd,,,,,",
    "tor-3,NO_SEC,Straße,,,,,",
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def good_csv(folder: Path) -> Path:
    return write(folder, "devices.csv", "\n".join((CSV_HEADER, *GOOD_ROWS)) + "\n")


def csv_with_a_bad_row(folder: Path) -> Path:
    rows = (*GOOD_ROWS[:2], BAD_ROW, GOOD_ROWS[2])
    return write(folder, "devices-one-bad.csv", "\n".join((CSV_HEADER, *rows)) + "\n")


def csv_with_many_bad_rows(folder: Path, count: int = 60) -> Path:
    rows = [f"sensor-{n},PSK,Sensor {n},,,,," for n in range(1, count + 1)]
    return write(folder, "fleet.csv", "\n".join((CSV_HEADER, *rows)) + "\n")


def windows_csv(folder: Path) -> Path:
    """What Excel's "CSV (Comma delimited)" writes on a German Windows: Windows-1252, CRLF."""
    text = "\r\n".join(("endpoint id,securityMode,NAME", *WINDOWS_ROWS)) + "\r\n"
    return write(folder, "geraete.csv", text.encode("cp1252"))


def central_european_csv(folder: Path) -> Path:
    """The same from a Polish Windows: Windows-1250, whose "ł" is Windows-1252's "³"."""
    text = "\r\n".join(("endpoint id,securityMode,NAME", "brama-1,NO_SEC,Wrocław")) + "\r\n"
    return write(folder, "urzadzenia.csv", text.encode("cp1250"))


VENDOR_DDF = ddf(
    obj(
        "33000",
        name="Boiler",
        version="1.0",
        items=[
            item("1", name="Water Temperature", type_="Float", units="Cel"),
            item("2", name="Burner Hours", type_="Integer", units="h"),
            item("3", name="Mode", operations="RW", type_="String"),
            item("4", name="Setpoint", operations="RW", type_="Float", units="Cel"),
        ],
    )
)
BROKEN_DDF = '<?xml version="1.0"?>\n<LWM2M><Object ObjectType="MODefinition"><Name>Valve</Object>'


def vendor_ddf(folder: Path) -> Path:
    return write(folder, "boiler.xml", VENDOR_DDF)


def broken_ddf(folder: Path) -> Path:
    return write(folder, "valve.xml", BROKEN_DDF)


def firmware_image(folder: Path, size: int = 64 * 1024) -> Path:
    return write(folder, "sim-100-1.0.1.bin", os.urandom(size))
