"""Download grants: the secret, single-use, expiring URIs firmware images are served at.

A grant belongs to one endpoint and one image. Its URI is ``<base>/fw/<token>`` with a
random 128-bit token. It is revoked when the device reports the image downloaded, when
the update ends in any way, or when a new grant replaces it; it expires on its own after
``lifetime`` seconds. Only the device it was issued to may use it (see ``same_device``).
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiocoap.util import hostportjoin, hostportsplit

from ..clock import Clock
from ..registration.record import Registration
from ..transport.udp import peer_address, peer_identity
from .image import FirmwareImage

RESOURCE_PATH = ("fw",)

Served = Callable[[int], None]
"""Called with the end offset of every block served."""

PeerCheck = Callable[[str, Any], bool]
"""Whether a request's remote is the registered device ``endpoint``."""


@dataclass(frozen=True, eq=False, slots=True)
class DownloadGrant:
    token: str
    endpoint: str
    image: FirmwareImage
    expires_at: float
    served: Served


class DownloadGrants:
    """The live grants by token, at most one per endpoint."""

    def __init__(self, clock: Clock, same_device: PeerCheck) -> None:
        self._clock = clock
        self._same_device = same_device
        self._by_token: dict[str, DownloadGrant] = {}

    def issue(
        self, endpoint: str, image: FirmwareImage, lifetime: float, served: Served
    ) -> DownloadGrant:
        self.revoke(endpoint)
        token = secrets.token_urlsafe(16)
        grant = DownloadGrant(token, endpoint, image, self._clock.time() + lifetime, served)
        self._by_token[token] = grant
        return grant

    def revoke(self, endpoint: str) -> None:
        for token in [t for t, grant in self._by_token.items() if grant.endpoint == endpoint]:
            del self._by_token[token]

    def find(self, token: str) -> DownloadGrant | None:
        """The live grant for ``token``; None when there is none or it expired."""
        grant = self._by_token.get(token)
        if grant is not None and self._clock.time() >= grant.expires_at:
            del self._by_token[token]
            return None
        return grant

    def permits(self, grant: DownloadGrant, remote: Any) -> bool:
        return self._same_device(grant.endpoint, remote)

    def __len__(self) -> int:
        return len(self._by_token)


def same_device(registration: Registration | None, remote: Any) -> bool:
    """Whether a request from ``remote`` can come from the registered device.

    Over DTLS the PSK identity must be the registration's. Over plain CoAP the IP
    address must be the registration's; the port may differ, as clients often download
    on a socket of their own (so devices behind one NAT address are told apart by the
    token alone).
    """
    if registration is None:
        return False
    if registration.secure:
        identity = peer_identity(remote)
        return identity is not None and (
            identity.decode("utf-8", "replace") == registration.security_identity
        )
    if peer_identity(remote) is not None:
        return False
    return peer_address(remote)[0] == registration.address[0]


def download_uri(base: str, token: str, host: str | None = None) -> str | None:
    """``<scheme>://<host>:<port>/fw/<token>`` from the server's ``base`` URI, its host
    replaced by ``host`` when one is configured; None when the only host at hand is an
    unspecified address (a transport bound to all of them tells no better)."""
    scheme, _, hostinfo = base.partition("://")
    own_host, port = hostportsplit(hostinfo)
    host = host or own_host
    if _unspecified(host):
        return None
    return f"{scheme}://{hostportjoin(host, port)}/{'/'.join(RESOURCE_PATH)}/{token}"


def _unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return not host
