"""The device's server accounts: its Security (/0) and Server (/1) instances.

A bootstrap account is a Security instance whose Bootstrap-Server resource is true;
an LwM2M server account is one whose resource is false, paired with the Server
instance of the same short server id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .objects import Instance, ObjectStore

SECURITY_OBJECT = 0
SERVER_OBJECT = 1
PSK_MODE = 0
NO_SEC_MODE = 3
DEFAULT_PORTS = {"coap": 5683, "coaps": 5684}

URI = 0
BOOTSTRAP_SERVER = 1
SECURITY_MODE = 2
IDENTITY = 3
SERVER_PUBLIC_KEY = 4
SECRET_KEY = 5
SECURITY_SHORT_SERVER_ID = 10
SERVER_SHORT_SERVER_ID = 0
LIFETIME = 1
BINDING = 7


@dataclass(frozen=True, slots=True, repr=False)
class ServerAccount:
    """Where and how to reach one LwM2M server; holds a secret key, so never printed."""

    security_instance: int
    server_instance: int | None
    uri: str
    security_mode: int
    identity: bytes
    secret_key: bytes
    short_server_id: int | None
    lifetime: int | None
    binding: str | None

    def __repr__(self) -> str:
        return f"<ServerAccount /0/{self.security_instance} {self.uri}>"

    @property
    def uses_psk(self) -> bool:
        return self.security_mode == PSK_MODE

    @property
    def address(self) -> tuple[str, str, int]:
        """(scheme, host, port) of the server URI."""
        return split_uri(self.uri)


def split_uri(uri: str) -> tuple[str, str, int]:
    parts = urlsplit(uri)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not a coap:// or coaps:// server URI: {uri!r}")
    return parts.scheme, parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme]


def is_bootstrap_account(instance: Mapping[int, Any]) -> bool:
    return instance.get(BOOTSTRAP_SERVER) is True


def bootstrap_account(uri: str, psk: tuple[bytes, bytes] | None) -> Instance:
    """The Security instance a device is shipped with to reach its bootstrap server."""
    identity, key = psk if psk is not None else (b"", b"")
    return {
        URI: uri,
        BOOTSTRAP_SERVER: True,
        SECURITY_MODE: PSK_MODE if psk is not None else NO_SEC_MODE,
        IDENTITY: identity,
        SERVER_PUBLIC_KEY: b"",
        SECRET_KEY: key,
    }


def server_accounts(store: ObjectStore) -> list[ServerAccount]:
    """The LwM2M server accounts, by Security instance id."""
    security = store.objects.get(SECURITY_OBJECT)
    servers = store.objects.get(SERVER_OBJECT)
    server_instances = {} if servers is None else servers.instances
    accounts = []
    for instance_id, instance in sorted(({} if security is None else security.instances).items()):
        if is_bootstrap_account(instance):
            continue
        short_server_id = _integer(instance.get(SECURITY_SHORT_SERVER_ID))
        server_id, server = _server_of(server_instances, short_server_id)
        accounts.append(
            ServerAccount(
                security_instance=instance_id,
                server_instance=server_id,
                uri=str(instance.get(URI, "")),
                security_mode=_integer(instance.get(SECURITY_MODE)) or 0,
                identity=_opaque(instance.get(IDENTITY)),
                secret_key=_opaque(instance.get(SECRET_KEY)),
                short_server_id=short_server_id,
                lifetime=_integer(server.get(LIFETIME)),
                binding=_text(server.get(BINDING)),
            )
        )
    return accounts


def _server_of(
    instances: Mapping[int, Instance], short_server_id: int | None
) -> tuple[int | None, Instance]:
    for instance_id, instance in sorted(instances.items()):
        if short_server_id is not None and instance.get(SERVER_SHORT_SERVER_ID) == short_server_id:
            return instance_id, instance
    return None, {}


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opaque(value: Any) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray) else b""


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
