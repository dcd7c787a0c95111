"""Record names of the JSON-family formats (SenML, LwM2M JSON): base name + name.

A record's path is its base name and its name joined as strings, so both
``bn="/3/0/", n="0"`` and ``bn="/3/0", n="/0"`` name ``/3/0/0``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..path import Path
from .base import CodecError
from .conversion import short_repr


def resolve_name(base_name: str | None, name: str | None) -> Path:
    if base_name is None and name is None:
        raise CodecError("a record has neither a base name nor a name")
    full = (base_name or "") + (name or "")
    try:
        return Path.parse(full)
    except ValueError:
        raise CodecError(f"record name {short_repr(full)} is not an LwM2M path") from None


def base_and_names(request: Path, paths: Sequence[Path]) -> tuple[str | None, list[str | None]]:
    """The base name and the record names to write ``paths`` under ``request``.

    The base name is the request path with a trailing slash (``/3/0/`` + ``7/1``); values
    at the request path itself are named by the base name alone.
    """
    if paths and all(path == request for path in paths):
        return str(request), [None] * len(paths)
    if request.is_root:
        return None, [str(path) for path in paths]
    depth = len(request)
    names: list[str | None] = ["/".join(str(i) for i in path.ids[depth:]) or None for path in paths]
    return f"{request}/", names


def resolve_time(base_time: float | None, time: float | None) -> float | None:
    if base_time is None and time is None:
        return None
    return (base_time or 0) + (time or 0)
