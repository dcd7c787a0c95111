"""Errors of the DTLS layer. None of them carries key material or a PSK identity."""

from __future__ import annotations


class DtlsError(Exception):
    """Base of every error the DTLS layer raises."""


class DtlsDecodeError(DtlsError):
    """A record or handshake message is malformed. The only error the parsers raise."""


class RecordAuthenticationError(DtlsError):
    """A protected record failed authentication or its padding check."""


class DtlsConfigurationError(DtlsError, ValueError):
    """The requested DTLS setup cannot work (bad settings, address, or key)."""


class DtlsUnavailableError(DtlsError):
    """DTLS cannot run on this installation (see ``dtls_status``)."""


class DtlsBindError(DtlsError, OSError):
    """The DTLS server could not bind its UDP socket (for example, the port is taken)."""


class SessionNotEstablishedError(DtlsError):
    """There is no established DTLS session to send to."""
