"""Where the DTLS server gets pre-shared keys from.

The server asks the store on every handshake, so keys added or removed at run
time take effect with the next handshake, without a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, Protocol, runtime_checkable

from ..credentials.records import DeviceCredentials
from .errors import DtlsConfigurationError


@runtime_checkable
class PskStore(Protocol):
    """Maps a PSK identity, as the client sent it, to its key."""

    def lookup(self, identity: bytes) -> bytes | None:
        """The key for ``identity``, or None when the identity is unknown."""


class StaticPskStore:
    """Keys from a mapping, copied at construction; handy for tests and fixed setups."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Mapping[bytes, bytes]) -> None:
        self._keys = dict(keys)

    def __repr__(self) -> str:
        return f"<StaticPskStore {len(self._keys)} identities>"

    def lookup(self, identity: bytes) -> bytes | None:
        return self._keys.get(identity)


class CredentialsPskStore:
    """The PSKs of one server role, indexed from device credentials.

    ``role`` picks the LwM2M server's or the bootstrap server's identity and key.
    Call :meth:`replace` whenever the stored credentials change (for example
    after a CSV import); handshakes already use the new keys on their next
    """

    __slots__ = ("_keys", "_role")

    def __init__(
        self,
        credentials: Iterable[DeviceCredentials] = (),
        *,
        role: Literal["lwm2m", "bootstrap"] = "lwm2m",
    ) -> None:
        self._role = role
        self._keys: dict[bytes, bytes] = {}
        self.replace(credentials)

    def __repr__(self) -> str:
        return f"<CredentialsPskStore {self._role} {len(self._keys)} identities>"

    def __len__(self) -> int:
        return len(self._keys)

    def _entry(self, device: DeviceCredentials) -> tuple[str | None, bytes | None]:
        if self._role == "lwm2m":
            return device.lwm2m_psk_id, device.lwm2m_psk_key
        return device.bootstrap_psk_id, device.bootstrap_psk_key

    def replace(self, credentials: Iterable[DeviceCredentials]) -> None:
        """Swap in the keys of ``credentials``, all or nothing."""
        keys: dict[bytes, bytes] = {}
        for device in credentials:
            identity, key = self._entry(device)
            if identity is None or key is None:
                continue
            if not key:
                raise DtlsConfigurationError(f"device {device.endpoint!r} has an empty PSK")
            encoded = identity.encode("utf-8")
            if encoded in keys and keys[encoded] != key:
                raise DtlsConfigurationError(
                    f"device {device.endpoint!r} reuses another device's {self._role} PSK "
                    "identity with a different key"
                )
            keys[encoded] = key
        self._keys = keys  # one reference swap: a concurrent lookup sees old or new

    def lookup(self, identity: bytes) -> bytes | None:
        return self._keys.get(identity)
