"""Live registrations by endpoint and by registration id, and their expiry timers."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ..clock import Clock, Timer
from .record import Registration

DEFAULT_GRACE_PERIOD = 30.0


class RegistrationStore:
    """Registrations keyed by endpoint; each expires ``lifetime + grace`` after its
    last Register or Update unless refreshed (``on_expired(registration)``)."""

    def __init__(
        self, clock: Clock, grace: float, on_expired: Callable[[Registration], None]
    ) -> None:
        self._clock = clock
        self._grace = grace
        self._on_expired = on_expired
        self._by_endpoint: dict[str, Registration] = {}
        self._endpoint_by_id: dict[str, str] = {}
        self._timers: dict[str, Timer] = {}

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
        if renew or registration.endpoint not in self._timers:
            self._schedule(registration)
        return previous

    def touch(self, registration: Registration, *, renew: bool = True) -> None:
        """Store an updated registration (same id); ``renew`` restarts its lifetime."""
        self.put(registration, renew=renew)

    def remove(self, endpoint: str) -> Registration | None:
        registration = self._by_endpoint.pop(endpoint, None)
        timer = self._timers.pop(endpoint, None)
        if timer is not None:
            timer.cancel()
        if registration is not None:
            self._endpoint_by_id.pop(registration.registration_id, None)
        return registration

    def clear(self) -> None:
        for endpoint in list(self._by_endpoint):
            self.remove(endpoint)

    def _schedule(self, registration: Registration) -> None:
        timer = self._timers.pop(registration.endpoint, None)
        if timer is not None:
            timer.cancel()
        self._timers[registration.endpoint] = self._clock.call_later(
            registration.lifetime + self._grace,
            lambda: self._expire(registration.endpoint, registration.registration_id),
        )

    def _expire(self, endpoint: str, registration_id: str) -> None:
        current = self._by_endpoint.get(endpoint)
        if current is None or current.registration_id != registration_id:
            return
        self.remove(endpoint)
        self._on_expired(current)
