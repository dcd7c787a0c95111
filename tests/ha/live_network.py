"""Fixtures of the Home Assistant tests that run the real servers over loopback UDP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import pytest_socket
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
    DOMAIN,
)
from simulator import SimulatedDevice


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


@pytest.fixture
async def live_entry(hass: HomeAssistant, loopback: None) -> AsyncIterator[MockConfigEntry]:
    """A live entry (see :func:`add_live_entry`), unloaded after the test."""
    entry = await add_live_entry(hass)
    yield entry
    if entry.state.recoverable:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@asynccontextmanager
async def registered_device(
    hass: HomeAssistant, entry: MockConfigEntry, device: SimulatedDevice
) -> AsyncIterator[SimulatedDevice]:
    """``device`` started and registered with the entry's LwM2M server, its entities
    made; stopped afterwards."""
    await device.start()
    try:
        await device.register(("127.0.0.1", entry.data[CONF_COAP_PORT]))
        await hass.async_block_till_done(wait_background_tasks=True)
        yield device
    finally:
        await device.stop()


async def add_live_entry(hass: HomeAssistant) -> MockConfigEntry:
    """An entry set up on free loopback ports, open policy: the real servers listening."""
    coap, coaps, bootstrap, bootstraps = free_udp_ports(4)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="LwM2M",
        data={
            CONF_BIND_ADDRESS: "127.0.0.1",
            CONF_COAP_PORT: coap,
            CONF_COAPS_PORT: coaps,
            CONF_BOOTSTRAP_PORT: bootstrap,
            CONF_BOOTSTRAPS_PORT: bootstraps,
            CONF_SERVER_URI: f"coap://127.0.0.1:{coap}",
            CONF_SECURITY_POLICY: "open",
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def device(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> AsyncIterator[SimulatedDevice]:
    """sim-1, a simulated device with the default objects, registered with the live entry."""
    async with registered_device(
        hass, live_entry, SimulatedDevice("sim-1", auto_update=False)
    ) as simulated:
        yield simulated
