"""The bootstrap of one device, step by step, on the server's request machinery.

Delete /0 and /1 (the client keeps its bootstrap account), Bootstrap-Discover what
is left, write the accounts the plan holds, then Bootstrap-Finish. Each step is
tried up to ``attempts`` times, waiting ``delay``, then twice that, ... in between;
a step that still fails ends the bootstrap with :class:`StepFailedError`. Discover
is optional for clients: when it fails, the plan assumes every instance id is free.

Writes go in the format the link's negotiator picks first (the client's ``pct``); a
client that refuses it with 4.15 gets TLV from then on.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiocoap.numbers.codes import Code

from ..clock import Clock, clock_sleep
from ..credentials.records import DeviceCredentials
from ..errors import InvalidResponseError, RequestFailedError, RequestTimeoutError
from ..log_once import LogOnce
from ..path import Path
from ..requests import operations
from ..requests.exchange import DeviceLink, Exchanger, check
from ..requests.request import DeviceRequest, Operation
from .layout import SECURITY_OBJECT, SERVER_OBJECT, ClientLayout, layout_from_links
from .plan import BootstrapPlan, plan_bootstrap

BOOTSTRAP_FINISH_PATH = ("bs",)
RETRYABLE = (RequestFailedError, RequestTimeoutError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    delay: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.delay < 0:
            raise ValueError("attempts must be at least 1 and delay not negative")

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (counted from 1)."""
        return float(self.delay * 2 ** (attempt - 1))


class StepFailedError(Exception):
    """A bootstrap step failed on every attempt; ``code`` is None for no answer."""

    def __init__(self, step: str, code: str | None, reason: str, attempts: int) -> None:
        super().__init__(f"{step} failed with {code or 'no answer'} after {attempts} attempts")
        self.step = step
        self.code = code
        self.reason = reason
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class Destination:
    """Where the device's LwM2M server and bootstrap server accounts point to."""

    server_uri: str
    bootstrap_uri: str
    lifetime: int


class BootstrapSequence:
    def __init__(
        self,
        exchanger: Exchanger,
        link: DeviceLink,
        credentials: DeviceCredentials,
        destination: Destination,
        *,
        retry: RetryPolicy,
        clock: Clock,
        log_once: LogOnce,
    ) -> None:
        self._exchanger = exchanger
        self._link = link
        self._credentials = credentials
        self._destination = destination
        self._retry = retry
        self._clock = clock
        self._log_once = log_once

    async def run(self) -> BootstrapPlan:
        await self._step("delete /0", lambda: self._delete(Path.of(SECURITY_OBJECT)))
        await self._step("delete /1", lambda: self._delete(Path.of(SERVER_OBJECT)))
        layout = await self._discover()
        plan = plan_bootstrap(
            self._credentials,
            layout,
            server_uri=self._destination.server_uri,
            bootstrap_uri=self._destination.bootstrap_uri,
            lifetime=self._destination.lifetime,
            model=self._link.model,
        )
        for path in plan.unfilled:
            self._log_once(
                f"bootstrap-unfilled:{path}",
                "bootstrap of %s: no value for the Mandatory resource %s",
                self._link.endpoint,
                path,
            )
        for write in plan.writes:
            request = DeviceRequest(Operation.WRITE, write.path, values=tuple(write.values.items()))
            await self._step(f"write {write.path}", functools.partial(self._write, request))
        await self._step("finish", self._finish)
        return plan

    async def _step(self, name: str, action: Callable[[], Awaitable[None]]) -> None:
        attempt = 1
        while True:
            try:
                await action()
            except RETRYABLE as error:
                if attempt >= self._retry.attempts:
                    raise StepFailedError(name, _code(error), str(error), attempt) from None
                self._log_once(
                    f"bootstrap-retry:{name}",
                    "bootstrap of %s: %s failed (%s), trying again",
                    self._link.endpoint,
                    name,
                    _code(error) or "no answer",
                )
                await clock_sleep(self._clock, self._retry.backoff(attempt))
                attempt += 1
            else:
                return

    async def _delete(self, path: Path) -> None:
        await operations.delete(self._exchanger, self._link, DeviceRequest(Operation.DELETE, path))

    async def _write(self, request: DeviceRequest) -> None:
        await operations.write(self._exchanger, self._link, request)

    async def _discover(self) -> ClientLayout:
        request = DeviceRequest(Operation.DISCOVER, Path())
        try:
            links = await operations.discover(self._exchanger, self._link, request)
        except (*RETRYABLE, InvalidResponseError) as error:
            self._log_once(
                f"bootstrap-discover:{type(error).__name__}",
                "bootstrap of %s: Bootstrap-Discover failed (%s); choosing instance ids blind",
                self._link.endpoint,
                error,
            )
            return ClientLayout()
        return layout_from_links(links)

    async def _finish(self) -> None:
        message = self._exchanger.message(self._link, Code.POST, Path())
        message.opt.uri_path = BOOTSTRAP_FINISH_PATH
        exchange = await self._exchanger.send(self._link, message, Path())
        check(self._link, Path(), exchange.response, (Code.CHANGED,))


def _code(error: Exception) -> str | None:
    return error.code if isinstance(error, RequestFailedError) else None
