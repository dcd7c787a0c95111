"""Every request ends: a device that acknowledges a request and never answers it.

Some clients answer a request with an empty ACK and never send the separate response
(Wakaama does so with FETCH). Without a bound such a request waits forever, and a
queue-mode device's queue behind it never moves. The wait is bounded by CoAP's
EXCHANGE_LIFETIME (247 s with RFC 7252's values, counted on the server's clock from
the moment the request is sent) unless set otherwise.

Each test makes sure the device acknowledged the request before time moves on: a second
request to the same device is only sent once the first one's exchange ended (NSTART 1).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import Awake, LwM2MError, LwM2MServer, Path
from custom_components.lwm2m.engine.clock import ManualClock
from simulator import Quirks, SimulatedDevice

from .harness import DeviceFactory, EventLog

MANUFACTURER = Path.of(3, 0, 0)
BATTERY = Path.of(3, 0, 9)
RESET_MIN_MAX = Path.of(3303, 0, 5605)
EXCHANGE_LIFETIME = 247.0
NEVER_ANSWERS_POST = Quirks(unanswered_methods=("POST",))


@pytest.fixture
def server_options(clock: ManualClock, request: pytest.FixtureRequest) -> dict[str, Any]:
    # no request_timeout, as Home Assistant runs the server
    return {"clock": clock, "request_timeout": None, **getattr(request, "param", {})}


async def mute(make: DeviceFactory, **options: Any) -> SimulatedDevice:
    """A device that never answers POST, registered for a day."""
    return await make("mute", lifetime=86400, quirks=NEVER_ANSWERS_POST, **options)


async def executing(server: LwM2MServer, device: SimulatedDevice) -> asyncio.Future[None]:
    """An Execute the device acknowledged and will never answer."""
    execute = asyncio.ensure_future(server.execute("mute", RESET_MIN_MAX))
    await acknowledged(server, device, "POST")
    return execute


async def acknowledged(server: LwM2MServer, device: SimulatedDevice, method: str) -> None:
    """The device took the request in and its empty ACK reached the server."""
    await device.wait_for_request(lambda record: record.method == method)
    response = await server.request_raw("mute", Code.GET, MANUFACTURER)
    assert response.code == Code.CONTENT


async def ends_unanswered(task: asyncio.Future[Any]) -> LwM2MError:
    with pytest.raises(LwM2MError, match="acknowledged") as error:
        async with asyncio.timeout(5):
            await task
    return error.value


async def test_an_acknowledged_request_never_answered_fails_after_exchange_lifetime(
    server: LwM2MServer, clock: ManualClock, registered_device: DeviceFactory
) -> None:
    device = await mute(registered_device)
    execute = await executing(server, device)
    clock.advance(EXCHANGE_LIFETIME - 1)
    await asyncio.sleep(0)
    assert not execute.done()
    clock.advance(1)
    error = await ends_unanswered(execute)
    assert str(error) == f"mute: {RESET_MIN_MAX} was acknowledged but not answered in 247 s"
    # the device still answers what it does answer
    assert await server.read("mute", BATTERY) == {BATTERY: 87}


@pytest.mark.parametrize("server_options", [{"response_timeout": 30.0}], indirect=True)
async def test_the_bound_can_be_set(
    server: LwM2MServer, clock: ManualClock, registered_device: DeviceFactory
) -> None:
    device = await mute(registered_device)
    execute = await executing(server, device)
    clock.advance(30)
    await ends_unanswered(execute)


async def test_queue_mode_waits_from_the_send_and_the_queue_moves_on(
    server: LwM2MServer, events: EventLog, clock: ManualClock, registered_device: DeviceFactory
) -> None:
    device = await mute(registered_device, queue_mode=True, binding="UQ")
    await device.sleep()
    clock.advance(93)  # the awake window closed: requests wait in the queue
    execute = asyncio.ensure_future(server.execute("mute", RESET_MIN_MAX))
    read = asyncio.ensure_future(server.read("mute", BATTERY))
    await asyncio.sleep(0)
    clock.advance(10 * EXCHANGE_LIFETIME)  # time in the queue does not count
    await asyncio.sleep(0)
    assert not execute.done()
    assert not read.done()

    awake = events.next(Awake)
    await device.wake()
    await awake
    await acknowledged(server, device, "POST")
    clock.advance(EXCHANGE_LIFETIME)
    await ends_unanswered(execute)
    # the awake window closed meanwhile: the read is next, on the next wake-up
    assert not read.done()
    await device.wake()
    async with asyncio.timeout(5):
        assert await read == {BATTERY: 87}
