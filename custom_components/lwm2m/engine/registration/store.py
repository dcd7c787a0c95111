"""Live registrations by endpoint and by registration id, and when each expires."""

from __future__ import annotations

import heapq
import secrets
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ..clock import Clock, Timer
from .record import Registration

DEFAULT_GRACE_PERIOD = 30.0
# Expiries handled per timer callback: the event loop polls its sockets between two
# batches, so devices that all registered at once (after a power cut) and all expire at
# once do not hold it (50,000 of them took over a second in one go).
EXPIRY_BATCH = 50
_STALE_BATCH = 20 * EXPIRY_BATCH  # entries of renewed registrations, far cheaper to skip


class RegistrationStore:
    """Registrations keyed by endpoint; each expires ``lifetime + grace`` after its
    last Register or Update unless refreshed (``on_expired(registration)``).

    Deadlines wait in one heap behind one timer; an entry whose registration was
    renewed, replaced or removed since is skipped when it comes up.
    """

    def __init__(
        self, clock: Clock, grace: float, on_expired: Callable[[Registration], None]
    ) -> None:
        self._clock = clock
        self._grace = grace
        self._on_expired = on_expired
        self._by_endpoint: dict[str, Registration] = {}
        self._endpoint_by_id: dict[str, str] = {}
        self._deadlines: dict[str, float] = {}  # endpoint -> when it expires
        self._due: list[tuple[float, str]] = []  # heap of (deadline, endpoint)
        self._timer: Timer | None = None
        self._timer_at: float | None = None

    @property
    def view(self) -> Mapping[str, Registration]:
        return MappingProxyType(self._by_endpoint)

    def new_id(self) -> str:
        while True:
            candidate = secrets.token_hex(4)
            if candidate not in self._endpoint_by_id:
                return candidate

    def get(self, endpoint: str) -> Registration | None:
        return self._by_endpoint.get(endpoint)

    def by_id(self, registration_id: str) -> Registration | None:
        endpoint = self._endpoint_by_id.get(registration_id)
        return None if endpoint is None else self._by_endpoint.get(endpoint)

    def put(self, registration: Registration, *, renew: bool = True) -> Registration | None:
        """Store (or replace) the endpoint's registration and restart its lifetime.

        Returns the registration it replaced when that was a different one.
        """
        previous = self._by_endpoint.get(registration.endpoint)
        if previous is not None and previous.registration_id != registration.registration_id:
            self._endpoint_by_id.pop(previous.registration_id, None)
        else:
            previous = None
        self._by_endpoint[registration.endpoint] = registration
        self._endpoint_by_id[registration.registration_id] = registration.endpoint
        if renew or registration.endpoint not in self._deadlines:
            self._schedule(registration)
        return previous

    def touch(self, registration: Registration, *, renew: bool = True) -> None:
        """Store an updated registration (same id); ``renew`` restarts its lifetime."""
        self.put(registration, renew=renew)

    def remove(self, endpoint: str) -> Registration | None:
        registration = self._by_endpoint.pop(endpoint, None)
        self._deadlines.pop(endpoint, None)
        if registration is not None:
            self._endpoint_by_id.pop(registration.registration_id, None)
        return registration

    def clear(self) -> None:
        for endpoint in list(self._by_endpoint):
            self.remove(endpoint)
        self._due.clear()
        self._arm()

    def _schedule(self, registration: Registration) -> None:
        deadline = self._clock.time() + registration.lifetime + self._grace
        self._deadlines[registration.endpoint] = deadline
        heapq.heappush(self._due, (deadline, registration.endpoint))
        if self._timer_at is None or deadline < self._timer_at:
            self._arm()

    def _arm(self) -> None:
        """One timer, for the earliest deadline still waiting."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_at = None
        if self._due:
            self._timer_at = self._due[0][0]
            self._timer = self._clock.call_later(self._timer_at - self._clock.time(), self._run)

    def _run(self) -> None:
        """Expire what is due, at most EXPIRY_BATCH; the rest in the next callback."""
        self._timer = self._timer_at = None
        now = self._clock.time()
        handled = skipped = 0
        while self._due and self._due[0][0] <= now and handled < EXPIRY_BATCH:
            deadline, endpoint = heapq.heappop(self._due)
            if self._deadlines.get(endpoint) != deadline:
                skipped += 1  # renewed or removed since: a stale entry
                if skipped >= _STALE_BATCH:
                    break
                continue
            handled += 1
            registration = self.remove(endpoint)
            if registration is not None:
                self._on_expired(registration)
        if self._timer is None:
            self._arm()
