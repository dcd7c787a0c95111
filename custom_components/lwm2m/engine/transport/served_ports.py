"""What the LwM2M server and the bootstrap server share: a CoAP port, maybe a CoAPs one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..dtls import DtlsEndpoint, DtlsSettings, DtlsStats
from .secure_port import SecurePort
from .udp import Transport, bound_port

_LOGGER = logging.getLogger(__name__)

CapacityListener = Callable[[bool], None]


class ServedPorts:
    """The transports a server answers on and its optional secure port.

    It observes its DTLS endpoint: a full session table is announced to the
    capacity listeners (True when new sessions start being refused, False once
    there is room again); a moved peer goes to :meth:`peer_moved`.
    """

    _role = "server"

    def __init__(
        self,
        host: str,
        secure_port: int | None,
        dtls_settings: DtlsSettings | None,
    ) -> None:
        self._transports: list[Transport] = []
        self._secure = (
            None if secure_port is None else SecurePort(host, secure_port, settings=dtls_settings)
        )
        self._capacity_listeners: list[CapacityListener] = []

    def add_capacity_listener(self, listener: CapacityListener) -> Callable[[], None]:
        """Call ``listener(full)`` when the DTLS session table fills up or has room again."""
        self._capacity_listeners.append(listener)
        return lambda: self._capacity_listeners.remove(listener)

    # EndpointObserver

    def peer_moved(self, remote: Any) -> None:
        """A DTLS peer answers at a new address; servers that track addresses override."""

    def session_table_full(self, full: bool) -> None:
        for listener in list(self._capacity_listeners):
            try:
                listener(full)
            except Exception:
                _LOGGER.exception("capacity listener %r failed", listener)

    @property
    def dtls_stats(self) -> DtlsStats | None:
        """Sessions, handshakes and refusals of the secure port while it is served."""
        endpoint = self.dtls_endpoint
        return None if endpoint is None else endpoint.stats()

    async def _close_ports(self) -> None:
        transports, self._transports = self._transports, []
        for transport in transports:
            await transport.context.shutdown()
        if self._secure is not None:
            self._secure.closed()

    @property
    def port(self) -> int:
        """The UDP port actually bound (useful with port 0)."""
        if not self._transports:
            raise RuntimeError(f"the {self._role} is not running")
        return bound_port(self._transports[0].context)

    @property
    def secure_port(self) -> int | None:
        """The coaps:// port bound; None when none was asked for or DTLS is unavailable."""
        return None if self._secure is None else self._secure.port

    @property
    def dtls_unavailable_reason(self) -> str | None:
        """Why the secure port asked for is not served (None when it is, or not asked)."""
        return None if self._secure is None else self._secure.unavailable_reason

    @property
    def dtls_endpoint(self) -> DtlsEndpoint | None:
        """The secure port's DTLS endpoint while it is served (stats, closing sessions)."""
        return None if self._secure is None else self._secure.endpoint
