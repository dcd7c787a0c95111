"""Observations: starting them, turning notifications into events, cancelling them.

Notifications are consumed through callbacks on aiocoap's plain (non-block-wise) client
request: each one is decoded and emitted as it arrives, in the order aiocoap accepts
them (it drops stale ones by their Observe sequence, RFC 7641). A notification that
starts a block-wise transfer is completed with a separate GET.

Once an observation is set up, its plain notifications over UDP skip aiocoap's layers
(``transport.watch_notifications``); the observation then checks their freshness itself,
with aiocoap's rule, and every notification, whichever way it came, moves the same
freshness state.

Passive cancel forgets the observation at once: aiocoap then no longer knows the token
and answers the device's next notification with RST. Active cancel sends a GET with
Observe=1 and the observation's own token (see ``transport.send_with_token``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiocoap
from aiocoap.numbers.codes import Code
from aiocoap.numbers.contentformat import ContentFormat

from ..clock import Clock
from ..codec import CodecError, TimedValue
from ..events import LwM2MEvent
from ..log_once import LogOnce
from ..path import Path
from ..requests.exchange import DeviceLink, Exchange, Exchanger
from ..requests.operations import composite_message, fetch_composite, fetch_values
from ..requests.payloads import decode_history
from ..transport.udp import send_with_token, watch_notifications
from .events import NotificationReceived

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ObservationTarget:
    """What is observed: one path, or several with Observe-Composite."""

    paths: tuple[Path, ...]
    composite: bool = False
    accept: int | None = None

    @property
    def path(self) -> Path:
        return Path() if self.composite else self.paths[0]

    @property
    def key(self) -> tuple[bool, tuple[Path, ...]]:
        return (self.composite, self.paths)


ObservationKey = tuple[bool, tuple[Path, ...]]


class Observation:
    """A running observation as its caller sees it; notifications come as events."""

    def __init__(
        self,
        endpoint: str,
        target: ObservationTarget,
        initial: dict[Path, Any],
        token: bytes,
        canceller: Callable[[str, ObservationTarget, bool], Any],
    ) -> None:
        self.endpoint = endpoint
        self.target = target
        self.initial = initial
        self.token = token
        self._canceller = canceller

    @property
    def path(self) -> Path:
        return self.target.path

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.target.paths

    async def cancel(self, *, active: bool = False) -> None:
        await self._canceller(self.endpoint, self.target, active)

    def __repr__(self) -> str:
        return f"Observation({self.endpoint!r}, {list(map(str, self.paths))})"


@dataclass(eq=False, slots=True)
class _Active:
    link: DeviceLink
    target: ObservationTarget
    request: Any
    token: bytes
    remote: Any
    accept: int | None
    ready: bool = False
    backlog: list[aiocoap.Message] = field(default_factory=list)
    cancel_answer: asyncio.Future[aiocoap.Message | None] | None = None
    sequence: int = 0  # the freshest notification's Observe number and arrival (RFC 7641 3.4)
    arrived: float = 0.0
    reset_time: float = 128.0  # OBSERVATION_RESET_TIME of the request's transport tuning
    unwatch: Callable[[], None] | None = None

    def fresh(self, sequence: int) -> bool:
        """RFC 7641 section 3.4, as aiocoap applies it; a fresh one becomes the latest."""
        latest = self.sequence
        now = time.time()
        recent = (
            (latest < sequence and sequence - latest < 2**23)
            or (latest > sequence and latest - sequence > 2**23)
            or now > self.arrived + self.reset_time
        )
        if recent:
            self.sequence, self.arrived = sequence, now
        return recent


class Observations:
    def __init__(
        self,
        exchanger: Exchanger,
        emit: Callable[[LwM2MEvent], None],
        clock: Clock,
        log_once: LogOnce,
        canceller: Callable[[str, ObservationTarget, bool], Any],
    ) -> None:
        self._canceller = canceller
        self._exchanger = exchanger
        self._emit = emit
        self._clock = clock
        self._log_once = log_once
        self._active: dict[str, dict[ObservationKey, _Active]] = {}
        self._remembered: dict[str, dict[ObservationKey, ObservationTarget]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # --- bookkeeping ------------------------------------------------------------------

    def remembered(self, endpoint: str) -> list[ObservationTarget]:
        return list(self._remembered.get(endpoint, {}).values())

    def knows(self, endpoint: str, target: ObservationTarget) -> bool:
        """Whether ``target`` is observed or remembered for ``endpoint``."""
        return target.key in self._active.get(endpoint, {}) or target.key in self._remembered.get(
            endpoint, {}
        )

    def token(self, endpoint: str, target: ObservationTarget) -> bytes | None:
        active = self._active.get(endpoint, {}).get(target.key)
        return None if active is None else active.token

    def stop(self, endpoint: str, target: ObservationTarget, *, forget: bool) -> None:
        """Passive cancel: forget the token now, so the next notification gets RST."""
        active = self._active.get(endpoint, {}).pop(target.key, None)
        if active is not None:
            _abandon(active)
        if forget:
            self._remembered.get(endpoint, {}).pop(target.key, None)

    def stop_all(self, endpoint: str) -> None:
        """Drop every running observation of an endpoint (its address or session went)."""
        for active in self._active.pop(endpoint, {}).values():
            _abandon(active)

    def close(self) -> None:
        for endpoint in list(self._active):
            self.stop_all(endpoint)
        for task in self._tasks:
            task.cancel()

    # --- starting ---------------------------------------------------------------------

    async def start(self, link: DeviceLink, target: ObservationTarget) -> Observation:
        self.stop(link.endpoint, target, forget=False)
        if target.composite:
            exchange = await fetch_composite(self._exchanger, link, target.paths, observe=True)
        else:
            exchange = await fetch_values(
                self._exchanger, link, target.path, target.accept, observe=True
            )
        response = exchange.response
        self._remembered.setdefault(link.endpoint, {})[target.key] = target
        if response.opt.observe is None:
            self._log_once(
                f"not-observable:{link.endpoint}",
                "%s answered an observe request on %s without observing it",
                link.endpoint,
                target.path,
            )
            full = await self._complete(link, target, exchange)
            decoded = self._decode(link, target, bytes(full.payload), full.opt.content_format)
            values = {} if decoded is None else decoded[0]
            return Observation(link.endpoint, target, values, b"", self._canceller)
        active = _Active(
            link, target, exchange.request, response.token, response.remote, exchange.accept,
            sequence=response.opt.observe, arrived=time.time(),
            reset_time=self._exchanger.tuning.OBSERVATION_RESET_TIME,
        )  # fmt: skip
        self._active.setdefault(link.endpoint, {})[target.key] = active
        observation = exchange.request.observation
        observation.register_callback(
            lambda message: self._on_message(active, message), _suppress_deprecation=True
        )
        observation.register_errback(
            lambda error: self._on_end(active, error), _suppress_deprecation=True
        )
        complete = await self._complete(link, target, exchange)
        values = self._notify(active, complete, response.opt.observe) or {}
        active.ready = True
        for message in active.backlog:
            self._deliver(active, message)
        active.backlog.clear()
        if self._active.get(link.endpoint, {}).get(target.key) is active:
            active.unwatch = watch_notifications(
                link.transport.context,
                active.token,
                active.remote,
                lambda sequence, content_format, payload: self._plain(
                    active, sequence, content_format, payload
                ),
            )
        return Observation(link.endpoint, target, values, active.token, self._canceller)

    async def _complete(
        self, link: DeviceLink, target: ObservationTarget, exchange: Exchange
    ) -> aiocoap.Message:
        """The whole representation, when the first block of it arrived alone."""
        response = exchange.response
        block = response.opt.block2
        if block is None or not block.more:
            return response
        if target.composite:
            message = composite_message(
                self._exchanger, link, target.paths, response.opt.content_format
            )
        else:
            message = self._exchanger.message(link, Code.GET, target.path, accept=exchange.accept)
        full = await self._exchanger.send(link, message, target.path)
        return full.response

    # --- notifications ----------------------------------------------------------------

    def _on_message(self, active: _Active, message: aiocoap.Message) -> None:
        if not active.ready:
            active.backlog.append(message)
            return
        self._deliver(active, message)

    def _deliver(self, active: _Active, message: aiocoap.Message) -> None:
        options = message.opt
        sequence = options.observe
        if sequence is None:
            if active.cancel_answer is not None and not active.cancel_answer.done():
                active.cancel_answer.set_result(message)
            return
        if not message.code.is_successful() or not active.fresh(sequence):
            return
        block = options.block2
        if block is not None and block.more:
            self._spawn(self._deliver_blockwise(active, message, sequence))
            return
        self._notify(active, message, sequence)

    def _plain(
        self, active: _Active, sequence: int, content_format: int | None, payload: bytes
    ) -> None:
        """A notification the transport took before aiocoap (see the module's docstring)."""
        if active.fresh(sequence):
            content = None if content_format is None else ContentFormat(content_format)
            self._emit_values(active, content, payload, sequence)

    async def _deliver_blockwise(
        self, active: _Active, message: aiocoap.Message, sequence: int
    ) -> None:
        exchange = Exchange(message, active.request, active.accept)
        try:
            full = await self._complete(active.link, active.target, exchange)
        except Exception as error:
            self._log_once(
                "notification-blocks",
                "could not fetch the rest of a notification from %s: %s",
                active.link.endpoint,
                error,
            )
            return
        self._notify(active, full, sequence)

    def _decode(
        self,
        link: DeviceLink,
        target: ObservationTarget,
        payload: bytes,
        content_format: int | None,
    ) -> tuple[dict[Path, Any], tuple[TimedValue, ...]] | None:
        try:
            return decode_history(
                content_format,
                target.path,
                payload,
                link.model,
                self._clock.time(),
            )
        except CodecError as error:
            self._log_once(
                f"bad-notification:{link.endpoint}",
                "undecodable notification from %s on %s: %s",
                link.endpoint,
                target.path,
                error,
            )
            return None

    def _notify(
        self, active: _Active, message: aiocoap.Message, sequence: int | None
    ) -> dict[Path, Any] | None:
        return self._emit_values(
            active, message.opt.content_format, bytes(message.payload), sequence
        )

    def _emit_values(
        self, active: _Active, content_format: int | None, payload: bytes, sequence: int | None
    ) -> dict[Path, Any] | None:
        link, target = active.link, active.target
        decoded = self._decode(link, target, payload, content_format)
        if decoded is None:
            return None
        values, history = decoded
        self._emit(
            NotificationReceived(
                link.endpoint,
                path=target.path,
                values=values,
                observe_sequence=sequence,
                content_format=content_format,
                history=history,
            )
        )
        return values

    def _on_end(self, active: _Active, error: Exception) -> None:
        _unwatch(active)
        current = self._active.get(active.link.endpoint, {})
        if current.get(active.target.key) is active:
            del current[active.target.key]
        if active.cancel_answer is not None and not active.cancel_answer.done():
            active.cancel_answer.set_result(None)
        _LOGGER.debug(
            "observation of %s on %s ended: %r", active.link.endpoint, active.target.path, error
        )

    # --- active cancel ----------------------------------------------------------------

    async def cancel_actively(self, endpoint: str, target: ObservationTarget) -> None:
        """GET with Observe=1 and the same token; then forget the observation."""
        self._remembered.get(endpoint, {}).pop(target.key, None)
        active = self._active.get(endpoint, {}).get(target.key)
        if active is None:
            return
        loop = asyncio.get_running_loop()
        active.cancel_answer = loop.create_future()
        link = active.link
        if target.composite:
            message = composite_message(
                self._exchanger, link, target.paths, active.accept or 0, observe=1
            )
        else:
            message = self._exchanger.message(
                link, Code.GET, target.path, accept=active.accept, observe=1
            )
        message.remote = active.remote
        answer = active.cancel_answer

        def on_failure() -> None:
            if not answer.done():
                answer.set_result(None)

        try:
            await send_with_token(link.transport.context, message, active.token, on_failure)
            limit = self._exchanger.request_timeout or self._exchanger.tuning.MAX_TRANSMIT_WAIT
            async with asyncio.timeout(limit):
                await answer
        except TimeoutError:
            _LOGGER.debug("%s did not answer the cancel of %s", endpoint, target.path)
        finally:
            self.stop(endpoint, target, forget=True)

    def _spawn(self, coroutine: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _unwatch(active: _Active) -> None:
    if active.unwatch is not None:
        active.unwatch()
        active.unwatch = None


def _abandon(active: _Active) -> None:
    _unwatch(active)
    observation = active.request.observation
    if observation is not None and not observation.cancelled:
        observation.cancel()
    stop_interest = getattr(active.request, "_stop_interest", None)
    if stop_interest is not None:
        # Ends the exchange in aiocoap's token manager right away; without it the next
        # notification would still be acknowledged once before aiocoap lets go.
        stop_interest()
