"""aiocoap-facing errors shared by both backends."""

from __future__ import annotations

from aiocoap import error


class DtlsSessionClosedError(error.NetworkError):  # type: ignore[misc]
    """The DTLS session an exchange ran over is gone (closed, evicted or never there)."""
