"""Where each registered device is reachable: its transport and its current remote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..transport.udp import Transport, peer_address


@dataclass(frozen=True, slots=True)
class Session:
    transport: Transport
    remote: Any

    @property
    def address(self) -> tuple[str, int]:
        return peer_address(self.remote)


class Sessions:
    """Sessions by endpoint, with an index by (secure, address) for Send."""

    def __init__(self) -> None:
        self._by_endpoint: dict[str, Session] = {}
        self._by_address: dict[tuple[bool, tuple[str, int]], str] = {}
        self._by_remote: dict[int, str] = {}  # id() of the remote

    def get(self, endpoint: str) -> Session | None:
        return self._by_endpoint.get(endpoint)

    def set(self, endpoint: str, session: Session) -> None:
        self.remove(endpoint)
        self._by_endpoint[endpoint] = session
        self._by_address[(session.transport.secure, session.address)] = endpoint
        self._by_remote[id(session.remote)] = endpoint

    def remove(self, endpoint: str) -> Session | None:
        session = self._by_endpoint.pop(endpoint, None)
        if session is not None:
            key = (session.transport.secure, session.address)
            if self._by_address.get(key) == endpoint:
                del self._by_address[key]
            if self._by_remote.get(id(session.remote)) == endpoint:
                del self._by_remote[id(session.remote)]
        return session

    def endpoint_at(self, secure: bool, address: tuple[str, int]) -> str | None:
        return self._by_address.get((secure, address))

    def endpoint_of(self, remote: Any) -> str | None:
        """The endpoint whose latest uplink came through ``remote`` (that very object)."""
        endpoint = self._by_remote.get(id(remote))
        session = None if endpoint is None else self._by_endpoint.get(endpoint)
        return endpoint if session is not None and session.remote is remote else None

    def moved(self, endpoint: str, previous: tuple[str, int]) -> None:
        """The endpoint's remote now has another address than ``previous``."""
        session = self._by_endpoint[endpoint]
        key = (session.transport.secure, previous)
        if self._by_address.get(key) == endpoint:
            del self._by_address[key]
        self._by_address[(session.transport.secure, session.address)] = endpoint

    def clear(self) -> None:
        self._by_endpoint.clear()
        self._by_address.clear()
        self._by_remote.clear()
