"""The object model as one device sees it: the object versions it registered with."""

from __future__ import annotations

from collections.abc import Callable

from .model.types import ObjectDef, ObjectLookup


class DeviceModel:
    """An ``ObjectLookup`` that prefers the object version the device announced."""

    def __init__(self, model: ObjectLookup, announced: Callable[[int], str | None]) -> None:
        self._model = model
        self._announced = announced

    def get(self, object_id: int, version: str | None = None) -> ObjectDef | None:
        version = version or self._announced(object_id)
        if version is not None:
            found = self._model.get(object_id, version)
            if found is not None:
                return found
        return self._model.get(object_id)
