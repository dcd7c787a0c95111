"""Where each registered device is reachable: its transport and its current remote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..transport.udp import Transport, peer_address


@dataclass(frozen=True, slots=True)
class Route:
    transport: Transport
    remote: Any

    @property
    def address(self) -> tuple[str, int]:
        return peer_address(self.remote)


class Routes:
    """Routes by endpoint, with an index by (secure, address) for Send."""

    def __init__(self) -> None:
        self._by_endpoint: dict[str, Route] = {}
        self._by_address: dict[tuple[bool, tuple[str, int]], str] = {}
        self._by_remote: dict[int, str] = {}  # id() of the remote

    def get(self, endpoint: str) -> Route | None:
        return self._by_endpoint.get(endpoint)

    def set(self, endpoint: str, route: Route) -> None:
        self.remove(endpoint)
        self._by_endpoint[endpoint] = route
        self._by_address[(route.transport.secure, route.address)] = endpoint
        self._by_remote[id(route.remote)] = endpoint

    def remove(self, endpoint: str) -> Route | None:
        route = self._by_endpoint.pop(endpoint, None)
        if route is not None:
            key = (route.transport.secure, route.address)
            if self._by_address.get(key) == endpoint:
                del self._by_address[key]
            if self._by_remote.get(id(route.remote)) == endpoint:
                del self._by_remote[id(route.remote)]
        return route

    def endpoint_at(self, secure: bool, address: tuple[str, int]) -> str | None:
        return self._by_address.get((secure, address))

    def endpoint_of(self, remote: Any) -> str | None:
        """The endpoint whose latest uplink came through ``remote`` (that very object)."""
        endpoint = self._by_remote.get(id(remote))
        route = None if endpoint is None else self._by_endpoint.get(endpoint)
        return endpoint if route is not None and route.remote is remote else None

    def moved(self, endpoint: str, previous: tuple[str, int]) -> None:
        """The endpoint's remote now has another address than ``previous``."""
        route = self._by_endpoint[endpoint]
        key = (route.transport.secure, previous)
        if self._by_address.get(key) == endpoint:
            del self._by_address[key]
        self._by_address[(route.transport.secure, route.address)] = endpoint

    def clear(self) -> None:
        self._by_endpoint.clear()
        self._by_address.clear()
        self._by_remote.clear()
