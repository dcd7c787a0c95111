"""Observations: when a device notifies the server, and with what sequence number.

A notification goes out when an observed value changes (gt/lt/st permitting) but no
sooner than pmin after the previous one, and at the latest pmax after it even without a
change. While the device sleeps (queue mode) notifications are held and go out on wake.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import Path

from .attributes import Attributes

OBSERVE_SEQUENCE_MODULUS = 1 << 24

Emit = Callable[[Message, bool], None]
"""Hands a response to the observation's request stream; True marks the last one."""


class ClientObservation:
    """One observation of a path (or of several, for Observe-Composite)."""

    def __init__(
        self,
        paths: Iterable[Path],
        *,
        render: Callable[[], Message],
        emit: Emit,
        attributes: Callable[[], Attributes],
        number: Callable[[], float | None],
        awake: Callable[[], bool],
    ) -> None:
        self.paths = tuple(paths)
        self._render = render
        self._emit = emit
        self._attributes = attributes
        self._number = number
        self._awake = awake
        self._loop = asyncio.get_running_loop()
        self.sequence = 0
        self.ended: asyncio.Future[None] = self._loop.create_future()
        self._last_sent = self._loop.time()
        self._last_number: float | None = None
        self._held = False
        self._due: asyncio.TimerHandle | None = None
        self._period: asyncio.TimerHandle | None = None

    def start(self, first_response: Message) -> None:
        """Send the first response (sequence 0) and start the pmax clock."""
        first_response.opt.observe = self.sequence
        self._emit(first_response, False)
        self._sent()

    def concerns(self, changed: Path) -> bool:
        return any(changed.startswith(path) or path.startswith(changed) for path in self.paths)

    def value_changed(self) -> None:
        attributes = self._attributes()
        if attributes.has_conditions and not self._passes(attributes):
            return
        self._request(attributes)

    def _passes(self, attributes: Attributes) -> bool:
        """gt/lt/st against the last notified value; True when either is not a number."""
        previous, current = self._last_number, self._number()
        if previous is None or current is None:
            return True
        return attributes.worth_notifying(previous, current)

    def wake(self) -> None:
        if self._held:
            self._held = False
            self._request(self._attributes())

    def end(self, silently: bool = False) -> None:
        """Stop notifying; unless ``silently``, tell the server with a 4.04 notification.

        A silent end sends nothing (a device forgets its observations when it
        de-registers); the request stream is still closed.
        """
        if self.ended.done():
            return
        final = Message(code=Code.NOT_FOUND)
        if silently:
            final.opt.no_response = 0x08  # no 4.xx responses: nothing goes on the wire
        self._emit(final, True)
        self.close()

    def close(self) -> None:
        for handle in (self._due, self._period):
            if handle is not None:
                handle.cancel()
        self._due = self._period = None
        if not self.ended.done():
            self.ended.set_result(None)

    # --- scheduling ----------------------------------------------------------------------

    def _request(self, attributes: Attributes) -> None:
        if self.ended.done():
            return
        if not self._awake():
            self._held = True
            return
        due = self._last_sent + attributes.pmin
        if self._loop.time() >= due:
            self.notify()
        elif self._due is None:
            self._due = self._loop.call_at(due, self._due_now)

    def _due_now(self) -> None:
        self._due = None
        self._request(self._attributes())

    def _period_over(self) -> None:
        self._period = None
        if not self._awake():
            self._held = True
            return
        self.notify()

    def notify(self) -> None:
        """Send a notification with the current values now."""
        if self.ended.done():
            return
        if self._due is not None:
            self._due.cancel()
            self._due = None
        response = self._render()
        if not response.code.is_successful():
            self._emit(response, True)
            self.close()
            return
        self.sequence = (self.sequence + 1) % OBSERVE_SEQUENCE_MODULUS
        response.opt.observe = self.sequence
        self._emit(response, False)
        self._sent()

    def _sent(self) -> None:
        self._last_sent = self._loop.time()
        self._last_number = self._number()
        if self._period is not None:
            self._period.cancel()
            self._period = None
        period = self._attributes().period
        if period is not None:
            self._period = self._loop.call_later(period, self._period_over)


class Observations:
    """The live observations of one device."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._live: list[ClientObservation] = []
        self._on_change = on_change

    def __len__(self) -> int:
        return sum(1 for observation in self._live if not observation.ended.done())

    def __iter__(self) -> Iterator[ClientObservation]:
        return iter([observation for observation in self._live if not observation.ended.done()])

    def add(self, observation: ClientObservation) -> None:
        self._live.append(observation)
        self._changed()

    def remove(self, observation: ClientObservation) -> None:
        if observation in self._live:
            self._live.remove(observation)
            self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def changed(self, paths: Iterable[Path]) -> None:
        changed = list(paths)
        for observation in list(self._live):
            if any(observation.concerns(path) for path in changed):
                observation.value_changed()

    def wake(self) -> None:
        for observation in list(self._live):
            observation.wake()

    def end_all(self, silently: bool) -> None:
        for observation in list(self._live):
            observation.end(silently)
            self.remove(observation)
