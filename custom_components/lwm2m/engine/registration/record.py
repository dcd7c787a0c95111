"""A device's registration with the LwM2M server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..path import Path


@dataclass(slots=True)
class Registration:
    """What the server knows about one registered endpoint.

    ``objects`` holds the object and object-instance paths the device listed, each with
    its link attributes (``ver``, ``ct``, ...). ``address`` is the current (host, port)
    the device talks from; it follows NAT rebinding. ``security_identity`` is the PSK
    identity the device authenticated with (a secret: never log it). ``pending`` marks an
    unknown endpoint the security policy holds until the installer accepts it.
    """

    endpoint: str
    registration_id: str
    lifetime: int = 86400
    lwm2m_version: str = "1.0"
    binding: str = "U"
    queue_mode: bool = False
    sms_number: str | None = None
    root_path: str = "/"
    objects: dict[Path, dict[str, Any]] = field(default_factory=dict)
    content_formats: tuple[int, ...] = ()
    address: tuple[str, int] = ("", 0)
    secure: bool = False
    pending: bool = False
    security_identity: str | None = field(default=None, repr=False)
    registered_at: float = 0.0
    updated_at: float = 0.0

    def object_version(self, object_id: int) -> str | None:
        """The object version the device announced (``ver``), if any."""
        return announced_version(self.objects, object_id)

    def instances(self, object_id: int) -> list[int]:
        """Ids of the instances of ``object_id`` listed in the registration."""
        return sorted(
            path.ids[1] for path in self.objects if len(path.ids) == 2 and path.ids[0] == object_id
        )

    @property
    def object_ids(self) -> list[int]:
        return sorted({path.ids[0] for path in self.objects if path.ids})


def announced_version(objects: Mapping[Path, Mapping[str, Any]], object_id: int) -> str | None:
    """The ``ver`` a registration gives ``object_id``: on the object's own link, as the
    specification puts it, else on one of its instance links, as many clients do."""
    own = objects.get(Path.of(object_id), {}).get("ver")
    if own is not None:
        return str(own)
    for path in sorted(objects):
        if len(path.ids) == 2 and path.ids[0] == object_id:
            version = objects[path].get("ver")
            if version is not None:
                return str(version)
    return None
