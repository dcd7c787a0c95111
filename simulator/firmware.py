"""A firmware update (object 5) that goes through its states as a real device's does.

Writing a Package URI starts a download that completes after ``step`` seconds (state 1,
then 2); writing the Package itself lands in state 2 at once; an empty URI or package
resets to idle. Executing Update in state 2 moves to updating (3) and, ``step`` seconds
later, back to idle with Update Result 1 and a new firmware version.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from custom_components.lwm2m.engine.path import Path

FIRMWARE_OBJECT = 5
PACKAGE = 0
PACKAGE_URI = 1
UPDATE = 2
STATE = 3
UPDATE_RESULT = 5
PACKAGE_VERSION = 7
FIRMWARE_VERSION = Path.of(3, 0, 3)

IDLE, DOWNLOADING, DOWNLOADED, UPDATING = 0, 1, 2, 3
RESULT_INITIAL, RESULT_SUCCESS = 0, 1


def next_version(version: str) -> str:
    """``1.0.3`` -> ``1.0.4``; a version without a number at the end gets ``.1``."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"


class FirmwareUpdate:
    """Drives /5/x/3 (State) and /5/x/5 (Update Result) through a device's setter."""

    def __init__(
        self,
        value: Callable[[Path], Any],
        set_value: Callable[[Path, Any], None],
        step: float = 1.0,
    ) -> None:
        self._value = value
        self._set = set_value
        self.step = step
        self._pending: asyncio.TimerHandle | None = None

    def written(self, path: Path) -> None:
        if path.ids[0] != FIRMWARE_OBJECT or path.resource_id not in (PACKAGE, PACKAGE_URI):
            return
        instance = path.parent
        if not self._value(path):
            self._cancel()
            self._enter(instance, IDLE, RESULT_INITIAL)
        elif path.resource_id == PACKAGE:
            self._enter(instance, DOWNLOADED, RESULT_INITIAL)
        else:
            self._enter(instance, DOWNLOADING, RESULT_INITIAL)
            self._later(lambda: self._enter(instance, DOWNLOADED, RESULT_INITIAL))

    def executed(self, path: Path) -> None:
        if path.ids[0] != FIRMWARE_OBJECT or path.resource_id != UPDATE:
            return
        instance = path.parent
        if self._value(instance.child(STATE)) != DOWNLOADED:
            return
        self._enter(instance, UPDATING, RESULT_INITIAL)
        self._later(lambda: self._finish(instance))

    def _finish(self, instance: Path) -> None:
        version = next_version(str(self._value(FIRMWARE_VERSION)))
        self._set(FIRMWARE_VERSION, version)
        self._set(instance.child(PACKAGE_VERSION), version)
        self._enter(instance, IDLE, RESULT_SUCCESS)

    def _enter(self, instance: Path, state: int, result: int) -> None:
        self._set(instance.child(STATE), state)
        self._set(instance.child(UPDATE_RESULT), result)

    def _later(self, action: Callable[[], None]) -> None:
        self._cancel()

        def run() -> None:
            self._pending = None
            action()

        self._pending = asyncio.get_running_loop().call_later(self.step, run)

    def _cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def close(self) -> None:
        self._cancel()
