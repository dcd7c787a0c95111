"""Bootstrap outcomes in Home Assistant: bus events, log lines, and what diagnostics show.

A finished bootstrap is logged at INFO and fires ``lwm2m_bootstrap_finished``. A failed
one fires ``lwm2m_bootstrap_failed`` and is logged as a warning, but only where
:class:`FailureGate` lets it through: anyone who can send a UDP datagram can make the
bootstrap server refuse a request, under any endpoint name, as often as they like.

Nothing here carries a PSK identity or key: the engine's events hold neither.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_CODE,
    ATTR_DEVICE_ID,
    ATTR_ENDPOINT,
    ATTR_REASON,
    ATTR_SECURE,
    ATTR_STEP,
    EVENT_BOOTSTRAP_FAILED,
    EVENT_BOOTSTRAP_FINISHED,
    LOGGER,
)
from .engine import BootstrapFailed, BootstrapFinished, BootstrapStarted, LwM2MEvent

# At most this many failures are reported (warning and bus event) per window ...
REPORTS_PER_WINDOW = 20
REPORT_WINDOW = 600.0
# ... each endpoint and step kind once until the endpoint bootstraps; so many are kept.
REMEMBERED_FAILURES = 1024
# Outcomes of endpoints without credentials (refused requests) kept for diagnostics.
REMEMBERED_STRANGERS = 100


def step_kind(step: str) -> str:
    """The kind of a failed step: ``"write /0/1"`` and ``"write /1/0"`` are both ``write``."""
    return step.split(" ", 1)[0] or "sequence"


class FailureGate:
    """Which bootstrap failures are reported, and which only logged at DEBUG.

    Each (endpoint, step kind) is reported once, until that endpoint finishes a
    bootstrap (:meth:`clear`); and no more than ``per_window`` reports are made in
    ``window`` seconds altogether, however many endpoint names a source makes up.
    """

    def __init__(
        self,
        *,
        per_window: int = REPORTS_PER_WINDOW,
        window: float = REPORT_WINDOW,
        remembered: int = REMEMBERED_FAILURES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_window = per_window
        self._window = window
        self._remembered = remembered
        self._clock = clock
        self._reported: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._window_start = clock()
        self._count = 0
        self.suppressed = 0  # failures not reported in the current window

    def allow(self, endpoint: str, kind: str) -> bool:
        key = (endpoint, kind)
        if key in self._reported:
            self._reported.move_to_end(key)
            return False
        now = self._clock()
        if now - self._window_start >= self._window:
            self._window_start, self._count, self.suppressed = now, 0, 0
        if self._count >= self._per_window:
            self.suppressed += 1
            return False
        self._count += 1
        self._reported[key] = None
        if len(self._reported) > self._remembered:
            self._reported.popitem(last=False)
        return True

    @property
    def window_just_filled(self) -> bool:
        """True right after the report that used up the current window."""
        return self._count == self._per_window and self.suppressed == 0

    def clear(self, endpoint: str) -> None:
        for key in [key for key in self._reported if key[0] == endpoint]:
            del self._reported[key]


class BootstrapReport:
    """Turns the bootstrap server's events into bus events and log lines, and keeps
    the last outcome of each endpoint for diagnostics.

    ``device_id`` names an endpoint's Home Assistant device (None before it has one);
    ``known`` tells endpoints with imported credentials from made-up ones.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        device_id: Callable[[str], str | None],
        known: Callable[[str], bool],
        gate: FailureGate | None = None,
    ) -> None:
        self.hass = hass
        self._device_id = device_id
        self._known = known
        self._gate = gate or FailureGate()
        self._secure: dict[str, bool] = {}
        self._outcomes: dict[str, dict[str, Any]] = {}
        self._strangers: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def last(self, endpoint: str) -> dict[str, Any] | None:
        """The endpoint's last bootstrap outcome since the entry was set up, if any."""
        outcome = self._outcomes.get(endpoint) or self._strangers.get(endpoint)
        return None if outcome is None else dict(outcome)

    def outcomes(self) -> dict[str, dict[str, Any]]:
        """Every endpoint's last outcome, by endpoint."""
        return {endpoint: dict(outcome) for endpoint, outcome in self._all().items()}

    def _all(self) -> dict[str, dict[str, Any]]:
        return {**self._strangers, **self._outcomes}

    @callback
    def handle_event(self, event: LwM2MEvent) -> None:
        match event:
            case BootstrapStarted(secure=secure):
                self._secure[event.endpoint] = secure
            case BootstrapFinished():
                self._finished(event)
            case BootstrapFailed():
                self._failed(event)

    def _finished(self, event: BootstrapFinished) -> None:
        endpoint = event.endpoint
        secure = self._secure.pop(endpoint, None)
        self._gate.clear(endpoint)
        self._remember(
            endpoint,
            {"result": "finished", "secure": secure, "duration": round(event.duration, 3)},
            stranger=False,
        )
        LOGGER.info(
            "%s was bootstrapped over %s in %.1f s",
            endpoint,
            "DTLS" if secure else "plain CoAP",
            event.duration,
        )
        self.hass.bus.async_fire(
            EVENT_BOOTSTRAP_FINISHED,
            {
                ATTR_ENDPOINT: endpoint,
                ATTR_DEVICE_ID: self._device_id(endpoint),
                ATTR_SECURE: secure,
            },
        )

    def _failed(self, event: BootstrapFailed) -> None:
        endpoint = event.endpoint
        secure = self._secure.pop(endpoint, None)
        known = self._known(endpoint)
        reported = self._gate.allow(endpoint, step_kind(event.step))
        if known or reported:
            self._remember(
                endpoint,
                {
                    "result": "failed",
                    "secure": secure,
                    "step": event.step,
                    "code": event.code,
                    "reason": event.reason,
                    "attempts": event.attempts,
                },
                stranger=not known,
            )
        if not reported:
            LOGGER.debug(
                "Bootstrap of %s failed at %s (%s): %s",
                endpoint,
                event.step,
                event.code or "no answer",
                event.reason,
            )
            return
        LOGGER.warning(
            "Bootstrap of %s failed at %s (%s): %s; the same failure is not logged again "
            "until it bootstraps",
            endpoint,
            event.step,
            event.code or "no answer",
            event.reason,
        )
        if self._gate.window_just_filled:
            LOGGER.warning(
                "%d bootstrap failures were reported in %d minutes: further ones are "
                "logged at debug level only for the rest of that time",
                REPORTS_PER_WINDOW,
                int(REPORT_WINDOW // 60),
            )
        self.hass.bus.async_fire(
            EVENT_BOOTSTRAP_FAILED,
            {
                ATTR_ENDPOINT: endpoint,
                ATTR_DEVICE_ID: self._device_id(endpoint),
                ATTR_STEP: event.step,
                ATTR_CODE: event.code,
                ATTR_REASON: event.reason,
            },
        )

    def _remember(self, endpoint: str, outcome: dict[str, Any], *, stranger: bool) -> None:
        outcome = {"at": dt_util.utcnow().isoformat(), **outcome}
        if not stranger:
            self._strangers.pop(endpoint, None)
            self._outcomes[endpoint] = outcome
            return
        self._strangers[endpoint] = outcome
        self._strangers.move_to_end(endpoint)
        if len(self._strangers) > REMEMBERED_STRANGERS:
            self._strangers.popitem(last=False)
