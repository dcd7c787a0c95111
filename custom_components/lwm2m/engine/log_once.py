"""Logging each kind of peer misbehaviour once at WARNING, then at DEBUG.

A misbehaving or hostile peer can send thousands of bad packets; an operator needs to
learn that it happens, not read every instance.
"""

from __future__ import annotations

import logging
from typing import Any


class LogOnce:
    """Log a message of a given kind at ``level`` the first time, at DEBUG afterwards."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._seen: set[str] = set()

    def __call__(self, kind: str, message: str, *args: Any, level: int = logging.WARNING) -> None:
        if kind in self._seen:
            self._logger.debug(message, *args)
            return
        self._seen.add(kind)
        self._logger.log(level, message, *args)

    def seen(self, kind: str) -> bool:
        return kind in self._seen


class OncePerKindFilter(logging.Filter):
    """A logger filter that demotes repeated warnings of the same template to DEBUG.

    A record's kind is its logger name and unformatted message, so each distinct
    complaint of a library (a malformed datagram, an unmatched reply, ...) is shown once.
    """

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[tuple[str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or record.levelno >= logging.ERROR:
            return True
        kind = (record.name, str(record.msg))
        if kind not in self._seen:
            self._seen.add(kind)
            return True
        record.levelno = logging.DEBUG
        record.levelname = logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
