"""Observe: numbered, ordered notifications that honour pmin, pmax, gt, lt and st."""

from __future__ import annotations

import asyncio

from aiocoap import Message
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import Type

from custom_components.lwm2m.engine import ContentFormat, Path
from custom_components.lwm2m.engine.codec import decode
from simulator import SimulatedDevice

from .raw_peer import RawPeer, raw_message
from .stand_in import Observer, ServerStandIn

TEMPERATURE = Path.of(3303, 0, 5700)


def temperature(device: SimulatedDevice, message: object) -> float:
    values = decode(
        message.opt.content_format,  # type: ignore[attr-defined]
        TEMPERATURE,
        message.payload,  # type: ignore[attr-defined]
        device.registry,
    )
    return float(values[TEMPERATURE])


async def observe_temperature(
    server: ServerStandIn, device: SimulatedDevice, *attributes: str
) -> Observer:
    if attributes:
        written = await server.request(device, Code.PUT, str(TEMPERATURE), query=attributes)
        assert written.code == Code.CHANGED
    observer = await server.observe(device, str(TEMPERATURE), accept=ContentFormat.SENML_JSON)
    assert observer.first.code == Code.CONTENT
    assert observer.first.opt.observe == 0
    return observer


async def test_every_change_is_notified_in_order(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    observer = await observe_temperature(server, device, "pmin=0")
    for step in range(100):
        device.set_value(TEMPERATURE, 20.0 + step / 10)
    notifications = await observer.wait_for_count(100)
    assert [message.opt.observe for message in notifications] == list(range(1, 101))
    assert [temperature(device, message) for message in notifications] == [
        20.0 + step / 10 for step in range(100)
    ]
    record = await device.wait_for_request(lambda record: record.observe == 0)
    assert record.path == str(TEMPERATURE)


async def test_pmax_sends_without_a_change(server: ServerStandIn, device: SimulatedDevice) -> None:
    observer = await observe_temperature(server, device, "pmax=1")
    loop = asyncio.get_running_loop()
    started = loop.time()
    [notification] = await observer.wait_for_count(1, within=3)
    assert loop.time() - started >= 0.9
    assert temperature(device, notification) == 21.5


async def test_pmin_holds_changes_back(server: ServerStandIn, device: SimulatedDevice) -> None:
    observer = await observe_temperature(server, device, "pmin=1")
    loop = asyncio.get_running_loop()
    started = loop.time()
    for value in (22.0, 23.0, 24.0):
        device.set_value(TEMPERATURE, value)
    [notification] = await observer.wait_for_count(1, within=3)
    assert loop.time() - started >= 0.9
    assert temperature(device, notification) == 24.0
    assert len(observer.notifications) == 1


async def test_gt_lt_and_st_filter_changes(server: ServerStandIn, device: SimulatedDevice) -> None:
    observer = await observe_temperature(server, device, "pmin=0", "gt=25", "lt=10", "st=5")
    for value in (22.0, 24.9, 25.5, 26.0, 20.4, 15.0, 9.0, 9.5):
        device.set_value(TEMPERATURE, value)
    # 21.5 -> 22.0 and 24.9: no crossing, under st. 25.5 crosses gt. 26.0: no.
    # 20.4 steps 5.1 from 25.5. 15.0 steps 5.4. 9.0 crosses lt. 9.5: no.
    notifications = await observer.wait_for_count(4)
    await server.request(device, Code.GET, "/3/0/0")
    assert [temperature(device, message) for message in notifications] == [25.5, 20.4, 15.0, 9.0]


async def test_instance_observation_sees_resource_changes(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    observer = await server.observe(device, "/3311/0", accept=ContentFormat.SENML_CBOR)
    device.set_value(Path.of(3311, 0, 5851), 40)
    [notification] = await observer.wait_for_count(1)
    values = decode(notification.opt.content_format, Path.of(3311, 0), notification.payload, None)
    assert values[Path.of(3311, 0, 5851)] == 40


async def raw_observation(device: SimulatedDevice, peer: RawPeer) -> Message:
    request = raw_message(Code.GET, uri_path=("3303", "0", "5700"), observe=0, token=b"obs1")
    peer.send(request, device.address)
    first = await peer.receive()
    assert first.mtype == Type.ACK
    assert first.opt.observe == 0
    device.set_value(TEMPERATURE, 30.0)
    notification = await peer.receive()
    assert notification.mtype == Type.CON
    assert notification.opt.observe == 1
    assert notification.token == b"obs1"
    return notification


async def test_active_cancel_ends_the_observation(loopback: None, device: SimulatedDevice) -> None:
    peer = await RawPeer.open()
    notification = await raw_observation(device, peer)
    peer.acknowledge(notification, device.address)
    cancel = raw_message(Code.GET, uri_path=("3303", "0", "5700"), observe=1, token=b"obs1")
    peer.send(cancel, device.address)
    response = await peer.receive()
    assert response.code == Code.CONTENT
    assert response.opt.observe is None
    assert len(device.observations) == 0
    device.set_value(TEMPERATURE, 31.0)
    assert (await peer.probe(device.address)).token == b"probe"
    peer.close()


async def test_passive_cancel_ends_the_observation(loopback: None, device: SimulatedDevice) -> None:
    peer = await RawPeer.open()
    notification = await raw_observation(device, peer)
    peer.acknowledge(notification, device.address, reset=True)
    await device.wait_until(lambda: len(device.observations) == 0)
    assert (await peer.probe(device.address)).token == b"probe"
    device.set_value(TEMPERATURE, 31.0)
    assert (await peer.probe(device.address, b"again")).token == b"again"
    peer.close()


async def test_default_pmax_comes_from_the_server_object(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    device.set_value(Path.of(1, 0, 3), 1)
    observer = await server.observe(device, "/3303", accept=ContentFormat.SENML_CBOR)
    [notification] = await observer.wait_for_count(1, within=3)
    values = decode(notification.opt.content_format, Path.of(3303), notification.payload, None)
    assert values[TEMPERATURE] == 21.5


async def test_deregister_forgets_observations_silently(
    loopback: None, device: SimulatedDevice
) -> None:
    peer = await RawPeer.open()
    notification = await raw_observation(device, peer)
    peer.acknowledge(notification, device.address)
    await device.deregister()
    assert len(device.observations) == 0
    device.set_value(TEMPERATURE, 40.0)
    assert (await peer.probe(device.address)).token == b"probe"
    peer.close()


async def test_large_reads_go_block_wise(server: ServerStandIn, device: SimulatedDevice) -> None:
    long_name = "x" * 3000
    device.set_value(Path.of(3303, 0, 5750), long_name)
    response = await server.request(device, Code.GET, "/3303/0/5750", accept=ContentFormat.TEXT)
    assert response.payload == long_name.encode()
    assert response.opt.block2 is not None
