"""What the bootstrap server writes to one device, from its credentials row.

* the LwM2M server's account: a Security instance (/0) from ``securityInstanceOffset``
  on, and a Server instance (/1) from 0 on, each at the first id the client's surviving
  instances leave free;
* when ``generateBootstrapServerConfig`` is set, the bootstrap server's own account:
  into the client's bootstrap account when it has one, else at the next free id.

Security resources 3, 4 and 5 (identity, server public key, secret key) are always
written, empty when the mode does not use them, so nothing stale survives.

Every instance written carries every Mandatory resource of the object (executable ones
aside), in the version the client reported in Bootstrap-Discover (else the newest the
server knows): what the row leaves open gets the specification's default, such as
Notification Storing (/1/x/6), true. Clients that validate their configuration refuse
Bootstrap-Finish otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from ..credentials.records import DeviceCredentials, SecurityMode
from ..model.device_model import DeviceModel
from ..model.registry import ObjectRegistry
from ..model.types import ObjectLookup, Operations
from ..path import Path
from .layout import SECURITY_OBJECT, SERVER_OBJECT, ClientLayout, first_free

DEFAULT_LIFETIME = 86400
MAX_SHORT_SERVER_ID = 65534
_HEX = re.compile(r"(?:0[xX])?((?:[0-9a-fA-F]{2})+)")


class SecurityModeValue(IntEnum):
    """Resource /0/x/2 (Security Mode)."""

    PSK = 0
    NO_SEC = 3


class SecurityResource(IntEnum):
    URI = 0
    BOOTSTRAP_SERVER = 1
    MODE = 2
    IDENTITY = 3
    SERVER_PUBLIC_KEY = 4
    SECRET_KEY = 5
    SHORT_SERVER_ID = 10


class ServerResource(IntEnum):
    SHORT_SERVER_ID = 0
    LIFETIME = 1
    DEFAULT_MINIMUM_PERIOD = 2
    DEFAULT_MAXIMUM_PERIOD = 3
    DISABLE_TIMEOUT = 5
    NOTIFICATION_STORING = 6
    BINDING = 7


@dataclass(frozen=True, slots=True, repr=False)
class InstanceWrite:
    """One Bootstrap-Write of a whole instance; ``values`` may hold keys: never shown."""

    path: Path
    values: dict[Path, Any]

    def __repr__(self) -> str:
        return f"<InstanceWrite {self.path}>"


@dataclass(frozen=True, slots=True)
class BootstrapPlan:
    """``unfilled``: Mandatory resources the plan has no value for (no default known)."""

    security_instance: int
    server_instance: int
    bootstrap_instance: int | None
    writes: tuple[InstanceWrite, ...]
    unfilled: tuple[Path, ...] = ()


# What the specification says a Mandatory resource holds when nobody set it.
SPECIFIED_DEFAULTS: dict[tuple[int, int], Any] = {
    (SERVER_OBJECT, ServerResource.NOTIFICATION_STORING): True,  # "The default value is true."
}


def plan_bootstrap(
    credentials: DeviceCredentials,
    layout: ClientLayout,
    *,
    server_uri: str,
    bootstrap_uri: str,
    lifetime: int = DEFAULT_LIFETIME,
    model: ObjectLookup | None = None,
) -> BootstrapPlan:
    """The writes that give the device its accounts, in the order to send them.

    ``model`` gives the object definitions (default: the bundled OMA model).
    """
    security_id = first_free(credentials.security_instance_offset, layout.security)
    server_id = first_free(0, layout.servers)
    writes = [
        _lwm2m_security(credentials, security_id, server_uri),
        _server(credentials, server_id, lifetime),
    ]
    bootstrap_id = None
    if credentials.generate_bootstrap_server_config:
        bootstrap_id = layout.bootstrap_account
        if bootstrap_id is None:
            taken = {*layout.security, security_id}
            bootstrap_id = first_free(credentials.security_instance_offset, taken)
        writes.append(_bootstrap_security(credentials, bootstrap_id, bootstrap_uri))
    definitions = DeviceModel(model or ObjectRegistry.default(), layout.version)
    unfilled: list[Path] = []
    complete = [_with_mandatory(write, definitions, unfilled) for write in writes]
    return BootstrapPlan(security_id, server_id, bootstrap_id, tuple(complete), tuple(unfilled))


def _with_mandatory(
    write: InstanceWrite, definitions: ObjectLookup, unfilled: list[Path]
) -> InstanceWrite:
    """``write`` with the specified default of each Mandatory resource it lacks."""
    object_id = write.path.ids[0]
    definition = definitions.get(object_id)
    if definition is None:
        return write
    values = dict(write.values)
    for resource in definition.resources.values():
        path = write.path.child(resource.id)
        if not resource.mandatory or resource.operations == Operations.E or path in values:
            continue
        default = SPECIFIED_DEFAULTS.get((object_id, resource.id))
        if default is None:
            unfilled.append(path)
        else:
            values[path] = default
    return InstanceWrite(write.path, dict(sorted(values.items())))


def _security(
    instance: int,
    *,
    uri: str,
    bootstrap: bool,
    identity: str | None,
    key: bytes | None,
    public_key: bytes = b"",
    short_server_id: int | None = None,
) -> InstanceWrite:
    path = Path.of(SECURITY_OBJECT, instance)
    psk = identity is not None and key is not None
    values: dict[Path, Any] = {
        path.child(SecurityResource.URI): uri,
        path.child(SecurityResource.BOOTSTRAP_SERVER): bootstrap,
        path.child(SecurityResource.MODE): int(
            SecurityModeValue.PSK if psk else SecurityModeValue.NO_SEC
        ),
        path.child(SecurityResource.IDENTITY): identity.encode("utf-8")
        if psk and identity
        else b"",
        path.child(SecurityResource.SERVER_PUBLIC_KEY): public_key,
        path.child(SecurityResource.SECRET_KEY): key if psk and key else b"",
    }
    if short_server_id is not None:
        values[path.child(SecurityResource.SHORT_SERVER_ID)] = short_server_id
    return InstanceWrite(path, values)


def _lwm2m_security(credentials: DeviceCredentials, instance: int, uri: str) -> InstanceWrite:
    psk = credentials.security_mode is SecurityMode.PSK
    return _security(
        instance,
        uri=uri,
        bootstrap=False,
        identity=credentials.lwm2m_psk_id if psk else None,
        key=credentials.lwm2m_psk_key if psk else None,
        public_key=public_key_bytes(credentials.server_public_key),
        short_server_id=credentials.lwm2m_short_server_id,
    )


def _bootstrap_security(credentials: DeviceCredentials, instance: int, uri: str) -> InstanceWrite:
    short_server_id = credentials.bootstrap_short_server_id
    return _security(
        instance,
        uri=uri,
        bootstrap=True,
        identity=credentials.bootstrap_psk_id,
        key=credentials.bootstrap_psk_key,
        short_server_id=short_server_id if 0 < short_server_id <= MAX_SHORT_SERVER_ID else None,
    )


def _server(credentials: DeviceCredentials, instance: int, lifetime: int) -> InstanceWrite:
    path = Path.of(SERVER_OBJECT, instance)
    optional: dict[ServerResource, int | bool | None] = {
        ServerResource.DEFAULT_MINIMUM_PERIOD: credentials.default_minimum_period,
        ServerResource.DEFAULT_MAXIMUM_PERIOD: credentials.default_maximum_period,
        ServerResource.DISABLE_TIMEOUT: credentials.disable_timeout,
        ServerResource.NOTIFICATION_STORING: credentials.notification_if_disabled,
    }
    values: dict[Path, Any] = {
        path.child(ServerResource.SHORT_SERVER_ID): credentials.lwm2m_short_server_id,
        path.child(ServerResource.LIFETIME): credentials.registration_lifetime or lifetime,
    }
    for resource, value in optional.items():
        if value is not None:
            values[path.child(resource)] = value
    values[path.child(ServerResource.BINDING)] = credentials.binding_mode.value
    return InstanceWrite(path, dict(sorted(values.items())))


def public_key_bytes(text: str | None) -> bytes:
    """The CSV's ``serverPublicKey`` as resource 4 holds it: hex when it is hex
    (optionally ``0x``-prefixed), else its UTF-8 bytes; nothing gives empty."""
    if not text:
        return b""
    match = _HEX.fullmatch(text.strip())
    if match is not None:
        return bytes.fromhex(match.group(1))
    return text.encode("utf-8")
