"""Content-format behaviour of real clients, reproduced byte for byte."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiocoap
import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, LwM2MServer, Path
from custom_components.lwm2m.engine.codec import encode

from .device_stub import DEVICE_VALUES, content, register, request_path
from .harness import REGISTRY
from .raw_peer import RawPeer


@pytest.fixture
async def peer(server: LwM2MServer) -> AsyncIterator[RawPeer]:
    device = await RawPeer().start()
    await register(device, server.port, "quirky")
    yield device
    await device.stop()


def always(fmt: int) -> object:
    def respond(request: aiocoap.Message) -> aiocoap.Message:
        return content(request_path(request), DEVICE_VALUES, fmt)

    return respond


@pytest.mark.parametrize("fmt", [ContentFormat.TLV, ContentFormat.SENML_CBOR])
async def test_answer_in_another_format_than_asked(
    server: LwM2MServer, peer: RawPeer, fmt: ContentFormat
) -> None:
    peer.respond = always(fmt)  # type: ignore[assignment]
    assert await server.read("quirky", Path.of(3, 0), accept=ContentFormat.SENML_JSON) == (
        DEVICE_VALUES
    )


async def test_response_without_content_format(server: LwM2MServer, peer: RawPeer) -> None:
    def respond(request: aiocoap.Message) -> aiocoap.Message:
        path = request_path(request)
        fmt = ContentFormat.TEXT if len(path) == 3 else ContentFormat.TLV
        selected = {k: v for k, v in DEVICE_VALUES.items() if k.startswith(path)}
        return aiocoap.Message(code=Code.CONTENT, payload=encode(fmt, path, selected, REGISTRY))

    peer.respond = respond
    assert await server.read("quirky", Path.of(3, 0, 9)) == {Path.of(3, 0, 9): 87}
    assert await server.read("quirky", Path.of(3, 0)) == DEVICE_VALUES


async def test_device_dropping_disliked_accept(server: LwM2MServer, peer: RawPeer) -> None:
    def respond(request: aiocoap.Message) -> aiocoap.Message | None:
        if request.opt.accept is not None:
            return None  # dropped without a word
        return content(request_path(request), DEVICE_VALUES, ContentFormat.TEXT)

    peer.respond = respond
    path = Path.of(3, 0, 0)
    assert await server.read("quirky", path) == {path: "Acme"}
    assert [request.opt.accept for request in peer.requests] == [ContentFormat.LWM2M_CBOR, None]
    assert await server.read("quirky", path) == {path: "Acme"}
    assert peer.requests[-1].opt.accept is None  # remembered: no probe, no delay


async def test_device_answering_4_06(server: LwM2MServer, peer: RawPeer) -> None:
    def respond(request: aiocoap.Message) -> aiocoap.Message:
        if request.opt.accept not in (None, ContentFormat.SENML_JSON):
            return aiocoap.Message(code=Code.NOT_ACCEPTABLE)
        return content(request_path(request), DEVICE_VALUES, ContentFormat.SENML_JSON)

    peer.respond = respond
    assert await server.read("quirky", Path.of(3, 0)) == DEVICE_VALUES
    asked = [request.opt.accept for request in peer.requests]
    assert asked == [ContentFormat.LWM2M_CBOR, ContentFormat.SENML_CBOR, ContentFormat.SENML_JSON]
    await server.read("quirky", Path.of(3, 0))
    assert peer.requests[-1].opt.accept == ContentFormat.SENML_JSON


async def test_device_refusing_every_format_is_read_without_accept(
    server: LwM2MServer, peer: RawPeer
) -> None:
    def respond(request: aiocoap.Message) -> aiocoap.Message:
        if request.opt.accept is not None:
            return aiocoap.Message(code=Code.NOT_ACCEPTABLE)
        return content(request_path(request), DEVICE_VALUES, ContentFormat.TLV)

    peer.respond = respond
    assert await server.read("quirky", Path.of(3, 0)) == DEVICE_VALUES
    assert peer.requests[-1].opt.accept is None


async def test_lwm2m_1_0_device_gets_tlv(server: LwM2MServer) -> None:
    device = await RawPeer(always(ContentFormat.TLV)).start()  # type: ignore[arg-type]
    try:
        await device.register(server.port, "ep=old&lwm2m=1.0", b"</3/0>")
        await server.read("old", Path.of(3, 0))
        assert device.requests[-1].opt.accept == ContentFormat.TLV
    finally:
        await device.stop()
