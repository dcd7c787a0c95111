"""Anti-replay sliding window (RFC 6347 4.1.2.6)."""

from __future__ import annotations

WINDOW_SIZE = 64
_MASK = (1 << WINDOW_SIZE) - 1


class ReplayWindow:
    """Remembers the last 64 record sequence numbers accepted in one epoch."""

    __slots__ = ("_highest", "_seen")

    def __init__(self) -> None:
        self._highest = -1
        self._seen = 0  # bit n set: sequence number (highest - n) was accepted

    @property
    def highest(self) -> int:
        """The highest sequence number accepted so far (-1 before the first)."""
        return self._highest

    def is_fresh(self, sequence_number: int) -> bool:
        """False for a duplicate or for a record too old to tell."""
        if sequence_number > self._highest:
            return True
        behind = self._highest - sequence_number
        return behind < WINDOW_SIZE and not (self._seen >> behind) & 1

    def accept(self, sequence_number: int) -> None:
        """Mark a record as seen; call only after it authenticated."""
        if sequence_number > self._highest:
            shift = sequence_number - self._highest
            self._seen = ((self._seen << shift) | 1) & _MASK if shift < WINDOW_SIZE else 1
            self._highest = sequence_number
        else:
            self._seen |= 1 << (self._highest - sequence_number)
