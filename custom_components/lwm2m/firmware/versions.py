"""Ordering firmware versions: numbers compare as numbers, the rest as text.

A version is split into runs of digits and runs of other characters, separators
(``.``, ``-``, ``_``, ``+``, blanks) dropped: ``1.10.0`` is (1, 10, 0), ``v2.0-rc1`` is
("v", 2, 0, "rc", 1). Runs compare pairwise, a number above any text at the same place
(so ``1.0.1`` is newer than ``1.0.beta``); when one version is the other with more runs
after it, the longer one is newer (``1.0.1`` over ``1.0``), except that a text run right
after the common part marks a pre-release (``2.0`` over ``2.0-rc1``). Versions whose runs
compare equal (``1.0`` and ``1-0``) are ordered by their plain text, so the order is total.
"""

from __future__ import annotations

import re

_RUN = re.compile(r"\d+|[^\d.\-_+\s]+")
_TEXT, _NUMBER = 0, 1

Run = tuple[int, int] | tuple[int, str]


def _runs(version: str) -> list[Run]:
    """(1, number) or (0, lower-case text): a number sorts above text at the same place."""
    return [
        (_NUMBER, int(run)) if run.isdigit() else (_TEXT, run.lower())
        for run in _RUN.findall(version.strip())
    ]


def compare_versions(first: str, second: str) -> int:
    """-1, 0 or 1 as ``first`` is older than, the same as or newer than ``second``."""
    left, right = _runs(first), _runs(second)
    for mine, theirs in zip(left, right, strict=False):
        if mine != theirs:
            return -1 if mine < theirs else 1
    if len(left) != len(right):
        longer, sign = (left, 1) if len(left) > len(right) else (right, -1)
        kind, _value = longer[min(len(left), len(right))]
        return -sign if kind == _TEXT else sign
    if first == second:
        return 0
    return -1 if first < second else 1


def is_newer(candidate: str, current: str) -> bool:
    return compare_versions(candidate, current) > 0
