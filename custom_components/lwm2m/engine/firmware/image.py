"""The images a firmware update installs: bytes this server holds and serves, or a URI
elsewhere that the device downloads from itself."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .device_object import PROTOCOL_NUMBERS

PACKAGE_URI_LIMIT = 255
"""The longest Package URI (/5/x/1) in bytes, as object 5 defines the resource."""


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


@dataclass(frozen=True, slots=True)
class ExternalImage:
    """An image at ``uri`` on another server: the device fetches it from there, so it is
    always pulled, and neither its size nor the progress of its download is known.

    The URI may hold credentials: the repr leaves it out. ``models`` as above.
    """

    name: str
    version: str
    uri: str = field(repr=False)
    models: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        scheme = uri_scheme(self.uri)
        if scheme is None:
            raise ValueError(f"{self.name}: the package URI names nothing to download")
        if scheme not in PROTOCOL_NUMBERS:
            raise ValueError(f"{self.name}: no device downloads over {scheme}")
        object.__setattr__(self, "models", tuple(self.models))

    @property
    def scheme(self) -> str:
        return self.uri.partition(":")[0].lower()

    @property
    def size(self) -> None:
        return None

    def fits(self, model: str | None) -> bool:
        return not self.models or model in self.models


type ImageSource = FirmwareImage | ExternalImage


def uri_scheme(uri: str) -> str | None:
    """The lower-case scheme of ``uri`` when it names a host and fits into a Package URI,
    whatever the scheme; None when it does not."""
    if len(uri.encode()) > PACKAGE_URI_LIMIT or any(char.isspace() for char in uri):
        return None
    try:
        parts = urlsplit(uri)
        host, _port = parts.hostname, parts.port
    except ValueError:
        return None
    if not parts.scheme or not host:
        return None
    return parts.scheme.lower()
