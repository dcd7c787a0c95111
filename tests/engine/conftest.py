"""Fixtures any engine test may name: sockets on loopback, a plain server and its events,
and the bootstrap stack with its devices."""

from .bootstrap.harness import make_device, stack
from .server.harness import (
    clock,
    events,
    expected_lingering_timers,
    fresh_coap_warnings,
    loopback,
    registered_device,
    server,
    server_options,
)

__all__ = [
    "clock",
    "events",
    "expected_lingering_timers",
    "fresh_coap_warnings",
    "loopback",
    "make_device",
    "registered_device",
    "server",
    "server_options",
    "stack",
]
