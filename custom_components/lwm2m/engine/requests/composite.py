"""Composite operations on devices that may lack them.

LwM2M 1.1 makes Read-, Write- and Observe-Composite optional for clients. One without
them answers 4.05 (or 4.04), or acknowledges the request and never answers it (Wakaama
does so with FETCH). The operation is then carried out with one request per path, and
the device is remembered as one to send single requests to from then on (in its
:class:`FormatMemory`, which outlives registrations). Until a device has answered a
composite request, one is allowed only ``accept_timeout``, so a silent device costs
that wait once rather than the full response time.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from ..errors import LwM2MError, RequestFailedError, RequestTimeoutError, ResponseTimeoutError
from .exchange import DeviceLink, Exchanger

COMPOSITE_REFUSALS = frozenset({"4.04", "4.05"})


def lacks_composite(error: LwM2MError) -> bool:
    """Whether ``error``, the outcome of a composite request, says the device may not
    have composite operations."""
    if isinstance(error, RequestFailedError):
        return error.code in COMPOSITE_REFUSALS
    return isinstance(error, RequestTimeoutError | ResponseTimeoutError)


def probe_limit(exchanger: Exchanger, link: DeviceLink) -> float | None:
    """The time cap of a composite request: ``accept_timeout`` until the device answered
    one, else none beyond the usual ones."""
    return None if link.formats.memory.composite_answered else exchanger.accept_timeout


async def composite_or_single[T](
    exchanger: Exchanger,
    link: DeviceLink,
    composite: Callable[[], Awaitable[T]],
    single: Callable[[], Awaitable[T]],
) -> T:
    """``composite()``, or ``single()`` when the device lacks composite operations."""
    memory = link.formats.memory
    if memory.no_composite:
        return await single()
    try:
        result = await composite()
    except LwM2MError as error:
        if not lacks_composite(error):
            raise
        reason = str(error)
    else:
        memory.composite_answered = True
        return result
    result = await single()
    memory.no_composite = True
    exchanger.log_once(
        f"no-composite:{link.endpoint}",
        "%s has no composite operations (%s); it gets one request per path",
        link.endpoint,
        reason,
        level=logging.INFO,
    )
    return result
