"""The established sessions of one server, and how they are found and counted.

A record without a Connection ID finds its session by the address it came from; a
tls12_cid record by its CID (RFC 9146 6), wherever it came from. Sessions that hand
out a CID are therefore indexed by CID only, so a session that moved can never take
the address of a session that has no other way to be found. The table also keeps
sessions in order of activity (for idle expiry) and counts them per PSK identity
and per host address (for the limits that keep one party from crowding out others).
"""

from __future__ import annotations

import itertools
from collections import Counter, OrderedDict
from collections.abc import Iterator

from .session import DtlsSession, PeerAddress


class SessionTable:
    __slots__ = (
        "_activity",
        "_by_activity",
        "_by_address",
        "_by_cid",
        "_by_identity",
        "_per_host",
    )

    def __init__(self) -> None:
        self._by_address: dict[PeerAddress, DtlsSession] = {}
        self._by_cid: dict[bytes, DtlsSession] = {}
        # least recent first; the value orders sessions active at the same clock reading
        self._by_activity: OrderedDict[DtlsSession, int] = OrderedDict()
        self._activity = itertools.count()
        self._by_identity: dict[bytes, list[DtlsSession]] = {}
        self._per_host: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._by_activity)

    def __iter__(self) -> Iterator[DtlsSession]:
        return iter(list(self._by_activity))

    def __contains__(self, session: object) -> bool:
        return session in self._by_activity

    def add(self, session: DtlsSession) -> None:
        if session.cid:
            self._by_cid[session.cid] = session
        else:
            self._by_address[session.peer] = session
        self._by_activity[session] = next(self._activity)
        self._by_identity.setdefault(session.psk_identity, []).append(session)
        self._per_host[session.host] += 1

    def remove(self, session: DtlsSession) -> bool:
        """Forget ``session``; False when it was not in the table."""
        if session not in self._by_activity:
            return False
        del self._by_activity[session]
        if session.cid:
            del self._by_cid[session.cid]
        elif self._by_address.get(session.peer) is session:
            del self._by_address[session.peer]
        same_identity = self._by_identity[session.psk_identity]
        same_identity.remove(session)
        if not same_identity:
            del self._by_identity[session.psk_identity]
        self._uncount(session.host)
        return True

    def by_address(self, peer: PeerAddress) -> DtlsSession | None:
        """The session without a CID at ``peer``: the one its plain records belong to."""
        return self._by_address.get(peer)

    def by_cid(self, cid: bytes) -> DtlsSession | None:
        return self._by_cid.get(cid)

    def at(self, peer: PeerAddress) -> DtlsSession | None:
        """The session (with or without a CID) whose peer is at ``peer`` now."""
        found = self._by_address.get(peer)
        if found is None:
            found = next((s for s in self._by_cid.values() if s.peer == peer), None)
        return found

    def cid_in_use(self, cid: bytes) -> bool:
        return cid in self._by_cid

    def of_identity(self, identity: bytes) -> list[DtlsSession]:
        """The identity's sessions, least recently active first."""
        return sorted(self._by_identity.get(identity, []), key=self._by_activity.__getitem__)

    def on_host(self, host: str) -> int:
        return self._per_host.get(host, 0)

    def touch(self, session: DtlsSession) -> None:
        """``session`` was active just now."""
        self._by_activity[session] = next(self._activity)
        self._by_activity.move_to_end(session)

    def least_recent(self) -> DtlsSession | None:
        return next(iter(self._by_activity), None)

    def moved(self, session: DtlsSession, previous: PeerAddress) -> None:
        """``session`` (one with a CID) now has a new peer address; recount its host."""
        old_host, new_host = str(previous[0]), session.host
        if old_host != new_host:
            self._uncount(old_host)
            self._per_host[new_host] += 1

    def _uncount(self, host: str) -> None:
        self._per_host[host] -= 1
        if not self._per_host[host]:
            del self._per_host[host]
