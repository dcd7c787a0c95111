"""LwM2M CBOR (content format 11544, LwM2M 1.2): nested maps keyed by path ids.

``{3: {0: {0: "Acme", 7: {0: 3800, 1: 5000}}}}``: keys are path ids from the object
down, always absolute whatever the request path; a key may also be an array of ids
standing for several levels at once (``{[3, 0]: {0: "Acme"}}``). Values take their CBOR
type: integers, floats, booleans, text (String, Corelnk, and Objlnk as ``"3:0"``), byte
strings (Opaque), and Time as tag 1 around integer seconds (a plain number decodes too).
An empty map at resource level is a multiple resource with no instances; ``null``
names a path without a value (composite requests) and ``decode`` skips it.

Encoding writes plain nested maps, one level per id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from cbor2 import CBORTag

from ..model.types import ObjectLookup, ResourceType
from ..path import MAX_ID, Path
from .base import CodecError
from .conversion import decode_value, type_name, value_type
from .documents import dump_cbor, load_cbor
from .entries import Entry, check_decoded_path, prepare

_EPOCH_TIME_TAG = 1
_MAX_DEPTH = 4
_PRIMITIVES = (bool, int, float, str, bytes, datetime)


# --- walking a document ---------------------------------------------------------------


def _key_ids(key: object) -> tuple[int, ...]:
    ids = key if isinstance(key, tuple) else (key,)
    if not ids:
        raise CodecError("an LwM2M CBOR path key array is empty")
    for part in ids:
        if type(part) is not int or not 0 <= part <= MAX_ID:
            raise CodecError(f"LwM2M CBOR keys are ids in 0..{MAX_ID}, got {type_name(part)}")
    return ids


def _leaves(node: object, prefix: tuple[int, ...] = ()) -> Iterator[tuple[Path, object]]:
    """(path, leaf) for every non-map value, and for every empty map, in document order."""
    if not isinstance(node, dict):
        raise CodecError(f"LwM2M CBOR needs a map, got {type_name(node)}")
    for key, value in node.items():
        ids = prefix + _key_ids(key)
        if len(ids) > _MAX_DEPTH:
            raise CodecError("an LwM2M CBOR path has more than four ids")
        if isinstance(value, dict) and value:
            yield from _leaves(value, ids)
        else:
            yield Path(ids), value


def _unique(leaves: Iterable[tuple[Path, object]]) -> Iterator[tuple[Path, object]]:
    seen: set[Path] = set()
    for path, leaf in leaves:
        if path in seen:
            raise CodecError(f"{path} appears twice")
        seen.add(path)
        yield path, leaf


def decode(path: Path, payload: bytes, model: ObjectLookup | None) -> dict[Path, Any]:
    result: dict[Path, Any] = {}
    for leaf_path, leaf in _unique(_leaves(load_cbor(payload))):
        if leaf is None:
            continue
        if isinstance(leaf, dict):
            if leaf_path.is_resource_instance:
                raise CodecError(f"{leaf_path}: a resource instance holds a value, not a map")
            if leaf_path.is_resource:
                check_decoded_path(path, leaf_path)
                result[leaf_path] = []
            continue
        check_decoded_path(path, leaf_path)
        if not isinstance(leaf, _PRIMITIVES):
            raise CodecError(f"{leaf_path}: unsupported LwM2M CBOR value {type_name(leaf)}")
        result[leaf_path] = decode_value(value_type(model, leaf_path), leaf, leaf_path)
    return result


def decode_paths(payload: bytes) -> list[Path]:
    paths: list[Path] = []
    for path, leaf in _unique(_leaves(load_cbor(payload))):
        if leaf is not None:
            raise CodecError(f"{path}: a path list carries null, not values")
        paths.append(path)
    return paths


# --- writing a document ---------------------------------------------------------------


def _wire(entry: Entry) -> object:
    if entry.type is ResourceType.TIME:
        return CBORTag(_EPOCH_TIME_TAG, entry.value)
    if entry.type is ResourceType.OBJLNK:
        return str(entry.value)
    return entry.value


def _insert(tree: dict[int, Any], ids: tuple[int, ...], leaf: object) -> None:
    node = tree
    for part in ids[:-1]:
        node = node.setdefault(part, {})
    node[ids[-1]] = leaf


def encode(path: Path, values: Mapping[Path, Any], model: ObjectLookup | None) -> bytes:
    tree: dict[int, Any] = {}
    for resource in prepare(path, values, model):
        if resource.multiple:
            _insert(tree, resource.path.ids, {})
        for entry in resource.entries:
            _insert(tree, entry.path.ids, _wire(entry))
    return dump_cbor(tree)


def encode_paths(paths: Iterable[Path]) -> bytes:
    """A map with ``null`` at each path; a path inside another listed path is left out."""
    wanted = sorted(set(_checked_paths(paths)))
    tree: dict[int, Any] = {}
    kept: list[Path] = []
    for path in wanted:
        if any(path.startswith(ancestor) for ancestor in kept):
            continue
        kept.append(path)
        _insert(tree, path.ids, None)
    return dump_cbor(tree)


def _checked_paths(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if not isinstance(path, Path):
            raise CodecError(f"expected Path objects, got {type_name(path)}")
        if path.is_root:
            raise CodecError("LwM2M CBOR cannot name the root path")
        yield path
