"""The handshakes one server has in progress: by address, counted per host, with their
early records accounted for in total."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterator

from .records import Record
from .session import Handshake, PeerAddress


class HandshakeTable:
    __slots__ = ("_by_address", "_by_cid", "_per_host", "early_bytes")

    def __init__(self) -> None:
        self._by_address: OrderedDict[PeerAddress, Handshake] = OrderedDict()  # by start
        self._by_cid: dict[bytes, Handshake] = {}
        self._per_host: Counter[str] = Counter()
        self.early_bytes = 0  # what every handshake's early records hold together

    def __len__(self) -> int:
        return len(self._by_address)

    def __iter__(self) -> Iterator[Handshake]:
        return iter(list(self._by_address.values()))

    def get(self, peer: PeerAddress) -> Handshake | None:
        return self._by_address.get(peer)

    def add(self, handshake: Handshake) -> None:
        self._by_address[handshake.peer] = handshake
        if handshake.cid:
            self._by_cid[handshake.cid] = handshake
        self._per_host[handshake.host] += 1

    def remove(self, handshake: Handshake) -> bool:
        """Forget ``handshake`` and its early records; False when it was not here."""
        if self._by_address.get(handshake.peer) is not handshake:
            return False
        del self._by_address[handshake.peer]
        if handshake.cid:
            del self._by_cid[handshake.cid]
        self._per_host[handshake.host] -= 1
        if not self._per_host[handshake.host]:
            del self._per_host[handshake.host]
        self.take_early(handshake)
        return True

    def oldest(self) -> Handshake | None:
        return next(iter(self._by_address.values()), None)

    def on_host(self, host: str) -> int:
        return self._per_host.get(host, 0)

    def oldest_of_busiest_host(self) -> Handshake | None:
        """The oldest handshake of the host with the most handshakes in progress."""
        if not self._per_host:
            return None
        busiest = max(self._per_host, key=self._per_host.__getitem__)
        return next(h for h in self._by_address.values() if h.host == busiest)

    def cid_in_use(self, cid: bytes) -> bool:
        return cid in self._by_cid

    def buffer_early(
        self, handshake: Handshake, record: Record, *, per_handshake: int, total: int
    ) -> bool:
        """Keep a record that came before the keys it needs, within both limits."""
        size = len(record.fragment)
        if len(handshake.early_records) >= per_handshake or self.early_bytes + size > total:
            return False
        handshake.early_records.append(record)
        handshake.early_bytes += size
        self.early_bytes += size
        return True

    def take_early(self, handshake: Handshake) -> list[Record]:
        records, handshake.early_records = handshake.early_records, []
        self.early_bytes -= handshake.early_bytes
        handshake.early_bytes = 0
        return records
