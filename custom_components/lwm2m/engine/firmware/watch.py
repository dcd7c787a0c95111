"""Following a device's firmware State and Update Result while an update runs.

Both resources are observed, unless an observation the server keeps covers them
already (then it is left alone, and not cancelled afterwards either). When the device
refuses to observe them, they are read every ``poll_interval`` seconds instead.
Notifications of any observation covering them are fed in through :meth:`notified`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..clock import Clock, Timer
from ..errors import LwM2MError
from ..path import Path
from .device_object import FIRMWARE, STATE, UPDATE_RESULT, FirmwareReport

if TYPE_CHECKING:
    from ..server.lwm2m_server import LwM2MServer

_LOGGER = logging.getLogger(__name__)
WATCHED = (STATE, UPDATE_RESULT)


class FirmwareWatch:
    """Calls ``report(FirmwareReport)`` whenever the device says something new about
    either resource."""

    def __init__(
        self,
        server: LwM2MServer,
        endpoint: str,
        clock: Clock,
        poll_interval: float,
        report: Callable[[FirmwareReport], None],
    ) -> None:
        self._server = server
        self._endpoint = endpoint
        self._clock = clock
        self._poll_interval = poll_interval
        self._report = report
        self.latest = FirmwareReport()
        self._observing: list[Path] = []
        self._poll_timer: Timer | None = None
        self._polling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        for path in WATCHED:
            if self._server.is_observed(self._endpoint, path):
                continue
            try:
                observation = await self._server.observe(self._endpoint, path)
            except LwM2MError as error:
                _LOGGER.debug("%s: cannot observe %s (%s); polling", self._endpoint, path, error)
                self._start_polling()
                continue
            self._observing.append(path)
            if not observation.token:  # answered, but not as an observation
                self._start_polling()

    def notified(self, values: Mapping[Path, Any]) -> None:
        if STATE not in values and UPDATE_RESULT not in values:
            return
        self.latest = self.latest.merged(values)
        self._report(self.latest)

    async def refresh(self) -> FirmwareReport | None:
        """Read both resources now; the fresh report, or None when the read failed."""
        try:
            values = await self._server.read(self._endpoint, FIRMWARE)
        except LwM2MError as error:
            _LOGGER.debug("%s: reading %s failed: %s", self._endpoint, FIRMWARE, error)
            return None
        self.latest = self.latest.merged(values)
        return self.latest

    def _start_polling(self) -> None:
        if self._poll_timer is None:
            self._poll_timer = self._clock.call_later(self._poll_interval, self._poll)

    def _poll(self) -> None:
        self._poll_timer = None
        self._polling = asyncio.get_running_loop().create_task(self._poll_once())

    async def _poll_once(self) -> None:
        report = await self.refresh()
        self._polling = None
        if report is not None:
            self._report(report)
        self._start_polling()

    async def stop(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.cancel()
            self._poll_timer = None
        if self._polling is not None:
            self._polling.cancel()
            self._polling = None
        observing, self._observing = self._observing, []
        for path in observing:
            await self._server.cancel_observation(self._endpoint, path)  # passive: no I/O
