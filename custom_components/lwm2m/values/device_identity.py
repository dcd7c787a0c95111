"""Device registry fields from the Device object (/3/0)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine import Path

MANUFACTURER = Path.of(3, 0, 0)
MODEL = Path.of(3, 0, 1)
SERIAL_NUMBER = Path.of(3, 0, 2)
FIRMWARE_VERSION = Path.of(3, 0, 3)
HARDWARE_VERSION = Path.of(3, 0, 18)
SOFTWARE_VERSION = Path.of(3, 0, 19)

IDENTITY_PATHS = frozenset(
    {MANUFACTURER, MODEL, SERIAL_NUMBER, FIRMWARE_VERSION, HARDWARE_VERSION, SOFTWARE_VERSION}
)


def _text(values: Mapping[Path, Any], path: Path) -> str | None:
    value = values.get(path)
    if value is None or value == "":
        return None
    return str(value)


def registry_fields(values: Mapping[Path, Any]) -> dict[str, str]:
    """The device registry fields /3/0 gives, leaving out what the device did not tell.

    ``sw_version`` is the firmware version (/3/0/3), or the software version (/3/0/19)
    for devices that only report that one.
    """
    fields = {
        "manufacturer": _text(values, MANUFACTURER),
        "model": _text(values, MODEL),
        "serial_number": _text(values, SERIAL_NUMBER),
        "sw_version": _text(values, FIRMWARE_VERSION) or _text(values, SOFTWARE_VERSION),
        "hw_version": _text(values, HARDWARE_VERSION),
    }
    return {key: value for key, value in fields.items() if value is not None}
