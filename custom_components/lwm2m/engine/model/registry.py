"""ObjectRegistry: the object definitions an LwM2M server knows, by id and version."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from types import MappingProxyType

from .bundle import BUNDLE_FILE, load_bundle
from .ddf import parse_ddf
from .types import ObjectDef
from .versions import normalize_version, version_key

_Layer = dict[int, dict[str, ObjectDef]]
_FrozenLayer = Mapping[int, Mapping[str, ObjectDef]]
_NONE: Mapping[str, ObjectDef] = MappingProxyType({})


def _put(layer: _Layer, obj: ObjectDef) -> None:
    layer.setdefault(obj.id, {})[normalize_version(obj.version)] = obj


def _layer(objects: Iterable[ObjectDef]) -> _Layer:
    layer: _Layer = {}
    for obj in objects:
        _put(layer, obj)
    return layer


@cache
def _bundled_layer() -> _FrozenLayer:
    """The bundled OMA object model, read from disk once per process and never modified."""
    layer = _layer(load_bundle(BUNDLE_FILE.read_bytes()))
    return MappingProxyType({key: MappingProxyType(versions) for key, versions in layer.items()})


def _newest(versions: Mapping[str, ObjectDef]) -> ObjectDef:
    if len(versions) == 1:
        return next(iter(versions.values()))
    return versions[max(versions, key=version_key)]


class ObjectRegistry:
    """Object definitions keyed by (object id, version).

    Definitions come in two layers: bundled ones (the OMA registry shipped with the
    integration) and user ones (DDFs a user imported). A user definition of the same
    id and version shadows the bundled one, and when no version is asked for, the newest
    user version wins over any bundled version.
    """

    def __init__(self, bundled: Iterable[ObjectDef] = ()) -> None:
        self._bundled: _FrozenLayer = _layer(bundled)
        self._user: _Layer = {}

    @classmethod
    def default(cls) -> ObjectRegistry:
        """A new registry holding the bundled model; its definitions are shared, immutable."""
        registry = cls()
        registry._bundled = _bundled_layer()
        return registry

    def add(self, obj: ObjectDef) -> None:
        """Add a user definition, replacing any definition of the same id and version."""
        _put(self._user, obj)

    def add_ddf(self, data: bytes) -> list[ObjectDef]:
        """Import a DDF document as user definitions; returns them. Raises DDFError."""
        objects = parse_ddf(data)
        for obj in objects:
            self.add(obj)
        return objects

    def get(self, object_id: int, version: str | None = None) -> ObjectDef | None:
        """That exact version, or with no version the preferred one; None if unknown."""
        user = self._user.get(object_id, _NONE)
        bundled = self._bundled.get(object_id, _NONE)
        if version is None:
            if user:
                return _newest(user)
            return _newest(bundled) if bundled else None
        try:
            version = normalize_version(version)
        except ValueError:
            return None
        return user.get(version) or bundled.get(version)

    def objects(self) -> Iterator[ObjectDef]:
        """Every definition in effect, by id then version (user ones shadowing bundled)."""
        for object_id in sorted(self._bundled.keys() | self._user.keys()):
            versions = {**self._bundled.get(object_id, _NONE), **self._user.get(object_id, _NONE)}
            for version in sorted(versions, key=version_key):
                yield versions[version]

    def user_objects(self) -> list[ObjectDef]:
        """The user definitions, by id then version: what the caller should persist."""
        return [
            layer[version]
            for _, layer in sorted(self._user.items())
            for version in sorted(layer, key=version_key)
        ]
