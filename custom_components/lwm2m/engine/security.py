"""Who may register: the security policy, the credential store and the admission rules.

* STRICT admits only endpoints in the credential store.
* PENDING also admits unknown endpoints that use no security, but holds them
  (``Registration.pending``) until the installer accepts or rejects them.
* OPEN admits any endpoint that uses no security (trusted networks, demos).

Whatever the policy, an endpoint whose credentials say PSK must register over DTLS with
its own PSK identity, and a PSK identity can only register the endpoint it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from .credentials import DeviceCredentials, SecurityMode


class SecurityPolicy(StrEnum):
    """How the server treats endpoints it has no credentials for."""

    STRICT = "strict"
    PENDING = "pending"
    OPEN = "open"


class CredentialStore:
    """Device credentials in memory, by endpoint, with an index of PSK identities."""

    def __init__(self, credentials: Iterable[DeviceCredentials] = ()) -> None:
        self._by_endpoint: dict[str, DeviceCredentials] = {}
        self._by_identity: dict[bytes, DeviceCredentials] = {}
        self.set_all(credentials)

    def set_all(self, credentials: Iterable[DeviceCredentials]) -> None:
        """Replace every stored credential."""
        self._by_endpoint = {}
        self._by_identity = {}
        for item in credentials:
            self.update(item)

    def update(self, credentials: DeviceCredentials) -> None:
        """Add or replace the credentials of one endpoint."""
        self.remove(credentials.endpoint)
        self._by_endpoint[credentials.endpoint] = credentials
        identity = _identity_bytes(credentials)
        if identity is not None:
            self._by_identity[identity] = credentials

    def remove(self, endpoint: str) -> None:
        """Forget an endpoint's credentials (no error when absent)."""
        previous = self._by_endpoint.pop(endpoint, None)
        identity = None if previous is None else _identity_bytes(previous)
        if identity is not None and self._by_identity.get(identity) is previous:
            del self._by_identity[identity]

    def get(self, endpoint: str) -> DeviceCredentials | None:
        return self._by_endpoint.get(endpoint)

    def lookup(self, identity: bytes) -> bytes | None:
        """The PSK key for a DTLS PSK identity, or None: what the DTLS layer asks."""
        credentials = self._by_identity.get(identity)
        return None if credentials is None else credentials.lwm2m_psk_key

    def endpoint_for_identity(self, identity: bytes) -> str | None:
        credentials = self._by_identity.get(identity)
        return None if credentials is None else credentials.endpoint

    def __contains__(self, endpoint: object) -> bool:
        return endpoint in self._by_endpoint

    def __iter__(self) -> Iterator[DeviceCredentials]:
        return iter(list(self._by_endpoint.values()))

    def __len__(self) -> int:
        return len(self._by_endpoint)


def _identity_bytes(credentials: DeviceCredentials) -> bytes | None:
    if credentials.security_mode is not SecurityMode.PSK or credentials.lwm2m_psk_id is None:
        return None
    return credentials.lwm2m_psk_id.encode("utf-8")


@dataclass(frozen=True, slots=True)
class Admission:
    """The verdict on one registration attempt."""

    admitted: bool
    pending: bool = False
    reason: str = ""


def admit(
    policy: SecurityPolicy,
    store: CredentialStore,
    endpoint: str,
    *,
    identity: bytes | None,
    blocked: bool = False,
) -> Admission:
    """Decide whether ``endpoint`` may register; ``identity`` is its DTLS PSK identity."""
    if blocked:
        return Admission(False, reason="endpoint rejected")
    if identity is not None:
        if store.endpoint_for_identity(identity) != endpoint:
            return Admission(False, reason="identity does not match endpoint")
        return Admission(True)
    credentials = store.get(endpoint)
    if credentials is not None:
        if credentials.security_mode is SecurityMode.PSK:
            return Admission(False, reason="endpoint requires DTLS")
        return Admission(True)
    if policy is SecurityPolicy.OPEN:
        return Admission(True)
    if policy is SecurityPolicy.PENDING:
        return Admission(True, pending=True)
    return Admission(False, reason="unknown endpoint")
