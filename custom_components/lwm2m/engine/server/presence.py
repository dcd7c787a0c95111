"""Awake windows of queue-mode devices: awake after each uplink, asleep after a while."""

from __future__ import annotations

from collections.abc import Callable

from ..clock import Clock, Timer

DEFAULT_AWAKE_WINDOW = 93.0


class Presence:
    """Tracks which queue-mode endpoints are awake; ``on_change(endpoint, awake)``."""

    def __init__(self, clock: Clock, window: float, on_change: Callable[[str, bool], None]) -> None:
        self._clock = clock
        self._window = window
        self._on_change = on_change
        self._timers: dict[str, Timer] = {}

    def is_awake(self, endpoint: str) -> bool:
        return endpoint in self._timers

    def uplink(self, endpoint: str, *, announce: bool = True) -> None:
        """The device sent something: it is awake for the next window."""
        timer = self._timers.pop(endpoint, None)
        if timer is not None:
            timer.cancel()
        self._timers[endpoint] = self._clock.call_later(self._window, lambda: self.asleep(endpoint))
        if timer is None and announce:
            self._on_change(endpoint, True)

    def asleep(self, endpoint: str) -> None:
        """The window closed or a request went unanswered."""
        timer = self._timers.pop(endpoint, None)
        if timer is not None:
            timer.cancel()
            self._on_change(endpoint, False)

    def forget(self, endpoint: str) -> None:
        timer = self._timers.pop(endpoint, None)
        if timer is not None:
            timer.cancel()

    def forget_all(self) -> None:
        for endpoint in list(self._timers):
            self.forget(endpoint)
