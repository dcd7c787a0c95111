"""50,000 registrations that expire together never hold the event loop: the expiries are
handed out in batches, and the loop polls its sockets between two batches.

What is counted is work between two polls of the event loop's selector (what the loop
can do nothing else during), not time: no assertion here depends on the machine's speed.
bench/expiry_bench.py measures the longest callback with asyncio's slow-callback detection.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from custom_components.lwm2m.engine import Registration
from custom_components.lwm2m.engine.clock import LoopClock, ManualClock
from custom_components.lwm2m.engine.registration.store import EXPIRY_BATCH, RegistrationStore

REGISTRATIONS = 50_000
# The most expiries the loop may handle without polling its sockets. bench/expiry_bench.py
# measured 50 in a row holding the loop at most 9 ms on a loaded machine (20 ms allowed).
# A number of the test's own, not EXPIRY_BATCH: a larger batch must fail here.
MOST_EXPIRIES_BETWEEN_POLLS = 50


class SelectorPolls:
    """Counts the event loop's selector polls (one per loop iteration)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.count = 0
        selector: Any = loop._selector  # type: ignore[attr-defined]
        self._selector = selector
        self._select = selector.select
        selector.select = self._counting

    def _counting(self, timeout: float | None = None) -> Any:
        self.count += 1
        return self._select(timeout)

    def restore(self) -> None:
        self._selector.select = self._select


def registration(n: int, lifetime: int) -> Registration:
    return Registration(endpoint=f"meter-{n}", registration_id=f"{n:08x}", lifetime=lifetime)


async def test_a_mass_expiry_lets_the_loop_poll_between_batches() -> None:
    polls = SelectorPolls(asyncio.get_running_loop())
    expired_during_poll: list[int] = []
    all_expired = asyncio.Event()

    def expired(_: Registration) -> None:
        expired_during_poll.append(polls.count)
        if len(expired_during_poll) == REGISTRATIONS:
            all_expired.set()

    try:
        store = RegistrationStore(LoopClock(), 0.0, expired)
        for n in range(REGISTRATIONS):
            store.put(registration(n, lifetime=1))
        async with asyncio.timeout(60):
            await all_expired.wait()
    finally:
        polls.restore()
    per_poll = Counter(expired_during_poll)
    assert max(per_poll.values()) <= MOST_EXPIRIES_BETWEEN_POLLS
    assert len(store.view) == 0


def test_renewed_and_removed_registrations_do_not_expire() -> None:
    clock = ManualClock()
    expired: list[str] = []
    store = RegistrationStore(clock, 30.0, lambda r: expired.append(r.endpoint))
    for n in range(4):
        store.put(registration(n, lifetime=60))
    clock.advance(50)
    store.touch(registration(1, lifetime=60))  # an Update renews the lifetime
    store.put(registration(2, lifetime=300))  # a new lifetime
    store.remove("meter-3")  # de-registered
    clock.advance(40)  # 90 s: meter-0 ran out (60 + 30)
    assert expired == ["meter-0"]
    clock.advance(49)  # 139 s: meter-1 has a second left (50 + 60 + 30)
    assert expired == ["meter-0"]
    clock.advance(1)
    assert expired == ["meter-0", "meter-1"]
    clock.advance(300)
    assert expired == ["meter-0", "meter-1", "meter-2"]
    assert len(store.view) == 0


def test_a_renewal_without_a_new_lifetime_keeps_the_old_deadline() -> None:
    clock = ManualClock()
    expired: list[str] = []
    store = RegistrationStore(clock, 0.0, lambda r: expired.append(r.endpoint))
    store.put(registration(0, lifetime=60))
    clock.advance(50)
    store.touch(registration(0, lifetime=60), renew=False)  # e.g. a moved address
    clock.advance(11)
    assert expired == ["meter-0"]


@pytest.mark.parametrize("count", [1, EXPIRY_BATCH, EXPIRY_BATCH + 1, 3 * EXPIRY_BATCH])
def test_every_due_registration_expires_with_a_manual_clock(count: int) -> None:
    clock = ManualClock()
    expired: list[str] = []
    store = RegistrationStore(clock, 0.0, lambda r: expired.append(r.endpoint))
    for n in range(count):
        store.put(registration(n, lifetime=10))
    clock.advance(10)
    assert sorted(expired) == sorted(f"meter-{n}" for n in range(count))
