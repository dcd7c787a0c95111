"""Create an aiocoap context that serves coaps:// over the DTLS server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiocoap

from .endpoint import DtlsEndpoint
from .errors import DtlsUnavailableError
from .psk import PskLookup
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
    psk_lookup: PskLookup,
    *,
    settings: DtlsSettings | None = None,
    loggername: str = "coap-server.dtls",
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Any, DtlsEndpoint]:
    """An aiocoap ``Context`` serving ``site`` over coaps:// on ``bind``, and its endpoint.

    ``bind`` is an address of this host, or the any-address: 0.0.0.0 serves every
    IPv4 address, :: every IPv6 and IPv4 address, each device answered from the
    address it wrote to. Port 0 picks a free port (see ``endpoint.port``). A port in
    use raises :class:`DtlsBindError`; an installation where DTLS cannot run
    (:func:`dtls_status`) raises :class:`DtlsUnavailableError`. The context carries
    only this transport; ``await context.shutdown()`` closes every session and the
    socket. Requests sent through the context reach devices over their live sessions
    (set ``message.remote`` to a request's remote or to
    ``endpoint.remote_for_identity(...)``).
    """
    status = dtls_status()
    if not status.available:
        raise DtlsUnavailableError(f"DTLS unavailable: {status.reason}")
    from .coap_transport import BuiltinCoapTransport

    loop = asyncio.get_running_loop()
    context = aiocoap.Context(loop=loop, serversite=site, loggername=loggername)
    created: list[DtlsEndpoint] = []

    async def create_transport(mman: Any) -> BuiltinCoapTransport:
        transport = await BuiltinCoapTransport.create(
            bind, mman, context.log, psk_lookup, settings=settings or DtlsSettings(), clock=clock
        )
        created.append(transport)
        return transport

    await _register_message_interface(context, create_transport)
    return context, created[0]
