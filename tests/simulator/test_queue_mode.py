"""Queue mode: an asleep device drops every datagram unanswered; wake() sends an update."""

from __future__ import annotations

from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import Path

from .conftest import DeviceFactory
from .raw_peer import RawPeer, raw_message
from .stand_in import ServerStandIn

TEMPERATURE = Path.of(3303, 0, 5700)


async def test_asleep_device_drops_requests_until_it_wakes(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device("sleepy", queue_mode=True)
    peer = await RawPeer.open()
    await device.sleep()
    assert device.asleep
    peer.send(raw_message(Code.GET, uri_path=("3", "0", "0"), token=b"zzz"), device.address)
    await device.wait_until(lambda: len(device.dropped) == 1)
    assert device.dropped[0].path == "/3/0/0"
    assert device.requests == []
    await device.wake()
    assert not device.asleep
    update = await server.wait_for("update")
    assert update.location == device.location
    answer = await peer.probe(device.address)
    assert answer.token == b"probe"
    assert peer.inbox.empty()
    peer.close()


async def test_notifications_wait_for_wake(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device("sleepy", queue_mode=True)
    observer = await server.observe(device, str(TEMPERATURE))
    await device.sleep()
    device.set_value(TEMPERATURE, 25.0)
    device.set_value(TEMPERATURE, 26.0)
    assert observer.notifications == []
    await device.wake()
    [notification] = await observer.wait_for_count(1)
    assert notification.opt.observe == 1


async def test_awake_time_puts_the_device_to_sleep(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device("napper", queue_mode=True, awake_time=0.2)
    assert not device.asleep
    await device.wait_until(lambda: device.asleep)


async def test_an_update_while_asleep_wakes_the_device(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device("sleepy", queue_mode=True)
    observer = await server.observe(device, str(TEMPERATURE))
    await device.sleep()
    device.set_value(TEMPERATURE, 25.0)
    assert await device.update() == Code.CHANGED
    assert not device.asleep
    [notification] = await observer.wait_for_count(1)
    assert notification.opt.observe == 1
