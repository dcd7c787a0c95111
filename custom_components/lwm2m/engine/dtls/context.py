"""Create an aiocoap context that serves coaps:// with a chosen DTLS backend."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiocoap

from .endpoint import Backend, DtlsEndpoint
from .errors import DtlsConfigurationError, DtlsUnavailableError
from .psk import KeyLengthReporting, PskStore
from .settings import DtlsSettings
from .status import dtls_status


async def _register_message_interface(
    context: Any, create_interface: Callable[[Any], Awaitable[Any]]
) -> None:
    """Add a message interface to ``context`` under aiocoap's own token/message managers.

    aiocoap has no public API for third-party transports; this is the one private
    call it takes, checked against aiocoap 0.4.17 (the version pinned in manifest.json).
    """
    await context._append_tokenmanaged_messagemanaged_transport(create_interface)


async def create_dtls_context(
    site: object | None,
    bind: tuple[str, int],
    psk_store: PskStore,
    *,
    backend: Backend = "builtin",
    settings: DtlsSettings | None = None,
    loggername: str = "coap-server.dtls",
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Any, DtlsEndpoint]:
    """An aiocoap ``Context`` serving ``site`` over coaps:// on ``bind``, and its endpoint.

    ``bind`` is an address of this host, or the any-address: 0.0.0.0 serves every
    IPv4 address, :: every IPv6 and IPv4 address, each device answered from the
    address it wrote to (the builtin backend only; the dtlssocket backend raises
    :class:`DtlsConfigurationError` for it). Port 0 picks a free port (see
    ``endpoint.port``). A port in use raises :class:`DtlsBindError`. The context
    carries only this transport; ``await context.shutdown()`` closes every
    session and the socket. Requests sent through the context reach devices
    over their live sessions (set ``message.remote`` to a request's remote or to
    ``endpoint.remote_for_identity(...)``).
    """
    settings = settings or DtlsSettings()
    status = dtls_status()
    if backend not in ("builtin", "dtlssocket"):
        raise DtlsConfigurationError(f"unknown DTLS backend {backend!r}")
    chosen = status.backend(backend)
    if not chosen.available:
        raise DtlsUnavailableError(f"DTLS backend {backend!r} unavailable: {chosen.reason}")
    if backend == "dtlssocket":
        from .tinydtls_backend import refuse_any_address

        refuse_any_address(bind)
    loop = asyncio.get_running_loop()
    context = aiocoap.Context(loop=loop, serversite=site, loggername=loggername)
    created: list[DtlsEndpoint] = []

    if backend == "builtin":
        from .coap_transport import BuiltinCoapTransport

        async def create_builtin(mman: Any) -> BuiltinCoapTransport:
            transport = await BuiltinCoapTransport.create(
                bind, mman, context.log, psk_store, settings=settings, clock=clock
            )
            created.append(transport)
            return transport

        await _register_message_interface(context, create_builtin)
    else:
        from .tinydtls_backend import MAX_PSK_LENGTH, TinyDtlsServerTransport

        if (
            isinstance(psk_store, KeyLengthReporting)
            and psk_store.longest_key_length() > MAX_PSK_LENGTH
        ):
            raise DtlsConfigurationError(
                f"the dtlssocket backend takes PSKs of at most {MAX_PSK_LENGTH} bytes; "
                f"the store holds one of {psk_store.longest_key_length()} bytes "
                "(use the builtin backend)"
            )

        async def create_tinydtls(mman: Any) -> TinyDtlsServerTransport:
            transport = await TinyDtlsServerTransport.create(
                bind, mman, context.log, psk_store, settings=settings, clock=clock
            )
            created.append(transport)
            return transport

        await _register_message_interface(context, create_tinydtls)
    return context, created[0]
