"""Object 5 (Firmware Update) as the server sees it: its paths and what reading it says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from ..path import Path

FIRMWARE = Path.of(5, 0)
PACKAGE = FIRMWARE.child(0)
PACKAGE_URI = FIRMWARE.child(1)
UPDATE = FIRMWARE.child(2)
STATE = FIRMWARE.child(3)
UPDATE_RESULT = FIRMWARE.child(5)
PACKAGE_VERSION = FIRMWARE.child(7)
PROTOCOL_SUPPORT = FIRMWARE.child(8)
DELIVERY_METHOD = FIRMWARE.child(9)
CANCEL = FIRMWARE.child(10)
MODEL_NUMBER = Path.of(3, 0, 1)
FIRMWARE_VERSION = Path.of(3, 0, 3)

RESULT_SUCCESS = 1
OCTET_STREAM = 42  # the Content-Format of an image


class UpdateState(IntEnum):
    IDLE = 0
    DOWNLOADING = 1
    DOWNLOADED = 2
    UPDATING = 3


PROTOCOL_NUMBERS: Mapping[str, int] = {
    "coap": 0,
    "coaps": 1,
    "http": 2,
    "https": 3,
    "coap+tcp": 4,
    "coaps+tcp": 5,
}
"""The URI schemes of a Package URI, with their Firmware Update Protocol Support numbers."""
DELIVERY_PULL, DELIVERY_PUSH, DELIVERY_BOTH = 0, 1, 2


@dataclass(frozen=True, slots=True)
class FirmwareReport:
    """State (/5/0/3) and Update Result (/5/0/5) as last reported; None while unknown."""

    state: int | None = None
    result: int | None = None

    def merged(self, values: Mapping[Path, Any]) -> FirmwareReport:
        """This report with whatever ``values`` (a read or notification) says."""
        state = _integer(values.get(STATE), self.state)
        return FirmwareReport(state, _integer(values.get(UPDATE_RESULT), self.result))


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the device says about how it takes an image; None where it says nothing."""

    protocols: frozenset[int] | None = None
    delivery: int | None = None

    @classmethod
    def read_from(cls, values: Mapping[Path, Any]) -> Capabilities:
        protocols = {
            value
            for path, value in values.items()
            if path.startswith(PROTOCOL_SUPPORT) and isinstance(value, int)
        }
        listed = any(path.startswith(PROTOCOL_SUPPORT) for path in values)
        return cls(
            frozenset(protocols) if listed else None,
            _integer(values.get(DELIVERY_METHOD), None),
        )

    @property
    def pulls(self) -> bool:
        return self.delivery != DELIVERY_PUSH

    @property
    def pushes(self) -> bool:
        return self.delivery != DELIVERY_PULL

    def downloads_over(self, scheme: str) -> bool:
        """Whether the device can fetch a ``scheme`` URI (assumed when it does not say)."""
        return self.protocols is None or PROTOCOL_NUMBERS.get(scheme) in self.protocols


def _integer(value: object, default: int | None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value
