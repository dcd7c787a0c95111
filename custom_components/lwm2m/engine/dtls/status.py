"""Whether DTLS can run on this installation, and why not when it cannot."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DtlsStatus:
    """``available`` is False when the cryptography package cannot do what DTLS needs."""

    available: bool
    reason: str | None = None

    @property
    def summary(self) -> str:
        return "DTLS available" if self.available else f"DTLS unavailable ({self.reason})"


def dtls_status() -> DtlsStatus:
    """Probe the cryptography package (cheap: an import and one AES-CCM operation)."""
    try:
        aead = importlib.import_module("cryptography.hazmat.primitives.ciphers.aead")
        aead.AESCCM(bytes(16), tag_length=8).encrypt(bytes(12), b"probe", b"")
    except ImportError as err:
        return DtlsStatus(False, f"the cryptography package is missing ({err})")
    except Exception as err:  # an OpenSSL build without AES-CCM, for one
        return DtlsStatus(False, f"cryptography cannot do AES-CCM ({err})")
    return DtlsStatus(True)
