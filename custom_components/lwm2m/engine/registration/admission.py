"""Who may register: the security policy and the admission rules.

* STRICT admits only endpoints in the credential store.
* PENDING also admits unknown endpoints that use no security, but holds them
  (``Registration.pending``) until the installer accepts or rejects them.
* OPEN admits any endpoint that uses no security (trusted networks, demos).

Whatever the policy, an endpoint whose credentials say PSK must register over DTLS with
its own PSK identity, and a PSK identity can only register the endpoint it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..credentials.records import SecurityMode
from ..credentials.store import CredentialStore


class SecurityPolicy(StrEnum):
    """How the server treats endpoints it has no credentials for."""

    STRICT = "strict"
    PENDING = "pending"
    OPEN = "open"


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
