"""Typed LwM2M values and measurement parsing."""

from __future__ import annotations

from typing import NamedTuple


class ObjectLink(NamedTuple):
    """An Objlnk value: a reference to an object instance (``3:0``)."""

    object_id: int
    instance_id: int

    def __str__(self) -> str:
        return f"{self.object_id}:{self.instance_id}"
