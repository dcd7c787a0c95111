"""Garbage, malformed CoAP and malformed LwM2M: the server answers, logs once, keeps going."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import aiocoap
import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import LwM2MServer, Path

from .device_stub import DEVICE_VALUES, answer_reads, register
from .harness import (
    make_server,
)
from .raw_peer import RawPeer

GARBAGE = [b"\xff", b"hello world", b"\x40", b"\x41\x01\x00\x01"]  # last: token length lies
BAD_OPTION_DELTA = bytes([0x40, 0x01, 0x12, 0x34, 0xF0])  # option delta 15 is reserved


def warnings(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(
        1
        for record in caplog.records
        if record.levelno >= logging.WARNING and text in record.getMessage()
    )


async def test_garbage_and_malformed_requests(
    server: LwM2MServer, caplog: pytest.LogCaptureFixture
) -> None:
    device = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    try:
        await register(device, server.port, "survivor")
        caplog.clear()
        caplog.set_level(logging.DEBUG)
        raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            for _ in range(3):
                for datagram in [*GARBAGE, BAD_OPTION_DELTA]:
                    raw.sendto(datagram, ("127.0.0.1", server.port))
        finally:
            raw.close()
        for _ in range(3):
            bad = await device.register(server.port, "ep=x&Q=yes")
            assert bad.code == Code.BAD_REQUEST
            unknown = await device.request(server.port, Code.GET, "/nothing")
            assert unknown.code == Code.NOT_FOUND
            method = await device.request(server.port, Code.GET, "/rd")
            assert method.code == Code.METHOD_NOT_ALLOWED
        # the server still works, and the device is still registered
        assert await server.read("survivor", Path.of(3, 0, 9)) == {Path.of(3, 0, 9): 87}
        assert "survivor" in server.registrations
        assert warnings(caplog, "unparsable message") == 1
        assert warnings(caplog, "parameter Q takes no value") == 1
    finally:
        await device.stop()


async def test_listener_errors_do_not_break_the_server(
    server: LwM2MServer, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("listener bug")

    seen: list[object] = []
    server.add_listener(broken)
    remove = server.add_listener(seen.append)
    device = await RawPeer().start()
    try:
        response = await device.register(server.port, "ep=fine")
        assert response.code == Code.CREATED
        assert len(seen) == 1
        assert "listener bug" in caplog.text
        remove()
        remove()
        await device.register(server.port, "ep=fine")
        assert len(seen) == 1
    finally:
        await device.stop()


async def test_taken_port_fails_loudly(server: LwM2MServer) -> None:
    second = make_server(port=server.port)
    with pytest.raises(OSError, match="in use"):
        await second.start()
    with pytest.raises(OSError, match="in use"):
        await aiocoap.Context.create_server_context(
            None, bind=("127.0.0.1", server.port), transports=["udp6"]
        )
    with pytest.raises(RuntimeError):
        await server.start()


async def test_port_requires_running_server(loopback: None) -> None:
    idle = make_server()
    with pytest.raises(RuntimeError):
        _ = idle.port
    await idle.start()
    assert idle.port > 0
    await idle.stop()


async def test_options_that_are_not_utf8_are_dropped(
    server: LwM2MServer, fresh_coap_warnings: None
) -> None:
    """aiocoap raises UnicodeDecodeError for such a Uri-Path; it must not reach the loop."""
    loop = asyncio.get_running_loop()
    loop_errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))
    device = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # CON POST, MID 0x1234, no token; Uri-Path "rd" then Uri-Path 0xC3 0x28
        raw.sendto(
            bytes([0x40, 0x02, 0x12, 0x34, 0xB2]) + b"rd" + b"\x02\xc3\x28", server_address(server)
        )
        await asyncio.sleep(0.1)
        await register(device, server.port, "after")
        assert await server.read("after", Path.of(3, 0, 9)) == {Path.of(3, 0, 9): 87}
        assert not loop_errors
    finally:
        loop.set_exception_handler(None)
        raw.close()
        await device.stop()


def server_address(server: LwM2MServer) -> tuple[str, int]:
    return ("127.0.0.1", server.port)
