"""Firmware update (object 5): download, push, update, failures, cancel, reboot."""

from __future__ import annotations

from typing import Any

import pytest
from aiocoap import Message
from aiocoap import error as coap_error
from aiocoap.numbers.codes import Code
from aiocoap.optiontypes import BlockOption

from custom_components.lwm2m.engine import ContentFormat, Path
from simulator import SimulatedDevice
from simulator.firmware import FirmwareUpdate, next_version
from simulator.firmware_download import DownloadError, check_uri, download
from simulator.waiting import Changes

from .conftest import DeviceFactory
from .stand_in import ServerStandIn

STATE = Path.of(5, 0, 3)
RESULT = Path.of(5, 0, 5)
DELIVERY = Path.of(5, 0, 9)
PACKAGE = b"".join(index.to_bytes(4, "big") for index in range(2500))  # 10000 bytes


def serve(server: ServerStandIn, name: str = "image.bin", data: bytes = PACKAGE) -> bytes:
    server.site.files[("fw", name)] = data
    host, port = server.address
    return f"coap://{host}:{port}/fw/{name}".encode()


async def write_uri(server: ServerStandIn, device: SimulatedDevice, uri: bytes) -> Message:
    return await server.request(
        device, Code.PUT, "/5/0/1", content_format=ContentFormat.TEXT, payload=uri
    )


def test_next_version() -> None:
    assert next_version("1.0.3") == "1.0.4"
    assert next_version("7") == "8"
    assert next_version("1.0-beta") == "1.0-beta.1"


async def test_update_from_a_package_uri(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.firmware.step = 0.05
    observer = await server.observe(device, str(STATE), accept=ContentFormat.TEXT)
    written = await write_uri(server, device, serve(server))
    assert written.code == Code.CHANGED
    await device.wait_until(lambda: device.value(STATE) == 2)
    assert device.firmware.package == PACKAGE
    assert device.firmware.blocks_fetched == 10  # 1024-byte blocks
    executed = await server.request(device, Code.POST, "/5/0/2")
    assert executed.code == Code.CHANGED
    assert device.value(STATE) == 3
    await device.wait_until(lambda: device.value(STATE) == 0)
    assert device.value(RESULT) == 1
    assert device.value(Path.of(3, 0, 3)) == "1.0.1"
    assert device.value(Path.of(5, 0, 7)) == "1.0.1"
    states = [message.payload for message in await observer.wait_for_count(4)]
    assert states == [b"1", b"2", b"3", b"0"]


async def test_smaller_blocks_when_asked(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.firmware.block_size_exponent = 2  # 64 bytes
    await write_uri(server, device, serve(server, data=PACKAGE[:2000]))
    await device.wait_until(lambda: device.value(STATE) == 2)
    assert device.firmware.package == PACKAGE[:2000]
    assert device.firmware.blocks_fetched == 32


async def test_package_write_and_reset(server: ServerStandIn, device: SimulatedDevice) -> None:
    written = await server.request(
        device, Code.PUT, "/5/0/0", content_format=ContentFormat.OPAQUE, payload=b"\x7fELF" * 500
    )
    assert written.code == Code.CHANGED
    assert device.value(STATE) == 2
    assert device.firmware.package == b"\x7fELF" * 500
    reset = await write_uri(server, device, b"")
    assert reset.code == Code.CHANGED
    assert device.value(STATE) == 0


@pytest.mark.parametrize(
    ("uri", "result"),
    [
        (b"coap://127.0.0.1:9/fw/x", 4),  # nothing listens: ICMP unreachable
        (b"coaps://127.0.0.1/fw/x", 9),
        (b"https://example.com/fw.bin", 9),
        (b"ftp://example.com/fw.bin", 7),
        (b"firmware.bin", 7),
    ],
)
async def test_uris_it_cannot_download(
    server: ServerStandIn, device: SimulatedDevice, uri: bytes, result: int
) -> None:
    await write_uri(server, device, uri)
    await device.wait_until(lambda: device.value(RESULT) == result, timeout=10)
    assert device.value(STATE) == 0


async def test_missing_package_is_an_invalid_uri(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    host, port = server.address
    await write_uri(server, device, f"coap://{host}:{port}/fw/missing".encode())
    await device.wait_until(lambda: device.value(RESULT) == 7)
    assert device.value(STATE) == 0


async def test_push_only_refuses_a_uri(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.set_value(DELIVERY, 1)
    await write_uri(server, device, serve(server))
    assert (device.value(STATE), device.value(RESULT)) == (0, 9)


async def test_download_failure_result(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.firmware.download_result = 5
    await write_uri(server, device, serve(server))
    await device.wait_until(lambda: device.value(RESULT) == 5)
    assert device.value(STATE) == 0


async def test_update_failure_result(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.firmware.step = 0.01
    device.firmware.update_result = 8
    await server.request(
        device, Code.PUT, "/5/0/0", content_format=ContentFormat.OPAQUE, payload=b"image"
    )
    await server.request(device, Code.POST, "/5/0/2")
    await device.wait_until(lambda: device.value(RESULT) == 8)
    assert device.value(STATE) == 0
    assert device.value(Path.of(3, 0, 3)) == "1.0.0"


async def test_stall_and_resume(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.firmware.stall_after = 3
    await write_uri(server, device, serve(server))
    await device.wait_until(lambda: device.firmware.stalled)
    assert device.firmware.blocks_fetched == 3
    assert device.value(STATE) == 1
    device.firmware.resume_download()
    await device.wait_until(lambda: device.value(STATE) == 2)
    assert device.firmware.package == PACKAGE


async def test_cancel_stops_a_download(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.set_value(Path.of(5, 0, 10), None)
    device.firmware.stall_after = 2
    await write_uri(server, device, serve(server))
    await device.wait_until(lambda: device.firmware.stalled)
    cancelled = await server.request(device, Code.POST, "/5/0/10")
    assert cancelled.code == Code.CHANGED
    assert (device.value(STATE), device.value(RESULT)) == (0, 10)
    assert not device.firmware.stalled


async def test_reboot_mid_download(server: ServerStandIn, make_device: DeviceFactory) -> None:
    device = await make_device()
    device.firmware.stall_after = 2
    await write_uri(server, device, serve(server))
    await device.wait_until(lambda: device.firmware.stalled)
    old_port = device.address[1]
    since = len(server.arrivals)
    await device.reboot()
    assert (device.value(STATE), device.value(RESULT)) == (0, 4)
    assert device.address[1] != old_port
    assert (await server.wait_for("register", since=since)).source == device.address


async def test_reboot_mid_update_boots_the_new_firmware(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device()
    device.firmware.step = 60
    await server.request(
        device, Code.PUT, "/5/0/0", content_format=ContentFormat.OPAQUE, payload=b"image"
    )
    await server.request(device, Code.POST, "/5/0/2")
    await device.reboot(firmware_result=0)
    assert (device.value(STATE), device.value(RESULT)) == (0, 1)
    assert device.value(Path.of(3, 0, 3)) == "1.0.1"


async def test_without_network_nothing_downloads() -> None:
    values: dict[Path, Any] = {Path.of(5, 0, 1): "coap://127.0.0.1/fw"}
    changes = Changes()

    def set_value(path: Path, value: Any) -> None:
        values[path] = value
        changes.happened()

    firmware = FirmwareUpdate(values.get, set_value)
    firmware.written(Path.of(5, 0, 1))
    await changes.wait_until(lambda: values.get(RESULT) == 4)
    assert values[STATE] == 0
    firmware.close()


# --- the download on its own -----------------------------------------------------------


def _block_answer(data: bytes, request: Message, exponent: int) -> Message:
    wanted = request.opt.block2.reduced_to(exponent)
    chunk = data[wanted.start : wanted.start + wanted.size]
    more = wanted.start + wanted.size < len(data)
    answer = Message(code=Code.CONTENT, payload=chunk)
    answer.opt.block2 = BlockOption.BlockwiseTuple(wanted.block_number, more, exponent)
    return answer


async def _count(count: int) -> None:
    pass


async def test_download_follows_a_smaller_block_size() -> None:
    asked: list[tuple[int, int]] = []

    async def fetch(request: Message) -> Message:
        block = request.opt.block2
        asked.append((block.block_number, block.size_exponent))
        return _block_answer(PACKAGE, request, 4)

    assert await download(fetch, "coap://server/fw", 6, _count) == PACKAGE
    assert asked[:3] == [(0, 6), (1, 4), (2, 4)]


async def test_download_of_a_whole_answer() -> None:
    async def fetch(request: Message) -> Message:
        return Message(code=Code.CONTENT, payload=b"small")

    assert await download(fetch, "coap://server/fw", 6, _count) == b"small"


@pytest.mark.parametrize(
    ("answer", "result"),
    [
        (Message(code=Code.NOT_FOUND), 7),
        (Message(code=Code.SERVICE_UNAVAILABLE), 4),
        (coap_error.ConRetransmitsExceeded("gone"), 4),
    ],
)
async def test_download_failures(answer: Message | Exception, result: int) -> None:
    async def fetch(request: Message) -> Message:
        if isinstance(answer, Exception):
            raise answer
        return answer

    with pytest.raises(DownloadError) as raised:
        await download(fetch, "coap://server/fw", 6, _count)
    assert raised.value.result == result


async def test_download_refuses_blocks_out_of_order() -> None:
    async def fetch(request: Message) -> Message:
        answer = Message(code=Code.CONTENT, payload=bytes(64))
        answer.opt.block2 = BlockOption.BlockwiseTuple(5, True, 2)
        return answer

    with pytest.raises(DownloadError) as raised:
        await download(fetch, "coap://server/fw", 2, _count)
    assert raised.value.result == 4


def test_check_uri() -> None:
    check_uri("coap://[::1]:5683/fw/abc")
    with pytest.raises(DownloadError) as raised:
        check_uri("coap://[::1/fw")
    assert raised.value.result == 7
