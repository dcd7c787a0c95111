"""The credential store: device credentials by endpoint, with their PSK identities indexed,
and what each change of them revokes."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from .records import DeviceCredentials, SecurityMode


@dataclass(frozen=True, slots=True)
class Revocation:
    """What a change of the credential store took away.

    ``identities`` and ``bootstrap_identities`` are PSK identities whose key changed,
    that moved to another endpoint, or that are gone; ``endpoints`` are the endpoints
    whose credentials were added, changed or removed, or held a revoked identity. Sessions
    authenticated with a revoked identity must end, and so must registrations that
    would no longer be admitted.
    """

    identities: frozenset[bytes] = frozenset()
    bootstrap_identities: frozenset[bytes] = frozenset()
    endpoints: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.identities or self.bootstrap_identities or self.endpoints)


RevocationListener = Callable[[Revocation], None]


class CredentialStore:
    """Device credentials in memory, by endpoint, with indexes of PSK identities.

    It is the one source of truth for both servers: the LwM2M server's DTLS port looks up
    LwM2M identities (:meth:`lookup`), the bootstrap server's bootstrap identities
    (:meth:`bootstrap_lookup`), so an import that updates the store updates both at once.
    Every change that takes credentials away is announced to the revocation
    listeners (the servers), which end what those credentials had opened.
    """

    def __init__(self, credentials: Iterable[DeviceCredentials] = ()) -> None:
        self._by_endpoint: dict[str, DeviceCredentials] = {}
        self._by_identity: dict[bytes, DeviceCredentials] = {}
        self._by_bootstrap_identity: dict[bytes, DeviceCredentials] = {}
        self._revocation_listeners: list[RevocationListener] = []
        self.set_all(credentials)

    def add_revocation_listener(self, listener: RevocationListener) -> Callable[[], None]:
        """Call ``listener(revocation)`` after each change that revokes something."""
        self._revocation_listeners.append(listener)
        return lambda: self._revocation_listeners.remove(listener)

    def set_all(self, credentials: Iterable[DeviceCredentials]) -> None:
        """Replace every stored credential."""
        incoming = list(credentials)

        def replace_all() -> None:
            self._by_endpoint = {}
            self._by_identity = {}
            self._by_bootstrap_identity = {}
            for item in incoming:
                self._put(item)

        self._changing([*self._by_endpoint.values(), *incoming], replace_all)

    def update(self, credentials: DeviceCredentials) -> None:
        """Add or replace the credentials of one endpoint."""
        previous = self._by_endpoint.get(credentials.endpoint)
        touched = [credentials] if previous is None else [previous, credentials]
        self._changing(touched, lambda: self._put(credentials))

    def remove(self, endpoint: str) -> None:
        """Forget an endpoint's credentials (no error when absent)."""
        previous = self._by_endpoint.get(endpoint)
        if previous is not None:
            self._changing([previous], lambda: self._drop(endpoint))

    def _put(self, credentials: DeviceCredentials) -> None:
        self._drop(credentials.endpoint)
        self._by_endpoint[credentials.endpoint] = credentials
        identity = _identity_bytes(credentials)
        if identity is not None:
            self._by_identity[identity] = credentials
        for bootstrap_identity in _bootstrap_identities(credentials):
            self._by_bootstrap_identity[bootstrap_identity] = credentials

    def _drop(self, endpoint: str) -> None:
        previous = self._by_endpoint.pop(endpoint, None)
        if previous is None:
            return
        identity = _identity_bytes(previous)
        if identity is not None and self._by_identity.get(identity) is previous:
            del self._by_identity[identity]
        for bootstrap_identity in _bootstrap_identities(previous):
            if self._by_bootstrap_identity.get(bootstrap_identity) is previous:
                del self._by_bootstrap_identity[bootstrap_identity]

    def _changing(self, touched: Collection[DeviceCredentials], change: Callable[[], None]) -> None:
        """Run ``change`` and announce what it revoked among the ``touched`` records."""
        endpoints = {record.endpoint for record in touched}
        identities = {i for record in touched if (i := _identity_bytes(record)) is not None}
        bootstrap = {b for record in touched for b in _bootstrap_identities(record)}
        before = self._owners(endpoints, identities, bootstrap)
        change()
        after = self._owners(endpoints, identities, bootstrap)
        revoked = _revoked(before[1], after[1], lambda r: r.lwm2m_psk_key)
        revoked_bootstrap = _revoked(before[2], after[2], lambda r: r.bootstrap_psk_key)
        owners = [before[1][i] for i in revoked] + [before[2][i] for i in revoked_bootstrap]
        changed = [e for e, record in before[0].items() if record != after[0][e]]
        revocation = Revocation(
            identities=revoked,
            bootstrap_identities=revoked_bootstrap,
            endpoints=frozenset(changed) | {r.endpoint for r in owners if r is not None},
        )
        if revocation:
            for listener in list(self._revocation_listeners):
                listener(revocation)

    def _owners(
        self, endpoints: set[str], identities: set[bytes], bootstrap: set[bytes]
    ) -> tuple[
        dict[str, DeviceCredentials | None],
        dict[bytes, DeviceCredentials | None],
        dict[bytes, DeviceCredentials | None],
    ]:
        return (
            {endpoint: self._by_endpoint.get(endpoint) for endpoint in endpoints},
            {identity: self._by_identity.get(identity) for identity in identities},
            {identity: self._by_bootstrap_identity.get(identity) for identity in bootstrap},
        )

    def get(self, endpoint: str) -> DeviceCredentials | None:
        return self._by_endpoint.get(endpoint)

    def lookup(self, identity: bytes) -> bytes | None:
        """The PSK key for a DTLS PSK identity, or None: what the DTLS layer asks."""
        credentials = self._by_identity.get(identity)
        return None if credentials is None else credentials.lwm2m_psk_key

    def endpoint_for_identity(self, identity: bytes) -> str | None:
        credentials = self._by_identity.get(identity)
        return None if credentials is None else credentials.endpoint

    def bootstrap_lookup(self, identity: bytes) -> bytes | None:
        """The bootstrap PSK key for a bootstrap identity (or external bootstrap id)."""
        credentials = self._by_bootstrap_identity.get(identity)
        return None if credentials is None else credentials.bootstrap_psk_key

    def endpoint_for_bootstrap_identity(self, identity: bytes) -> str | None:
        credentials = self._by_bootstrap_identity.get(identity)
        return None if credentials is None else credentials.endpoint

    def __contains__(self, endpoint: object) -> bool:
        return endpoint in self._by_endpoint

    def __iter__(self) -> Iterator[DeviceCredentials]:
        return iter(list(self._by_endpoint.values()))

    def __len__(self) -> int:
        return len(self._by_endpoint)


def _revoked(
    before: dict[bytes, DeviceCredentials | None],
    after: dict[bytes, DeviceCredentials | None],
    key: Callable[[DeviceCredentials], bytes | None],
) -> frozenset[bytes]:
    """Identities that had an owner before and now have none, another, or another key."""
    return frozenset(
        identity
        for identity, old in before.items()
        if old is not None
        and (
            (new := after[identity]) is None or new.endpoint != old.endpoint or key(new) != key(old)
        )
    )


def _identity_bytes(credentials: DeviceCredentials) -> bytes | None:
    if credentials.security_mode is not SecurityMode.PSK or credentials.lwm2m_psk_id is None:
        return None
    return credentials.lwm2m_psk_id.encode("utf-8")


def _bootstrap_identities(credentials: DeviceCredentials) -> list[bytes]:
    """The identities a device may bootstrap with: its bootstrap PSK id and the
    external bootstrap id (one namespace, as the CSV import checks)."""
    if credentials.security_mode is not SecurityMode.PSK or credentials.bootstrap_psk_key is None:
        return []
    names = (credentials.bootstrap_psk_id, credentials.external_bootstrap_psk_id)
    return [name.encode("utf-8") for name in names if name]
