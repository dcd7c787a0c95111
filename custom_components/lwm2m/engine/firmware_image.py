"""A firmware image to install: its bytes, what it is, and which device models it fits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FirmwareImage:
    """An image and its identity; the repr leaves the bytes out.

    ``sha256`` (hex) is computed when not given, and checked when given: it names the
    image in saved state. ``models`` lists the device models (/3/0/1) the image fits;
    empty means any model.
    """

    name: str
    version: str
    data: bytes = field(repr=False, compare=False)
    sha256: str = ""
    models: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.data:
            raise ValueError("a firmware image cannot be empty")
        digest = hashlib.sha256(self.data).hexdigest()
        if self.sha256 and self.sha256.lower() != digest:
            raise ValueError(f"{self.name}: sha256 does not match the image data")
        object.__setattr__(self, "sha256", digest)
        object.__setattr__(self, "models", tuple(self.models))

    @property
    def size(self) -> int:
        return len(self.data)

    def fits(self, model: str | None) -> bool:
        """Whether the image may go onto a device reporting ``model``."""
        return not self.models or model in self.models
