"""Which Security and Server instances a client still holds, from a Bootstrap-Discover.

The bootstrap server discovers after deleting /0 and /1, so what the answer lists is
exactly what the client kept: its bootstrap account (clients protect it) and anything
else it refused to delete. A Security instance without ``ssid`` is a bootstrap account
(LwM2M servers' accounts carry their short server id); without any answer the layout
is empty and instance ids are chosen as if every id were free.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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

    @property
    def bootstrap_account(self) -> int | None:
        """The client's bootstrap account when it has exactly one."""
        return self.bootstrap_accounts[0] if len(self.bootstrap_accounts) == 1 else None


def layout_from_links(links: Iterable[Link]) -> ClientLayout:
    security: set[int] = set()
    servers: set[int] = set()
    bootstrap: list[int] = []
    for link in links:
        path = _instance_path(link)
        if path is None or path.instance_id is None:
            continue
        if path.object_id == SECURITY_OBJECT:
            security.add(path.instance_id)
            if "ssid" not in link.params:
                bootstrap.append(path.instance_id)
        elif path.object_id == SERVER_OBJECT:
            servers.add(path.instance_id)
    return ClientLayout(frozenset(security), frozenset(servers), tuple(sorted(bootstrap)))


def _instance_path(link: Link) -> Path | None:
    try:
        path = link.path
    except CodecError:
        return None
    return path if path is not None and path.is_instance else None


def first_free(start: int, taken: Iterable[int]) -> int:
    """The lowest instance id from ``start`` on that is not taken."""
    occupied = set(taken)
    for candidate in range(start, MAX_INSTANCE_ID + 1):
        if candidate not in occupied:
            return candidate
    raise ValueError(f"no free instance id from {start} on")
