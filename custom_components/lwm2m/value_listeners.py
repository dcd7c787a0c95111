"""Who wants to hear when which resource of which device changes.

A notification usually changes one resource of a device that has dozens of entities;
telling only the entities that watch a changed path (each once, however many of its
paths changed) keeps the cost of a notification independent of the device's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Set

from homeassistant.core import CALLBACK_TYPE

from .engine import Path

ValuesChanged = Callable[[set[Path]], None]


class ValueListeners:
    """Callbacks per device and resource path."""

    def __init__(self) -> None:
        self._by_endpoint: dict[str, dict[Path, list[ValuesChanged]]] = defaultdict(dict)

    def listen(
        self, endpoint: str, paths: Iterable[Path], listener: ValuesChanged
    ) -> CALLBACK_TYPE:
        """Call ``listener`` with the changed paths whenever one of ``paths`` changes."""
        watched = paths if isinstance(paths, frozenset) else frozenset(paths)
        by_path = self._by_endpoint[endpoint]
        for path in watched:
            by_path.setdefault(path, []).append(listener)

        def forget() -> None:
            for path in watched:
                listeners = by_path.get(path)
                if listeners is not None and listener in listeners:
                    listeners.remove(listener)
                    if not listeners:
                        del by_path[path]
            if not by_path and self._by_endpoint.get(endpoint) is by_path:
                del self._by_endpoint[endpoint]

        return forget

    def notify(self, endpoint: str, changed: Set[Path]) -> None:
        by_path = self._by_endpoint.get(endpoint)
        if not by_path:
            return
        told: list[ValuesChanged] = []
        for path in changed:
            for listener in by_path.get(path, ()):
                if listener not in told:
                    told.append(listener)
        paths = set(changed)
        for listener in told:
            listener(paths)
