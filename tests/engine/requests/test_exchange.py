"""A request's exchange: failures that arrive after the wait ended are not left unretrieved."""

from __future__ import annotations

import asyncio
import gc
import logging
from types import SimpleNamespace
from typing import Any

import aiocoap
from aiocoap import error as coap_error
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.engine.log_once import LogOnce
from custom_components.lwm2m.engine.requests.exchange import Exchanger, tuning


def _link(response: asyncio.Future[aiocoap.Message]) -> Any:
    context = SimpleNamespace(request=lambda *_args, **_kwargs: SimpleNamespace(response=response))
    return SimpleNamespace(endpoint="dev", transport=SimpleNamespace(context=context))


async def test_a_failure_landing_as_the_request_is_cancelled_is_retrieved() -> None:
    """As when a device's DTLS session closes: the closing fails the pending request and
    cancels the task that waits for it in the same turn of the loop."""
    loop = asyncio.get_running_loop()
    unretrieved: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: unretrieved.append(context))
    exchanger = Exchanger(
        tuning=tuning(),
        request_timeout=10,
        accept_timeout=10,
        log_once=LogOnce(logging.getLogger()),
    )
    response: asyncio.Future[aiocoap.Message] = loop.create_future()
    message = aiocoap.Message(code=Code.GET, uri_path=("3", "0", "0"))
    waiting = asyncio.create_task(exchanger.send(_link(response), message, Path.of(3, 0, 0)))
    await asyncio.sleep(0)  # the task now waits for the response
    response.set_exception(coap_error.NetworkError("the session closed"))
    waiting.cancel()
    await asyncio.wait([waiting])
    assert waiting.cancelled()
    del response, waiting
    gc.collect()
    assert not unretrieved
