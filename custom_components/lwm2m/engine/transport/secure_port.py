"""A server's optional coaps:// port, shared by the LwM2M and the bootstrap server.

When DTLS cannot run on this installation (no usable ``cryptography``) the port stays
closed, plain CoAP keeps working, and ``unavailable_reason`` says why. A port that cannot
be bound is an error instead: that is a configuration to fix, not a missing capability.
"""

from __future__ import annotations

import logging

import aiocoap

from ..dtls import (
    DtlsEndpoint,
    DtlsSettings,
    DtlsUnavailableError,
    EndpointObserver,
    PskLookup,
    create_dtls_context,
)
from .udp import coap_logger

_LOGGER = logging.getLogger(__name__)


class SecurePort:
    """Opens (host, port) for DTLS-PSK with keys from a ``PskLookup``; port 0 picks one."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        settings: DtlsSettings | None = None,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.settings = settings
        self.endpoint: DtlsEndpoint | None = None
        self.unavailable_reason: str | None = None

    async def open(
        self, psk_lookup: PskLookup, observer: EndpointObserver | None = None
    ) -> aiocoap.Context | None:
        """A DTLS context without a site (the server sets it), or None without DTLS.

        ``observer`` hears from the endpoint (moved peers, a full session table)."""
        try:
            context, endpoint = await create_dtls_context(
                None,
                (self.host, self.requested_port),
                psk_lookup,
                settings=self.settings,
                loggername=coap_logger().name,
            )
        except DtlsUnavailableError as error:
            self.unavailable_reason = str(error)
            _LOGGER.warning("%s; serving plain CoAP only", self.unavailable_reason)
            return None
        self.unavailable_reason = None
        endpoint.observer = observer
        self.endpoint = endpoint
        return context

    @property
    def port(self) -> int | None:
        """The port bound, None while closed."""
        return None if self.endpoint is None else self.endpoint.port

    def closed(self) -> None:
        """Forget the endpoint once its context has been shut down."""
        self.endpoint = None
