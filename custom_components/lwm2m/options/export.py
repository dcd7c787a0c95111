"""Exporting the device protocols: the document, and writing it under the config directory."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from homeassistant.util import dt as dt_util

from ..device_protocols.file import export_document, export_text
from ..device_protocols.settings import DeviceProtocols
from ..engine import ObjectRegistry

EXPORT_FOLDER = "lwm2m"


def protocols_document(
    protocols: DeviceProtocols, object_registry: ObjectRegistry
) -> dict[str, Any]:
    """Every configured object's protocol, named after its definition when it is known."""

    def _name(object_id: int) -> str | None:
        obj = object_registry.get(object_id)
        return None if obj is None else obj.name

    return export_document(protocols, _name, dt_util.utcnow().isoformat(timespec="seconds"))


def export_file_name(moment: datetime) -> str:
    return f"device_protocols_{moment.strftime('%Y%m%d_%H%M%S')}.json"


def write_export(folder: Path, document: dict[str, Any], moment: datetime) -> Path:
    """Write the document as ``<folder>/device_protocols_<time>.json`` (blocking)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export_file_name(moment)
    path.write_text(export_text(document), encoding="utf-8")
    return path
