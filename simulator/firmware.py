"""A firmware update (object 5) that goes through its states as a real device's does.

Writing a Package URI starts a download: the package is fetched from that URI block by
block (CoAP GET with Block2) in state 1 (Downloading), then the device enters state 2
(Downloaded). Writing the Package itself (a push, block-wise or not) lands in state 2 at
once. An empty URI or package resets to idle. Executing Update in state 2 moves to
updating (3) and, ``step`` seconds later, back to idle with Update Result 1 and a new
firmware version. Cancel (/5/x/10) stops a download with result 10. A device whose
Delivery Method (/5/x/9) is push only refuses a Package URI with result 9.

Tests steer it through attributes: ``stall_after`` (stop fetching after that many blocks
until :meth:`resume_download`), ``download_result`` and ``update_result`` (a failure to
report instead of going on), ``block_size_exponent`` (the Block2 size it asks for).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from custom_components.lwm2m.engine import Path

from .firmware_download import DownloadError, Fetch, download

FIRMWARE_OBJECT = 5
PACKAGE = 0
PACKAGE_URI = 1
UPDATE = 2
STATE = 3
UPDATE_RESULT = 5
PACKAGE_VERSION = 7
DELIVERY_METHOD = 9
CANCEL = 10
FIRMWARE_VERSION = Path.of(3, 0, 3)
FIRMWARE_INSTANCE = Path.of(FIRMWARE_OBJECT, 0)

IDLE, DOWNLOADING, DOWNLOADED, UPDATING = 0, 1, 2, 3
RESULT_INITIAL, RESULT_SUCCESS, RESULT_CONNECTION_LOST = 0, 1, 4
RESULT_UNSUPPORTED_PROTOCOL, RESULT_CANCELLED = 9, 10
PUSH_ONLY = 1


def next_version(version: str) -> str:
    """``1.0.3`` -> ``1.0.4``; a version without a number at the end gets ``.1``."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"


async def _no_fetch(message: Any) -> Any:
    raise DownloadError(RESULT_CONNECTION_LOST, "this device has no network to download with")


def _nothing() -> None:
    pass


class FirmwareUpdate:
    """Drives /5/x/3 (State) and /5/x/5 (Update Result) through a device's setter."""

    def __init__(
        self,
        value: Callable[[Path], Any],
        set_value: Callable[[Path, Any], None],
        step: float = 1.0,
        *,
        fetch: Fetch = _no_fetch,
        changed: Callable[[], None] = _nothing,
        keeps_version: bool = False,
    ) -> None:
        self._value = value
        self._keeps_version = keeps_version
        self._set = set_value
        self.step = step
        self._fetch = fetch
        self._changed = changed
        self.block_size_exponent = 6
        self.stall_after: int | None = None
        self.download_result: int | None = None
        self.update_result: int | None = None
        self.blocks_fetched = 0
        self.package = b""
        self._released = asyncio.Event()
        self._pending: asyncio.TimerHandle | None = None
        self._download: asyncio.Task[None] | None = None

    @property
    def stalled(self) -> bool:
        """Whether a download waits at ``stall_after`` blocks."""
        return (
            self._download is not None
            and self.stall_after is not None
            and self.blocks_fetched >= self.stall_after
            and not self._released.is_set()
        )

    def resume_download(self) -> None:
        """Let a stalled download fetch the rest."""
        self.stall_after = None
        self._released.set()

    def written(self, path: Path) -> None:
        if path.ids[0] != FIRMWARE_OBJECT or path.resource_id not in (PACKAGE, PACKAGE_URI):
            return
        instance = path.parent
        value = self._value(path)
        self._stop_work()
        if not value:
            self._enter(instance, IDLE, RESULT_INITIAL)
        elif path.resource_id == PACKAGE:
            self.package = bytes(value)
            self._downloaded(instance)
        elif self._value(instance.child(DELIVERY_METHOD)) == PUSH_ONLY:
            self._enter(instance, IDLE, RESULT_UNSUPPORTED_PROTOCOL)
        else:
            self._enter(instance, DOWNLOADING, RESULT_INITIAL)
            self.blocks_fetched = 0
            self._released = asyncio.Event()
            self._download = asyncio.get_running_loop().create_task(
                self._fetch_package(instance, str(value))
            )

    async def _fetch_package(self, instance: Path, uri: str) -> None:
        try:
            package = await download(self._fetch, uri, self.block_size_exponent, self._arrived)
        except DownloadError as error:
            self._download = None
            self._enter(instance, IDLE, error.result)
            return
        self._download = None
        self.package = package
        self._downloaded(instance)

    async def _arrived(self, count: int) -> None:
        self.blocks_fetched = count
        self._changed()
        if self.stall_after is not None and count >= self.stall_after:
            await self._released.wait()

    def _downloaded(self, instance: Path) -> None:
        if self.download_result is not None:
            self._enter(instance, IDLE, self.download_result)
        else:
            self._enter(instance, DOWNLOADED, RESULT_INITIAL)

    def executed(self, path: Path) -> None:
        if path.ids[0] != FIRMWARE_OBJECT:
            return
        instance = path.parent
        state = self._value(instance.child(STATE))
        if path.resource_id == CANCEL and state in (DOWNLOADING, DOWNLOADED):
            self._stop_work()
            self._enter(instance, IDLE, RESULT_CANCELLED)
        elif path.resource_id == UPDATE and state == DOWNLOADED:
            self._enter(instance, UPDATING, RESULT_INITIAL)
            self._later(lambda: self._finish(instance))

    def _finish(self, instance: Path) -> None:
        if self.update_result is not None:
            self._enter(instance, IDLE, self.update_result)
            return
        for path in (FIRMWARE_VERSION, instance.child(PACKAGE_VERSION)):
            version = self._value(path)
            if version is not None and not self._keeps_version:
                self._set(path, next_version(str(version)))
        self._enter(instance, IDLE, RESULT_SUCCESS)

    def power_cycle(self, result: int = RESULT_CONNECTION_LOST) -> None:
        """What a reboot does: a download in progress is lost (idle, with ``result``); an
        update in progress completes, as the device boots into the new firmware."""
        self._stop_work()
        state = self._value(FIRMWARE_INSTANCE.child(STATE))
        if state == DOWNLOADING:
            self._enter(FIRMWARE_INSTANCE, IDLE, result)
        elif state == UPDATING:
            self._finish(FIRMWARE_INSTANCE)

    def _enter(self, instance: Path, state: int, result: int) -> None:
        self._set(instance.child(STATE), state)
        self._set(instance.child(UPDATE_RESULT), result)

    def _later(self, action: Callable[[], None]) -> None:
        self._cancel_timer()

        def run() -> None:
            self._pending = None
            action()

        self._pending = asyncio.get_running_loop().call_later(self.step, run)

    def _cancel_timer(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _stop_work(self) -> None:
        self._cancel_timer()
        if self._download is not None:
            self._download.cancel()
            self._download = None

    def close(self) -> None:
        self._stop_work()
