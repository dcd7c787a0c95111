"""The device's coaps:// side: DTLS-PSK client sessions to its servers.

Built on aiocoap's ``tinydtls`` client transport (DTLSSocket): one session per server
the device was given a PSK for, each on its own UDP socket. Requests the server sends
back over a session are answered by the device's site, as plain CoAP requests are.

tinydtls holds PSKs of at most 16 bytes; longer keys are refused up front. aiocoap
logs the PSK identity when it opens a session; the channel's logger redacts it.

DTLSSocket is built from source (it has no wheels). Where it is missing, aiocoap's
requests to coaps:// never complete, so opening a channel checks for it first and
fails with :class:`TinyDtlsUnavailableError`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any

import aiocoap
from aiocoap import Message
from aiocoap.numbers import COAPS_PORT
from aiocoap.util import hostportjoin

from .transport import InboundFilter, install_gate

MAX_KEY_LENGTH = 16
LOGGER_NAME = "simulator.coaps"
_REDACTED = "<psk identity>"


class TinyDtlsUnavailableError(RuntimeError):
    """DTLSSocket, which aiocoap's tinydtls client needs, cannot be imported here."""


def tinydtls_unavailable_reason() -> str | None:
    """Why aiocoap's tinydtls client cannot run here; None when it can."""
    try:
        importlib.import_module("DTLSSocket.dtls")
    except ImportError as err:
        return f"aiocoap's tinydtls DTLS client needs DTLSSocket, which is not installed ({err})"
    return None


def require_tinydtls() -> None:
    """Raise :class:`TinyDtlsUnavailableError` unless aiocoap's tinydtls client can run."""
    reason = tinydtls_unavailable_reason()
    if reason is not None:
        raise TinyDtlsUnavailableError(reason)


class _IdentityRedactor(logging.Filter):
    """Replaces PSK identities among a record's arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.identities: set[bytes] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(map(self._secret, args)):
            record.args = tuple(_REDACTED if self._secret(arg) else arg for arg in args)
        elif isinstance(args, Mapping) and any(map(self._secret, args.values())):
            record.args = {
                name: _REDACTED if self._secret(value) else value for name, value in args.items()
            }
        return True

    def _secret(self, value: object) -> bool:
        if isinstance(value, str):
            value = value.encode("utf-8")
        return isinstance(value, bytes) and value in self.identities


_REDACTOR = _IdentityRedactor()


def _logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if _REDACTOR not in logger.filters:
        logger.addFilter(_REDACTOR)
    return logger


class SecureChannel:
    def __init__(self, context: Any) -> None:
        self.context = context
        self._sessions: dict[str, Any] = {}

    @classmethod
    async def open(cls, site: Any, drop: InboundFilter) -> SecureChannel:
        require_tinydtls()
        context = await aiocoap.Context.create_server_context(
            site, transports=["tinydtls"], loggername=_logger().name
        )
        install_gate(context, drop)
        return cls(context)

    def add_psk(self, host: str, port: int, identity: bytes, key: bytes) -> None:
        """Use ``identity`` and ``key`` for coaps://host:port from now on."""
        if not identity or not key:
            raise ValueError("a PSK needs an identity and a key")
        if len(key) > MAX_KEY_LENGTH:
            raise ValueError(f"the tinydtls client takes PSKs of at most {MAX_KEY_LENGTH} bytes")
        _REDACTOR.identities.add(identity)
        authority = f"[{host}]" if ":" in host else host
        self.context.client_credentials.load_from_dict(
            {f"coaps://{authority}:{port}/*": {"dtls": {"psk": key, "client-identity": identity}}}
        )

    async def request(self, message: Message) -> Message:
        response: Message = await self.context.request(message).response
        # aiocoap keeps a DTLS session only while something refers to its remote.
        self._sessions[response.remote.hostinfo] = response.remote
        return response

    def end_session(self, host: str, port: int) -> None:
        """Close the session to host:port (with close_notify), as a client that is done."""
        remote = self._sessions.pop(hostportjoin(host, None if port == COAPS_PORT else port), None)
        if remote is not None:
            remote.shutdown()

    async def close(self) -> None:
        self._sessions.clear()
        await self.context.shutdown()
