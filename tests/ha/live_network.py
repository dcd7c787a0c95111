"""Fixtures of the Home Assistant tests that run the real servers over loopback UDP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import pytest_socket
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event


@pytest.fixture
def expected_lingering_timers() -> bool:
    """aiocoap keeps a timer per received message for its deduplication window."""
    return True


@pytest.fixture
def loopback(socket_enabled: None) -> None:
    pytest_socket.socket_allow_hosts(
        ["127.0.0.1", "::ffff:127.0.0.1", "::1"], allow_unix_socket=True
    )


def free_udp_ports(count: int) -> list[int]:
    """``count`` UDP ports free on 127.0.0.1 a moment ago."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


async def state_change(
    hass: HomeAssistant, entity_id: str, accept: Callable[[State], bool], trigger: Awaitable[Any]
) -> State:
    """Run ``trigger`` and return the first new state of ``entity_id`` that ``accept`` takes."""
    future: asyncio.Future[State] = hass.loop.create_future()

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and accept(new) and not future.done():
            future.set_result(new)

    remove = async_track_state_change_event(hass, [entity_id], _changed)
    try:
        await trigger
        async with asyncio.timeout(10):
            return await future
    finally:
        remove()
