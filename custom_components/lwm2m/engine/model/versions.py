"""Object and LwM2M version numbers such as ``1.0`` or ``2.1``."""

from __future__ import annotations

import re
from functools import lru_cache

DEFAULT_VERSION = "1.0"

_VERSION = re.compile(r"(\d+)(?:\.(\d+))?", re.ASCII)


@lru_cache(maxsize=512)
def version_key(text: str) -> tuple[int, int]:
    """``"1.2"`` -> ``(1, 2)``; a bare major number means minor 0. Raises ValueError."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a version number: {text!r}")
    major, minor = match.groups()
    return int(major), int(minor or 0)


def normalize_version(text: str) -> str:
    """The canonical spelling of a version: ``" 1 "`` -> ``"1.0"``, ``"01.10"`` -> ``"1.10"``."""
    major, minor = version_key(text)
    return f"{major}.{minor}"
