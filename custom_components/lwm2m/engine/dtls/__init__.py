"""DTLS 1.2 PSK for the LwM2M and bootstrap servers.

A DTLS record layer and handshake of our own on ``cryptography``'s primitives,
reached through :func:`create_dtls_context`, which presents a
:class:`DtlsEndpoint`. Importing this package never needs ``cryptography``:
:func:`dtls_status` tells whether DTLS can run.
"""

from __future__ import annotations

from .context import create_dtls_context
from .endpoint import (
    DtlsEndpoint,
    DtlsStats,
    EndpointObserver,
    PskIdentityClaim,
    psk_identity_of,
)
from .errors import (
    DtlsBindError,
    DtlsConfigurationError,
    DtlsDecodeError,
    DtlsError,
    DtlsUnavailableError,
    SessionNotEstablishedError,
)
from .psk import PskLookup
from .settings import DtlsSettings
from .status import DtlsStatus, dtls_status

__all__ = [
    "DtlsBindError",
    "DtlsConfigurationError",
    "DtlsDecodeError",
    "DtlsEndpoint",
    "DtlsError",
    "DtlsSettings",
    "DtlsStats",
    "DtlsStatus",
    "DtlsUnavailableError",
    "EndpointObserver",
    "PskIdentityClaim",
    "PskLookup",
    "SessionNotEstablishedError",
    "create_dtls_context",
    "dtls_status",
    "psk_identity_of",
]
