"""Which Security and Server instances a client still holds, from a Bootstrap-Discover.

The bootstrap server discovers after deleting /0 and /1, so what the answer lists is
exactly what the client kept: its bootstrap account (clients protect it) and anything
else it refused to delete. A Security instance without ``ssid`` is a bootstrap account
(LwM2M servers' accounts carry their short server id); without any answer the layout
is empty and instance ids are chosen as if every id were free. The answer also gives the
version of each object that is not 1.0 (``</1>;ver=1.1``; some clients put ``ver`` on
the first instance link instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..codec import CodecError, Link
from ..path import Path

SECURITY_OBJECT = 0
SERVER_OBJECT = 1
MAX_INSTANCE_ID = 65534


@dataclass(frozen=True, slots=True)
class ClientLayout:
    security: frozenset[int] = frozenset()
    servers: frozenset[int] = frozenset()
    bootstrap_accounts: tuple[int, ...] = ()
    versions: Mapping[int, str] = field(default_factory=dict)

    def version(self, object_id: int) -> str | None:
        """The object version the client reported, if it reported one."""
        return self.versions.get(object_id)

    @property
    def bootstrap_account(self) -> int | None:
        """The client's bootstrap account when it has exactly one."""
        return self.bootstrap_accounts[0] if len(self.bootstrap_accounts) == 1 else None


def layout_from_links(links: Iterable[Link]) -> ClientLayout:
    security: set[int] = set()
    servers: set[int] = set()
    bootstrap: list[int] = []
    versions: dict[int, str] = {}
    for link in links:
        path = _lwm2m_path(link)
        if path is None or path.object_id is None:
            continue
        version = link.params.get("ver")
        if version and (path.is_object or path.object_id not in versions):
            versions[path.object_id] = version
        if not path.is_instance or path.instance_id is None:
            continue
        if path.object_id == SECURITY_OBJECT:
            security.add(path.instance_id)
            if "ssid" not in link.params:
                bootstrap.append(path.instance_id)
        elif path.object_id == SERVER_OBJECT:
            servers.add(path.instance_id)
    return ClientLayout(frozenset(security), frozenset(servers), tuple(sorted(bootstrap)), versions)


def _lwm2m_path(link: Link) -> Path | None:
    try:
        return link.path
    except CodecError:
        return None


def first_free(start: int, taken: Iterable[int]) -> int:
    """The lowest instance id from ``start`` on that is not taken."""
    occupied = set(taken)
    for candidate in range(start, MAX_INSTANCE_ID + 1):
        if candidate not in occupied:
            return candidate
    raise ValueError(f"no free instance id from {start} on")
