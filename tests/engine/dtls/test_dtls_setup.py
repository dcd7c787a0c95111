"""DTLS status, settings validation, and where the DTLS ports get their keys."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from custom_components.lwm2m.engine import (
    CredentialStore,
    DeviceCredentials,
    SecurityMode,
)
from custom_components.lwm2m.engine.dtls import (
    DtlsConfigurationError,
    DtlsSettings,
    DtlsStatus,
    DtlsUnavailableError,
    create_dtls_context,
    dtls_status,
)

from .conftest import REPO_ROOT


def test_dtls_reports_available_here() -> None:
    status = dtls_status()
    assert status == DtlsStatus(True)
    assert status.summary == "DTLS available"


def test_missing_cryptography_reports_dtls_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.ciphers.aead", None)
    status = dtls_status()
    assert not status.available
    assert status.summary.startswith("DTLS unavailable (the cryptography package is missing")


async def test_unavailable_dtls_is_refused_clearly(
    monkeypatch: pytest.MonkeyPatch, socket_enabled: None
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.ciphers.aead", None)
    with pytest.raises(DtlsUnavailableError, match="DTLS unavailable: the cryptography package"):
        await create_dtls_context(None, ("127.0.0.1", 0), {}.get)


def test_package_imports_without_cryptography() -> None:
    script = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "cryptography":
                    raise ImportError("blocked for the test")
                return None

        sys.meta_path.insert(0, Block())
        from custom_components.lwm2m.engine import dtls
        status = dtls.dtls_status()
        print(status.available, status.summary)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False DTLS unavailable"), result.stdout
    assert "cryptography" in result.stdout


@pytest.mark.parametrize(
    "changes",
    [
        {"cipher_suites": (0xC02B,)},
        {"cipher_suites": ()},
        {"cipher_suites": (0xC0A8, 0xC0A8)},
        {"max_sessions": 0},
        {"idle_timeout": 0},
        {"max_retransmit_timeout": 0.5, "initial_retransmit_timeout": 1.0},
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(DtlsConfigurationError):
        DtlsSettings(**changes)  # type: ignore[arg-type]


def device(
    endpoint: str, identity: str | None, key: bytes | None, bootstrap: str | None = None
) -> DeviceCredentials:
    return DeviceCredentials(
        endpoint=endpoint,
        security_mode=SecurityMode.PSK,
        lwm2m_psk_id=identity,
        lwm2m_psk_key=key,
        bootstrap_psk_id=bootstrap,
        bootstrap_psk_key=b"bootstrap-key-16" if bootstrap else None,
    )


def test_credentials_store_follows_replacements() -> None:
    store = CredentialStore([device("ep-1", "id-1", b"k" * 16)])
    lookup = store.lookup  # what the LwM2M server's DTLS port holds
    assert lookup(b"id-1") == b"k" * 16
    assert lookup(b"id-2") is None
    store.set_all([device("ep-2", "id-2", b"j" * 32)])
    assert lookup(b"id-1") is None
    assert lookup(b"id-2") == b"j" * 32
    assert "id-2" not in repr(lookup)


def test_credentials_store_roles() -> None:
    devices = [device("ep-1", "id-1", b"k" * 16, bootstrap="bs-1"), device("ep-2", None, None)]
    store = CredentialStore(devices)
    assert store.lookup(b"id-1") == b"k" * 16
    assert store.lookup(b"bs-1") is None
    assert store.bootstrap_lookup(b"bs-1") == b"bootstrap-key-16"
    assert store.bootstrap_lookup(b"id-1") is None
