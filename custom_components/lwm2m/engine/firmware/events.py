"""How each firmware update goes: the events the updater emits through its server."""

from __future__ import annotations

from dataclasses import dataclass

from ..events import LwM2MEvent
from .status import FirmwareStatus


@dataclass(frozen=True, slots=True)
class FirmwareProgress(LwM2MEvent):
    """A firmware update moved on: its phase or delivery method changed, or its progress
    reached another whole percent."""

    status: FirmwareStatus


@dataclass(frozen=True, slots=True)
class FirmwareUpdateFinished(LwM2MEvent):
    """A firmware update ended: ``status.phase`` is succeeded or failed, and then
    ``status.error`` says why."""

    status: FirmwareStatus
