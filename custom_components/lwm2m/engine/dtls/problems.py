"""Rate-limited logging of protocol problems, one budget per kind of problem.

Messages name the kind and the peer address only: never a PSK, a PSK identity
or decrypted data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum


class Problem(StrEnum):
    BAD_COOKIE = "bad cookie"
    DECRYPT_FAILED = "record failed to decrypt"
    AUTHENTICATION_FAILED = "handshake failed: unknown PSK identity or wrong key"
    MALFORMED = "malformed record or handshake message"
    NEGOTIATION_FAILED = "no acceptable cipher suite or parameters"
    TABLE_FULL = "table full, oldest entry evicted"
    SESSION_TABLE_FULL = "session table full, a new session was refused"
    ADDRESS_LIMIT = "too many sessions or handshakes from one address, a new one was refused"
    HANDSHAKE_TIMEOUT = "handshake timed out"
    STORE_FAILED = "PSK store lookup raised"


_LEVELS = {
    Problem.AUTHENTICATION_FAILED: logging.WARNING,
    Problem.TABLE_FULL: logging.WARNING,
    Problem.SESSION_TABLE_FULL: logging.WARNING,
    Problem.ADDRESS_LIMIT: logging.WARNING,
    Problem.STORE_FAILED: logging.WARNING,
}


class ProblemLog:
    """The first report of a kind is logged at INFO or WARNING; later ones at DEBUG.

    After ``interval`` seconds a kind may be logged loudly again, together with
    how many reports of it went to DEBUG in between.
    """

    __slots__ = ("_clock", "_interval", "_last_loud", "_logger", "_quiet_since")

    def __init__(
        self, logger: logging.Logger, clock: Callable[[], float], interval: float = 600.0
    ) -> None:
        self._logger = logger
        self._clock = clock
        self._interval = interval
        self._last_loud: dict[Problem, float] = {}
        self._quiet_since: dict[Problem, int] = {}

    def report(self, problem: Problem, peer: object = None) -> None:
        now = self._clock()
        last = self._last_loud.get(problem)
        where = f" from {_host_port(peer)}" if peer is not None else ""
        if last is None or now - last >= self._interval:
            quiet = self._quiet_since.pop(problem, 0)
            self._last_loud[problem] = now
            suffix = f" ({quiet} more since, logged at debug level)" if quiet else ""
            self._logger.log(
                _LEVELS.get(problem, logging.INFO), "DTLS: %s%s%s", problem.value, where, suffix
            )
            return
        self._quiet_since[problem] = self._quiet_since.get(problem, 0) + 1
        self._logger.debug("DTLS: %s%s", problem.value, where)


def _host_port(peer: object) -> str:
    if isinstance(peer, tuple) and len(peer) >= 2:
        host, port = peer[0], peer[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return "?"
