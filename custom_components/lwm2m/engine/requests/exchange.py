"""Sending one CoAP request to a device and getting its response, formats negotiated.

Content-format trouble is handled here, once for every operation: a 4.06 or 4.15 answer
makes the device's memory refuse that format and the request is repeated with the next
one; a request with an Accept option that goes unanswered for ``accept_timeout`` (some
devices drop what they dislike) is repeated without the option, and when that is
answered, the device is remembered as one to send no Accept to.

Every request ends. One the device never acknowledges fails when CoAP's retransmissions
run out (RequestTimeoutError). One it acknowledges with an empty ACK and then never
answers (Wakaama does so with FETCH) fails ``response_timeout`` seconds of the server's
clock after it was sent (ResponseTimeoutError); the default is CoAP's EXCHANGE_LIFETIME,
the longest a response to a confirmable request can take to arrive (RFC 7252 4.8.2).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiocoap
from aiocoap import error as coap_error
from aiocoap.numbers.codes import Code
from aiocoap.numbers.constants import TransportTuning

from ..clock import Clock, LoopClock
from ..errors import LwM2MError, RequestFailedError, RequestTimeoutError, ResponseTimeoutError
from ..log_once import LogOnce
from ..model.types import ObjectLookup
from ..path import Path
from ..transport.udp import Transport, abandon_exchange, acknowledged
from .negotiation import Negotiator

_LOGGER = logging.getLogger(__name__)

DEFAULT_ACCEPT_TIMEOUT = 8.0
_DETAIL_LIMIT = 200


def tuning(ack_timeout: float = 2.0, max_retransmit: int = 4) -> TransportTuning:
    """CoAP retransmission settings for requests to devices (RFC 7252 defaults)."""
    settings = TransportTuning()
    settings.ACK_TIMEOUT = ack_timeout
    settings.MAX_RETRANSMIT = max_retransmit
    return settings


def exchange_lifetime(settings: TransportTuning) -> float:
    """CoAP's EXCHANGE_LIFETIME for ``settings`` (247 s with RFC 7252's values)."""
    return float(settings.EXCHANGE_LIFETIME)


@dataclass(frozen=True, slots=True)
class DeviceLink:
    """How to reach one registered device right now."""

    endpoint: str
    transport: Transport
    remote: Any
    root: tuple[str, ...]
    model: ObjectLookup
    formats: Negotiator


@dataclass(frozen=True, slots=True)
class Exchange:
    """A response and the aiocoap request it answered (kept alive for observations)."""

    response: aiocoap.Message
    request: Any
    accept: int | None


Builder = Callable[[int | None], aiocoap.Message]


class _UnansweredError(Exception):
    """The response time of an acknowledged request ran out."""


class Exchanger:
    def __init__(
        self,
        *,
        tuning: TransportTuning,
        request_timeout: float | None,
        accept_timeout: float,
        log_once: LogOnce,
        response_timeout: float | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.tuning = tuning
        self.request_timeout = request_timeout
        self.accept_timeout = accept_timeout
        self.response_timeout = (
            exchange_lifetime(tuning) if response_timeout is None else response_timeout
        )
        if self.response_timeout <= 0:
            raise ValueError("response_timeout must be positive")
        self._clock: Clock = clock or LoopClock()
        self.log_once = log_once

    def message(self, link: DeviceLink, code: Code, path: Path, **options: Any) -> aiocoap.Message:
        segments = (*link.root, *(str(part) for part in path.ids))
        message = aiocoap.Message(
            code=code, uri_path=segments, transport_tuning=self.tuning, **options
        )
        message.remote = link.remote
        return message

    async def send(
        self,
        link: DeviceLink,
        message: aiocoap.Message,
        path: Path,
        *,
        limit: float | None = None,
        blockwise: bool = True,
    ) -> Exchange:
        """Send and await the response; any transport failure is a RequestTimeoutError,
        an acknowledged request left unanswered a ResponseTimeoutError."""
        context = link.transport.context
        request = context.request(message, handle_blockwise=blockwise)
        limit = self.request_timeout if limit is None else limit
        try:
            async with asyncio.timeout(limit):
                response = await self._response(context, message, request.response)
        except TimeoutError:
            abandon_exchange(context, message)
            raise RequestTimeoutError(link.endpoint, path) from None
        except _UnansweredError:
            raise ResponseTimeoutError(link.endpoint, path, self.response_timeout) from None
        except coap_error.LibraryShutdown:
            raise LwM2MError("the server is shutting down") from None
        except coap_error.Error as error:
            _LOGGER.debug("%s: %s failed in transit: %r", link.endpoint, path, error)
            raise RequestTimeoutError(link.endpoint, path) from error
        return Exchange(response, request, message.opt.accept)

    async def _response(
        self,
        context: aiocoap.Context,
        message: aiocoap.Message,
        response: asyncio.Future[aiocoap.Message],
    ) -> aiocoap.Message:
        """``response``, unless the request was acknowledged and ``response_timeout``
        passed since it was sent. A request not yet acknowledged when the time is up (it
        waited behind another one, or is retransmitted) gets the time again."""
        expired: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        timer = None

        def check() -> None:
            nonlocal timer
            if acknowledged(context, message):
                if not expired.done():
                    expired.set_result(None)
            else:
                timer = self._clock.call_later(self.response_timeout, check)

        timer = self._clock.call_later(self.response_timeout, check)
        try:
            await asyncio.wait((response, expired), return_when=asyncio.FIRST_COMPLETED)
            if response.done():
                return response.result()
            raise _UnansweredError
        finally:
            timer.cancel()
            expired.cancel()
            if not response.done():
                response.cancel()  # aiocoap forgets the token: a late response is refused
            elif not response.cancelled():
                response.exception()  # a failure landing as the wait was cancelled is no news

    async def _probe(
        self, link: DeviceLink, message: aiocoap.Message, path: Path, blockwise: bool
    ) -> Exchange:
        """A first request with an Accept option, allowed only ``accept_timeout`` for its
        first response; a block-wise answer is then fetched again in full."""
        exchange = await self.send(link, message, path, limit=self.accept_timeout, blockwise=False)
        block = exchange.response.opt.block2
        if not blockwise or block is None or not block.more:
            return exchange
        again = message.copy()
        again.remote = link.remote
        return await self.send(link, again, path)

    async def negotiate(
        self,
        link: DeviceLink,
        path: Path,
        build: Builder,
        first: int | None,
        next_format: Callable[[], int | None],
        *,
        blockwise: bool = True,
        refused_code: Code = Code.NOT_ACCEPTABLE,
        limit: float | None = None,
    ) -> Exchange:
        """Send ``build(format)``, moving to ``next_format()`` while formats are refused.

        ``first`` is the Accept (or Content-Format) to try first; the builder decides
        which option the number goes into. ``limit`` caps each request like
        ``request_timeout`` does.
        """
        memory = link.formats.memory
        fmt = first
        tried: set[int | None] = set()
        while True:
            tried.add(fmt)
            probing = fmt is not None and refused_code is Code.NOT_ACCEPTABLE
            short = probing and not memory.accept_answered
            try:
                if short:
                    exchange = await self._probe(link, build(fmt), path, blockwise)
                else:
                    exchange = await self.send(
                        link, build(fmt), path, blockwise=blockwise, limit=limit
                    )
            except RequestTimeoutError:
                if not short:
                    raise
                exchange = await self.send(link, build(None), path, blockwise=blockwise)
                memory.drops_accept = True
                self.log_once(
                    f"drops-accept:{link.endpoint}",
                    "%s does not answer requests with an Accept option; sending none",
                    link.endpoint,
                )
                return exchange
            code = exchange.response.code
            if code == refused_code and fmt is not None:
                link.formats.refuse(fmt)
                fmt = next_format()
                if fmt in tried:
                    fmt = None
                if fmt is None and None in tried:
                    return exchange
                continue
            if probing and code.is_successful():
                memory.accept_answered = True
            return exchange


def check(
    link: DeviceLink, path: Path, response: aiocoap.Message, expected: Sequence[Code]
) -> None:
    """Raise RequestFailedError unless the response code is one of ``expected``."""
    if response.code in expected:
        return
    detail = bytes(response.payload[:_DETAIL_LIMIT]).decode("utf-8", "replace")
    raise RequestFailedError(link.endpoint, path, response.code.dotted, detail)
