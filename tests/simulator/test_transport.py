"""One socket per device: distinct ports for a fleet, and NAT rebinding mid-observation."""

from __future__ import annotations

from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import Type

from custom_components.lwm2m.engine import Path
from simulator import SimulatedDevice

from .conftest import DeviceFactory
from .raw_peer import RawPeer, raw_message
from .stand_in import ServerStandIn

TEMPERATURE = Path.of(3303, 0, 5700)


async def test_a_fleet_gets_distinct_ports(make_device: DeviceFactory) -> None:
    devices = [await make_device(f"fleet-{n}", register=False) for n in range(200)]
    assert len({device.address for device in devices}) == len(devices)


async def test_observation_survives_a_new_source_port(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    peer = await RawPeer.open()
    before = device.address
    request = raw_message(Code.GET, uri_path=("3303", "0", "5700"), observe=0, token=b"nat")
    peer.send(request, before)
    first = await peer.receive()
    assert first.opt.observe == 0
    await device.update(new_socket=True)
    update = await server.wait_for("update")
    assert update.source == device.address != before
    device.set_value(TEMPERATURE, 27.0)
    notification = await peer.receive()
    assert notification.token == b"nat"
    assert notification.mtype == Type.CON
    assert peer.sources[-1] == device.address
    peer.acknowledge(notification, device.address)
    peer.close()
