"""Composite operations on LwM2M 1.1 devices that lack them: single requests instead.

A device without Read-, Write- or Observe-Composite answers 4.05 or 4.04, or (Wakaama,
for FETCH) acknowledges and never answers. The server then carries the operation out
with one request per path, and remembers per device not to try again.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.lwm2m.engine import LwM2MServer, NotificationReceived, Path
from simulator import Quirks, SimulatedDevice

from .harness import DeviceFactory, EventLog

MANUFACTURER = Path.of(3, 0, 0)
BATTERY = Path.of(3, 0, 9)
TEMPERATURE = Path.of(3303, 0, 5700)
APPLICATION_TYPE = Path.of(3303, 0, 5750)
COMPOSITE_METHODS = ("FETCH", "iPATCH")
WITHOUT_COMPOSITE = {
    "4.05": Quirks(composite="4.05"),
    "4.04": Quirks(composite="4.04"),
    "unanswered": Quirks(unanswered_methods=COMPOSITE_METHODS),
}


@pytest.fixture
def server_options() -> dict[str, Any]:
    return {"request_timeout": None}  # as Home Assistant runs it


def composite_requests(device: SimulatedDevice) -> list[str]:
    return [record.method for record in device.requests if record.method in COMPOSITE_METHODS]


@pytest.mark.parametrize("quirks", WITHOUT_COMPOSITE.values(), ids=WITHOUT_COMPOSITE.keys())
async def test_read_composite_falls_back_to_reads(
    server: LwM2MServer, registered_device: DeviceFactory, quirks: Quirks
) -> None:
    device = await registered_device("plain-1.1", quirks=quirks)
    paths = [MANUFACTURER, BATTERY, TEMPERATURE, Path.of(3303, 9)]  # the last one is missing
    async with asyncio.timeout(10):
        values = await server.read_composite("plain-1.1", paths)
        again = await server.read_composite("plain-1.1", paths)
    expected = {MANUFACTURER: "Simulated Devices Ltd", BATTERY: 87, TEMPERATURE: 21.5}
    assert values == again == expected
    assert composite_requests(device) == ["FETCH"]  # learnt once, per device


@pytest.mark.parametrize("quirks", WITHOUT_COMPOSITE.values(), ids=WITHOUT_COMPOSITE.keys())
async def test_write_composite_falls_back_to_writes(
    server: LwM2MServer, registered_device: DeviceFactory, quirks: Quirks
) -> None:
    device = await registered_device("plain-1.1", quirks=quirks)
    async with asyncio.timeout(10):
        await server.write_composite("plain-1.1", {APPLICATION_TYPE: "Attic"})
        await server.write_composite(
            "plain-1.1", {APPLICATION_TYPE: "Cellar", Path.of(1, 0, 1): 600}
        )
    assert device.value(APPLICATION_TYPE) == "Cellar"
    assert device.value(Path.of(1, 0, 1)) == 600
    assert composite_requests(device) == ["iPATCH"]


@pytest.mark.parametrize("quirks", WITHOUT_COMPOSITE.values(), ids=WITHOUT_COMPOSITE.keys())
async def test_observe_composite_falls_back_to_observations(
    server: LwM2MServer, events: EventLog, registered_device: DeviceFactory, quirks: Quirks
) -> None:
    device = await registered_device("plain-1.1", quirks=quirks)
    async with asyncio.timeout(10):
        observation = await server.observe_composite("plain-1.1", [BATTERY, TEMPERATURE])
    assert observation.initial == {BATTERY: 87, TEMPERATURE: 21.5}
    arrived = events.next(NotificationReceived, lambda event: TEMPERATURE in event.values)
    device.set_value(TEMPERATURE, 23.0)
    assert (await arrived).values == {TEMPERATURE: 23.0}

    await observation.cancel(active=True)
    await device.wait_until(lambda: len(device.observations) == 0)
    assert composite_requests(device) == ["FETCH"]


async def test_a_device_with_composite_operations_keeps_them(
    server: LwM2MServer, registered_device: DeviceFactory
) -> None:
    device = await registered_device("plain-1.1")
    paths = [MANUFACTURER, BATTERY]
    assert await server.read_composite("plain-1.1", paths) == {
        MANUFACTURER: "Simulated Devices Ltd",
        BATTERY: 87,
    }
    await server.read_composite("plain-1.1", paths)
    assert composite_requests(device) == ["FETCH", "FETCH"]
