"""What the LwM2M server and the bootstrap server share: a CoAP port, maybe a CoAPs one."""

from __future__ import annotations

from ..dtls import DtlsEndpoint, DtlsSettings
from .secure_port import SecurePort
from .udp import Transport, bound_port


class ServedPorts:
    """The transports a server answers on and its optional secure port."""

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
