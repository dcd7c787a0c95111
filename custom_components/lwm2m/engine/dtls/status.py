"""Which DTLS backends this installation can run, and why not when it cannot."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from .endpoint import Backend


@dataclass(frozen=True, slots=True)
class BackendStatus:
    name: Backend
    available: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class DtlsStatus:
    """Backends in order of preference; ``available`` is False when none can run."""

    backends: tuple[BackendStatus, ...]

    @property
    def available(self) -> bool:
        return any(backend.available for backend in self.backends)

    @property
    def default_backend(self) -> Backend | None:
        return next((b.name for b in self.backends if b.available), None)

    def backend(self, name: Backend) -> BackendStatus:
        return next(b for b in self.backends if b.name == name)

    @property
    def summary(self) -> str:
        missing = "; ".join(f"{b.name}: {b.reason}" for b in self.backends if not b.available)
        if not self.available:
            return f"DTLS unavailable ({missing})"
        running = ", ".join(b.name for b in self.backends if b.available)
        return f"DTLS available ({running})" + (f"; not available: {missing}" if missing else "")


def _builtin_status() -> BackendStatus:
    try:
        aead = importlib.import_module("cryptography.hazmat.primitives.ciphers.aead")
        aead.AESCCM(bytes(16), tag_length=8).encrypt(bytes(12), b"probe", b"")
    except ImportError as err:
        return BackendStatus("builtin", False, f"the cryptography package is missing ({err})")
    except Exception as err:  # an OpenSSL build without AES-CCM, for one
        return BackendStatus("builtin", False, f"cryptography cannot do AES-CCM ({err})")
    return BackendStatus("builtin", True)


def _dtlssocket_status() -> BackendStatus:
    try:
        importlib.import_module("DTLSSocket.dtls")
        importlib.import_module("aiocoap.transports.tinydtls_server")
    except ImportError as err:
        return BackendStatus("dtlssocket", False, f"DTLSSocket cannot be imported ({err})")
    return BackendStatus("dtlssocket", True)


def dtls_status() -> DtlsStatus:
    """Probe both backends (cheap: imports and one AES-CCM operation)."""
    return DtlsStatus((_builtin_status(), _dtlssocket_status()))


def dtls_backends_available() -> tuple[Backend, ...]:
    return tuple(b.name for b in dtls_status().backends if b.available)
