"""What the LwM2M and bootstrap servers see of a DTLS server."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True, repr=False)
class PskIdentityClaim:
    """The claim a DTLS remote carries in aiocoap's ``authenticated_claims``."""

    identity: bytes

    def __repr__(self) -> str:
        return "<PskIdentityClaim>"


@dataclass(frozen=True, slots=True)
class DtlsStats:
    """A snapshot for diagnostics. ``counters`` holds the detail behind the totals.

    ``table_full`` while new sessions are refused for want of room (out of
    ``max_sessions``); ``refused`` counts sessions refused by the table or by the
    per-address limit.
    """

    sessions: int
    handshakes_in_progress: int
    peak_sessions: int
    peak_handshakes: int
    handshakes_completed: int
    handshakes_failed: int
    evictions: int
    counters: Mapping[str, int] = field(default_factory=dict)
    max_sessions: int = 0
    table_full: bool = False
    refused: int = 0


EVICTION_COUNTERS = (
    "sessions_closed:idle",
    "sessions_closed:table_full",
    "handshakes_ended:timeout",
    "handshakes_ended:table_full",
)
REFUSAL_COUNTERS = ("sessions_refused:table_full", "sessions_refused:address_limit")


class SessionTable(Protocol):
    """What the server keeps about its sessions and handshakes."""

    @property
    def counters(self) -> Mapping[str, int]: ...
    @property
    def sessions_count(self) -> int: ...
    @property
    def handshakes_count(self) -> int: ...
    @property
    def peak_sessions(self) -> int: ...
    @property
    def peak_handshakes(self) -> int: ...


def stats_of(table: SessionTable, *, max_sessions: int = 0, table_full: bool = False) -> DtlsStats:
    """A DtlsStats snapshot of a session table."""
    counters = dict(table.counters)
    return DtlsStats(
        sessions=table.sessions_count,
        handshakes_in_progress=table.handshakes_count,
        peak_sessions=table.peak_sessions,
        peak_handshakes=table.peak_handshakes,
        handshakes_completed=counters.get("handshakes_completed", 0),
        handshakes_failed=counters.get("handshakes_failed", 0),
        evictions=sum(counters.get(name, 0) for name in EVICTION_COUNTERS),
        counters=counters,
        max_sessions=max_sessions,
        table_full=table_full,
        refused=sum(counters.get(name, 0) for name in REFUSAL_COUNTERS),
    )


def psk_identity_of(remote: object) -> bytes | None:
    """The authenticated PSK identity of an aiocoap remote, None for anything else."""
    identity = getattr(remote, "psk_identity", None)
    return identity if isinstance(identity, bytes) else None


class EndpointObserver(Protocol):
    """What the server an endpoint serves hears from it (calls never raise into it)."""

    def peer_moved(self, remote: Any) -> None:
        """``remote``'s session now answers at another address (a Connection ID
        record came from there, RFC 9146 6): ``remote.hostinfo`` says where."""

    def session_table_full(self, full: bool) -> None:
        """New sessions are refused for want of room (True), or there is room again."""


class DtlsEndpoint(abc.ABC):
    """A bound DTLS server socket with its sessions.

    Shut it down with the aiocoap context it came with (``await context.shutdown()``):
    that sends close_notify to every peer and closes the socket. ``observer`` hears
    about moved peers and a full session table.
    """

    observer: EndpointObserver | None = None

    @property
    @abc.abstractmethod
    def local_address(self) -> tuple[str, int]:
        """The address and port actually bound (port 0 asked for becomes the real one)."""

    @property
    def port(self) -> int:
        return self.local_address[1]

    @abc.abstractmethod
    def stats(self) -> DtlsStats:
        """Session, handshake and eviction figures."""

    @abc.abstractmethod
    def remote_for_identity(self, identity: bytes) -> Any | None:
        """The aiocoap remote of the newest live session authenticated as ``identity``."""

    @abc.abstractmethod
    def close_sessions(self, identity: bytes) -> int:
        """Close (with close_notify) every session of ``identity``; how many there were.

        For credentials that were revoked or replaced at run time.
        """
