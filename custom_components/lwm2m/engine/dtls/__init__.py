"""DTLS 1.2 PSK for the LwM2M and bootstrap servers.

The built-in backend (pure Python on ``cryptography``) is the default; the
DTLSSocket (tinydtls) backend is optional. Both are reached through
:func:`create_dtls_context` and present a :class:`DtlsEndpoint`. Importing this
package never needs ``cryptography`` or DTLSSocket: :func:`dtls_status` tells
what can run.
"""

from __future__ import annotations

from .context import create_dtls_context
from .endpoint import (
    Backend,
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
from .psk import CredentialsPskStore, KeyLengthReporting, PskStore, StaticPskStore
from .settings import DtlsSettings
from .status import BackendStatus, DtlsStatus, dtls_backends_available, dtls_status

__all__ = [
    "Backend",
    "BackendStatus",
    "CredentialsPskStore",
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
    "KeyLengthReporting",
    "PskIdentityClaim",
    "PskStore",
    "SessionNotEstablishedError",
    "StaticPskStore",
    "create_dtls_context",
    "dtls_backends_available",
    "dtls_status",
    "psk_identity_of",
]
