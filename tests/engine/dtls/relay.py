"""A UDP relay that plays a NAT: it forwards a client to a server, and on cue it sends
the client's datagrams on from a new source port and drops its old one, as a carrier
NAT does when it rebinds a sleeping device."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

Address = tuple[str, int]


class _Side(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: Callable[[bytes, Address], None]) -> None:
        self._on_datagram = on_datagram

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        self._on_datagram(data, (str(addr[0]), int(addr[1])))


class RebindingRelay:
    """Listens on ``front``; the client's datagrams reach ``server`` from ``source_port``.

    :meth:`rebind` gives the client a new source port towards the server and closes
    the old one: whatever the server still sends there is lost. ``rebind_when`` may
    name a condition on a server-to-client datagram after which that happens (the
    new port is bound beforehand, so no datagram falls between the two).
    """

    def __init__(self, server: Address, host: str = "127.0.0.1") -> None:
        self._server = server
        self._host = host
        self._front: asyncio.DatagramTransport | None = None
        self._back: asyncio.DatagramTransport | None = None
        self._spare: asyncio.DatagramTransport | None = None  # the port after a rebinding
        self._client: Address | None = None
        self.rebind_when: Callable[[bytes], bool] | None = None
        self.rebound = asyncio.Event()
        self._ports: list[int] = []
        self.to_server = 0
        self.to_client = 0

    async def start(self) -> RebindingRelay:
        loop = asyncio.get_running_loop()
        self._front, _ = await loop.create_datagram_endpoint(
            lambda: _Side(self._from_client), local_addr=(self._host, 0)
        )
        self._back = await self._open_back()
        self._spare = await self._open_back()
        return self

    @property
    def port(self) -> int:
        assert self._front is not None
        return int(self._front.get_extra_info("sockname")[1])

    def rebind(self) -> None:
        """From now on the client's datagrams leave from the other port (once only)."""
        old, self._back, self._spare = self._back, self._spare, None
        if old is not None and self._back is not None:
            old.close()
            self.rebound.set()

    @property
    def source_ports(self) -> list[int]:
        """The port the server sees the client at, then the one after the rebinding."""
        return list(self._ports)

    async def _open_back(self) -> asyncio.DatagramTransport:
        loop = asyncio.get_running_loop()
        back, _ = await loop.create_datagram_endpoint(
            lambda: _Side(self._from_server), local_addr=(self._host, 0)
        )
        self._ports.append(int(back.get_extra_info("sockname")[1]))
        return back

    def _from_client(self, data: bytes, addr: Address) -> None:
        self._client = addr
        if self._back is not None:
            self.to_server += 1
            self._back.sendto(data, self._server)

    def _from_server(self, data: bytes, addr: Address) -> None:
        if self._front is None or self._client is None or addr != self._server:
            return
        self.to_client += 1
        self._front.sendto(data, self._client)
        if self.rebind_when is not None and self.rebind_when(data):
            self.rebind_when = None
            self.rebind()

    def close(self) -> None:
        for transport in (self._front, self._back, self._spare):
            if transport is not None:
                transport.close()
        self._front = self._back = self._spare = None
