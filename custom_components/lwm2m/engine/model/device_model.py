"""The object model as one device sees it: the object versions it registered with."""

from __future__ import annotations

from collections.abc import Callable

from .types import ObjectDef, ObjectLookup


class DeviceModel:
    """An ``ObjectLookup`` that prefers the object version the device announced.

    Answers are remembered: a device model lives as long as the links and observations
    made for one registration, and every notification asks again for the same objects.
    """

    def __init__(self, model: ObjectLookup, announced: Callable[[int], str | None]) -> None:
        self._model = model
        self._announced = announced
        self._found: dict[tuple[int, str | None], ObjectDef | None] = {}

    def get(self, object_id: int, version: str | None = None) -> ObjectDef | None:
        key = (object_id, version)
        try:
            return self._found[key]
        except KeyError:
            found = self._found[key] = self._lookup(object_id, version)
            return found

    def _lookup(self, object_id: int, version: str | None) -> ObjectDef | None:
        version = version or self._announced(object_id)
        if version is not None:
            found = self._model.get(object_id, version)
            if found is not None:
                return found
        return self._model.get(object_id)
