"""The base of every engine event, and who hears them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LwM2MEvent:
    """Base of every engine event: it always names the endpoint."""

    endpoint: str


Listener = Callable[[LwM2MEvent], None]


class EventListeners:
    """Callbacks for every event; one that raises is logged and the rest still hear it."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._listeners: list[Listener] = []

    def add(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns a function that removes it."""
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def emit(self, event: LwM2MEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                self._logger.exception("listener %r failed on %s", listener, type(event).__name__)
