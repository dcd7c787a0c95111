"""Opaque (content format 42): the raw bytes of one Opaque resource or resource instance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model.types import ObjectLookup, ResourceType
from ..path import Path
from .base import CodecError
from .conversion import value_type
from .entries import entries_of, prepare


def _check_target(path: Path, model: ObjectLookup | None) -> None:
    if len(path) < 3:
        raise CodecError(f"{path}: opaque carries a single resource or resource instance")
    declared = value_type(model, path)
    if declared not in (None, ResourceType.OPAQUE):
        raise CodecError(f"{path}: opaque carries Opaque values, not {declared}")


def decode(path: Path, payload: bytes, model: ObjectLookup | None) -> dict[Path, Any]:
    _check_target(path, model)
    return {path: bytes(payload)}


def encode(path: Path, values: Mapping[Path, Any], model: ObjectLookup | None) -> bytes:
    _check_target(path, model)
    entries = entries_of(prepare(path, values, model))
    if len(entries) != 1 or entries[0].path != path:
        raise CodecError(f"{path}: opaque carries exactly one value, at the request path")
    value = entries[0].value
    if not isinstance(value, bytes):
        raise CodecError(f"{path}: opaque carries bytes, got {type(value).__name__}")
    return value
