"""The object registry: the bundled OMA model plus the DDFs the user imported."""

from __future__ import annotations

from collections.abc import Iterable

from .const import LOGGER
from .engine import DDFError, ObjectRegistry
from .storage import StoredDDF


def build_registry(ddfs: Iterable[StoredDDF]) -> ObjectRegistry:
    """Blocking (reads the bundled model, parses XML): run it in the executor."""
    object_registry = ObjectRegistry.default()
    for ddf in ddfs:
        try:
            object_registry.add_ddf(ddf.content)
        except DDFError as err:
            LOGGER.error("Stored object definition %s no longer parses: %s", ddf.file_name, err)
    return object_registry
