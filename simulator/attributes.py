"""Notification attributes (Write-Attributes): pmin, pmax, gt, lt, st, epmin, epmax.

The server attaches them to an object, an instance, a resource or a resource instance
with a PUT that has a query and no payload (``?pmin=10&gt=25.5``; a bare name removes
the attribute). An observation takes the attributes of its path and of the levels above
it, the nearest winning, with pmin and pmax falling back to the Server object's defaults.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from custom_components.lwm2m.engine import Path

INTEGER_ATTRIBUTES = frozenset({"pmin", "pmax", "epmin", "epmax"})
NUMBER_ATTRIBUTES = frozenset({"gt", "lt", "st"})
ATTRIBUTE_NAMES = INTEGER_ATTRIBUTES | NUMBER_ATTRIBUTES

AttributeValue = int | float


class AttributeSyntaxError(ValueError):
    """A Write-Attributes query the device refuses (answered with 4.00)."""


def parse_write_attributes(query: Iterable[str]) -> dict[str, AttributeValue | None]:
    """``["pmin=10", "gt=25.5", "st"]`` -> ``{"pmin": 10, "gt": 25.5, "st": None}``."""
    changes: dict[str, AttributeValue | None] = {}
    for item in query:
        name, has_value, text = item.partition("=")
        if name not in ATTRIBUTE_NAMES:
            raise AttributeSyntaxError(f"unknown attribute {name!r}")
        if not has_value:
            changes[name] = None
        elif name in INTEGER_ATTRIBUTES:
            if not text.isascii() or not text.isdigit():
                raise AttributeSyntaxError(f"{name} must be a non-negative integer")
            changes[name] = int(text)
        else:
            try:
                number = float(text)
            except ValueError:
                raise AttributeSyntaxError(f"{name} must be a number") from None
            if not math.isfinite(number):
                raise AttributeSyntaxError(f"{name} must be finite")
            changes[name] = number
    return changes


@dataclass(frozen=True, slots=True)
class Attributes:
    """The attributes in effect for one observation."""

    pmin: int = 0
    pmax: int | None = None
    gt: float | None = None
    lt: float | None = None
    st: float | None = None
    epmin: int | None = None
    epmax: int | None = None

    @property
    def has_conditions(self) -> bool:
        """Whether gt, lt or st decide which changes are worth a notification."""
        return self.gt is not None or self.lt is not None or self.st is not None

    @property
    def period(self) -> int | None:
        """pmax when it means anything: it is ignored when it is not above pmin."""
        if self.pmax is None or self.pmax <= 0 or self.pmax < self.pmin:
            return None
        return self.pmax

    def worth_notifying(self, previous: float, current: float) -> bool:
        """Whether a change from the last notified value passes gt, lt and st."""
        if not self.has_conditions:
            return previous != current
        if self.st is not None and abs(current - previous) >= self.st:
            return True
        for threshold in (self.gt, self.lt):
            if threshold is not None and (previous > threshold) != (current > threshold):
                return True
        return False


class AttributeStore:
    """The attributes attached to each path of one device."""

    def __init__(self) -> None:
        self._attached: dict[Path, dict[str, AttributeValue]] = {}
        # effective() is asked on every notification; attributes change rarely
        self._effective: dict[tuple[Path, int, int | None], Attributes] = {}

    def attached(self, path: Path) -> dict[str, AttributeValue]:
        return dict(self._attached.get(path, {}))

    def write(self, path: Path, changes: dict[str, AttributeValue | None]) -> None:
        """Apply a Write-Attributes; refuses a result where lt + 2*st >= gt, or gt <= lt."""
        attached = dict(self._attached.get(path, {}))
        for name, value in changes.items():
            if value is None:
                attached.pop(name, None)
            else:
                attached[name] = value
        _check_thresholds(attached)
        self._effective.clear()
        if attached:
            self._attached[path] = attached
        else:
            self._attached.pop(path, None)

    def forget(self, path: Path) -> None:
        """Drop the attributes at and below ``path`` (its instance was deleted)."""
        self._effective.clear()
        for attached_path in [p for p in self._attached if p.startswith(path)]:
            del self._attached[attached_path]

    def effective(self, path: Path, default_pmin: int, default_pmax: int | None) -> Attributes:
        key = (path, default_pmin, default_pmax)
        known = self._effective.get(key)
        if known is None:
            known = self._effective[key] = self._merge(path, default_pmin, default_pmax)
        return known

    def _merge(self, path: Path, default_pmin: int, default_pmax: int | None) -> Attributes:
        merged: dict[str, AttributeValue] = {}
        for depth in range(1, len(path) + 1):
            merged.update(self._attached.get(Path(path.ids[:depth]), {}))
        pmin = merged.get("pmin", default_pmin)
        pmax = merged.get("pmax", default_pmax)
        return Attributes(
            pmin=int(pmin),
            pmax=None if pmax is None else int(pmax),
            gt=_number(merged, "gt"),
            lt=_number(merged, "lt"),
            st=_number(merged, "st"),
            epmin=_integer(merged, "epmin"),
            epmax=_integer(merged, "epmax"),
        )


def _number(values: dict[str, AttributeValue], name: str) -> float | None:
    value = values.get(name)
    return None if value is None else float(value)


def _integer(values: dict[str, AttributeValue], name: str) -> int | None:
    value = values.get(name)
    return None if value is None else int(value)


def _check_thresholds(attached: dict[str, AttributeValue]) -> None:
    gt, lt, st = attached.get("gt"), attached.get("lt"), attached.get("st")
    if st is not None and st < 0:
        raise AttributeSyntaxError("st must not be negative")
    if gt is not None and lt is not None:
        if lt >= gt:
            raise AttributeSyntaxError("lt must be below gt")
        if st is not None and lt + 2 * st >= gt:
            raise AttributeSyntaxError("lt + 2*st must be below gt")
