"""Stateless HelloVerifyRequest cookies (RFC 6347 4.2.1), bound to the peer address."""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from typing import Any

from .hello import ClientHello

COOKIE_LENGTH = 16
_SECRET_LENGTH = 32

PeerAddress = tuple[Any, ...]  # what asyncio reports: (host, port[, flowinfo, scope_id])


def _peer_bytes(peer: PeerAddress) -> bytes:
    host, port = peer[0], peer[1]
    encoded = f"{host}\0{port}".encode()
    return len(encoded).to_bytes(2, "big") + encoded


class CookieJar:
    """Issues and checks cookies with a secret that rotates every ``rotation`` seconds.

    A cookie made with the previous secret stays valid until the next rotation,
    so a client that got its cookie just before a rotation still gets through.
    """

    __slots__ = ("_clock", "_current", "_previous", "_rotated_at", "_rotation")

    def __init__(self, rotation: float, clock: Callable[[], float]) -> None:
        self._rotation = rotation
        self._clock = clock
        self._current = os.urandom(_SECRET_LENGTH)
        self._previous = os.urandom(_SECRET_LENGTH)
        self._rotated_at = clock()

    def __repr__(self) -> str:
        return "<CookieJar>"

    def _rotate_if_due(self) -> None:
        now = self._clock()
        if now - self._rotated_at >= self._rotation:
            # Two rotations' worth of silence invalidates every issued cookie.
            stale = now - self._rotated_at >= 2 * self._rotation
            self._previous = os.urandom(_SECRET_LENGTH) if stale else self._current
            self._current = os.urandom(_SECRET_LENGTH)
            self._rotated_at = now

    def rotate(self) -> None:
        """Start a new secret now; cookies of the old one stay valid for one period."""
        self._previous, self._current = self._current, os.urandom(_SECRET_LENGTH)
        self._rotated_at = self._clock()

    @staticmethod
    def _make(secret: bytes, peer: PeerAddress, hello: ClientHello) -> bytes:
        message = _peer_bytes(peer) + hello.cookie_binding()
        return hmac.digest(secret, message, "sha256")[:COOKIE_LENGTH]

    def issue(self, peer: PeerAddress, hello: ClientHello) -> bytes:
        self._rotate_if_due()
        return self._make(self._current, peer, hello)

    def verify(self, peer: PeerAddress, hello: ClientHello) -> bool:
        self._rotate_if_due()
        # Both comparisons always run, so timing does not tell which secret matched.
        current = hmac.compare_digest(self._make(self._current, peer, hello), hello.cookie)
        previous = hmac.compare_digest(self._make(self._previous, peer, hello), hello.cookie)
        return current | previous
