"""aiocoap-facing errors of the DTLS transport."""

from __future__ import annotations

from aiocoap import error


class DtlsSessionClosedError(error.NetworkError):  # type: ignore[misc]
    """The DTLS session an exchange ran over is gone (closed, evicted or never there)."""
