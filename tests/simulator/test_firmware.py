"""Firmware update (object 5): download, update, result and the new version."""

from __future__ import annotations

from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine.codec import ContentFormat
from custom_components.lwm2m.engine.path import Path
from simulator import SimulatedDevice
from simulator.firmware import next_version

from .stand_in import ServerStandIn

STATE = Path.of(5, 0, 3)
RESULT = Path.of(5, 0, 5)


def test_next_version() -> None:
    assert next_version("1.0.3") == "1.0.4"
    assert next_version("7") == "8"
    assert next_version("1.0-beta") == "1.0-beta.1"


async def test_update_from_a_package_uri(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.firmware.step = 0.05
    observer = await server.observe(device, str(STATE), accept=ContentFormat.TEXT)
    uri = b"coap://127.0.0.1/firmware-1.0.1.bin"
    written = await server.request(
        device, Code.PUT, "/5/0/1", content_format=ContentFormat.TEXT, payload=uri
    )
    assert written.code == Code.CHANGED
    assert device.value(STATE) == 1
    await device.wait_until(lambda: device.value(STATE) == 2)
    executed = await server.request(device, Code.POST, "/5/0/2")
    assert executed.code == Code.CHANGED
    assert device.value(STATE) == 3
    await device.wait_until(lambda: device.value(STATE) == 0)
    assert device.value(RESULT) == 1
    assert device.value(Path.of(3, 0, 3)) == "1.0.1"
    states = [message.payload for message in await observer.wait_for_count(4)]
    assert states == [b"1", b"2", b"3", b"0"]


async def test_package_write_and_reset(server: ServerStandIn, device: SimulatedDevice) -> None:
    written = await server.request(
        device, Code.PUT, "/5/0/0", content_format=ContentFormat.OPAQUE, payload=b"\x7fELF" * 500
    )
    assert written.code == Code.CHANGED
    assert device.value(STATE) == 2
    reset = await server.request(
        device, Code.PUT, "/5/0/1", content_format=ContentFormat.TEXT, payload=b""
    )
    assert reset.code == Code.CHANGED
    assert device.value(STATE) == 0
