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

    def get(self, endpoint: str) -> Session | None:
        return self._by_endpoint.get(endpoint)

    def set(self, endpoint: str, session: Session) -> None:
        self.remove(endpoint)
        self._by_endpoint[endpoint] = session
        self._by_address[(session.transport.secure, session.address)] = endpoint

    def remove(self, endpoint: str) -> Session | None:
        session = self._by_endpoint.pop(endpoint, None)
        if session is not None:
            key = (session.transport.secure, session.address)
            if self._by_address.get(key) == endpoint:
                del self._by_address[key]
        return session

    def endpoint_at(self, secure: bool, address: tuple[str, int]) -> str | None:
        return self._by_address.get((secure, address))

    def clear(self) -> None:
        self._by_endpoint.clear()
        self._by_address.clear()
