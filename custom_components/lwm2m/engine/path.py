"""LwM2M paths: /object/instance/resource/resource-instance."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import total_ordering
from typing import Self

MAX_ID = 65535
_LEVELS = ("object", "instance", "resource", "resource instance")


@total_ordering
@dataclass(frozen=True, slots=True)
class Path:
    """An LwM2M path of zero to four 16-bit ids; the root path has none."""

    ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        ids = self.ids
        if len(ids) <= 4 and all(type(value) is int and 0 <= value <= MAX_ID for value in ids):
            return
        self._explain_invalid()

    def _explain_invalid(self) -> None:
        if len(self.ids) > len(_LEVELS):
            raise ValueError(f"an LwM2M path has at most 4 levels, got {len(self.ids)}")
        for level, value in zip(_LEVELS, self.ids, strict=False):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{level} id must be an integer, got {value!r}")
            if not 0 <= value <= MAX_ID:
                raise ValueError(f"{level} id {value} is outside 0..{MAX_ID}")

    @classmethod
    def of(cls, *ids: int) -> Self:
        """Build a path from its ids: ``Path.of(3, 0, 1)``."""
        return cls(tuple(ids))

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse ``/3/0/1`` (a trailing slash is tolerated; ``/`` is the root).

        Paths already parsed come from a table: every device of a fleet names the same
        few hundred paths, in every request and notification.
        """
        if type(text) is str and cls is Path:
            found = _PARSED.get(text)
            if found is None:
                found = _remember(_PARSED, text, _shared(cls._parse(text).ids))
            return found  # type: ignore[return-value]
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> Self:
        if not isinstance(text, str):
            raise ValueError(f"path must be a string, got {type(text).__name__}")
        if not text.startswith("/"):
            raise ValueError(f"path {text!r} must start with '/'")
        body = text[1:]
        if body.endswith("/") and body != "/":
            body = body[:-1]
        if not body:
            return cls(())
        ids: list[int] = []
        for part in body.split("/"):
            if not part.isascii() or not part.isdigit():
                raise ValueError(f"path {text!r} has a non-numeric segment {part!r}")
            if len(part) > 1 and part.startswith("0"):
                raise ValueError(f"path {text!r} has a segment with a leading zero")
            ids.append(int(part))
        return cls(tuple(ids))

    def __str__(self) -> str:
        return "/" + "/".join(str(i) for i in self.ids)

    def __repr__(self) -> str:
        return f"Path({str(self)!r})"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Path):
            return NotImplemented
        return self.ids < other.ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    @property
    def is_root(self) -> bool:
        return not self.ids

    @property
    def is_object(self) -> bool:
        return len(self.ids) == 1

    @property
    def is_instance(self) -> bool:
        return len(self.ids) == 2

    @property
    def is_resource(self) -> bool:
        return len(self.ids) == 3

    @property
    def is_resource_instance(self) -> bool:
        return len(self.ids) == 4

    def _level(self, index: int) -> int | None:
        return self.ids[index] if len(self.ids) > index else None

    @property
    def object_id(self) -> int | None:
        return self._level(0)

    @property
    def instance_id(self) -> int | None:
        return self._level(1)

    @property
    def resource_id(self) -> int | None:
        return self._level(2)

    @property
    def resource_instance_id(self) -> int | None:
        return self._level(3)

    @property
    def parent(self) -> Path:
        if not self.ids:
            raise ValueError("the root path has no parent")
        return _shared(self.ids[:-1])

    def child(self, child_id: int) -> Path:
        ids = (*self.ids, child_id)
        found = _SHARED.get(ids)
        if found is not None:
            return found
        return _remember(_SHARED, ids, Path(ids))

    def startswith(self, prefix: Path) -> bool:
        """True when ``prefix`` is this path or one of its ancestors."""
        return self.ids[: len(prefix.ids)] == prefix.ids

    def is_prefix_of(self, other: Path) -> bool:
        return other.startswith(self)

    def resource_path(self) -> Path:
        """This path cut to its resource level (``/3/0/7/1`` -> ``/3/0/7``)."""
        if len(self.ids) < 3:
            raise ValueError(f"{self} does not name a resource")
        return _shared(self.ids[:3])


def _valid(ids: tuple[int, ...]) -> Path:
    """A path from ids already known to be valid (cut from another path's)."""
    path = object.__new__(Path)
    object.__setattr__(path, "ids", ids)
    return path


# Paths are immutable and the same on every device: one object per path serves them all.
_TABLE_LIMIT = 65536
_SHARED: dict[tuple[int, ...], Path] = {}
_PARSED: dict[str, Path] = {}


def _remember[K](table: dict[K, Path], key: K, path: Path) -> Path:
    if len(table) >= _TABLE_LIMIT:
        table.clear()
    table[key] = path
    return path


def _shared(ids: tuple[int, ...]) -> Path:
    """The one Path for ``ids`` (known to be valid)."""
    found = _SHARED.get(ids)
    if found is None:
        found = _remember(_SHARED, ids, _valid(ids))
    return found
