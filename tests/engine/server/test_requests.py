"""Device-management requests against a raw CoAP peer over loopback UDP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiocoap
import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    ContentFormat,
    DeviceNotRegisteredError,
    InvalidResponseError,
    LwM2MServer,
    Path,
    RequestFailedError,
    RequestTimeoutError,
)
from custom_components.lwm2m.engine.codec import decode, decode_paths, encode

from .device_stub import DEVICE_VALUES, answer_reads, content, register, request_path
from .harness import REGISTRY, make_server
from .raw_peer import RawPeer


@pytest.fixture
async def peer(server: LwM2MServer) -> AsyncIterator[RawPeer]:
    device = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    await register(device, server.port, "dev")
    yield device
    await device.stop()


@pytest.mark.parametrize(
    "fmt",
    [
        ContentFormat.TLV,
        ContentFormat.SENML_JSON,
        ContentFormat.SENML_CBOR,
        ContentFormat.LWM2M_CBOR,
    ],
)
async def test_read_instance_in_each_format(
    server: LwM2MServer, peer: RawPeer, fmt: ContentFormat
) -> None:
    values = await server.read("dev", Path.of(3, 0), accept=fmt)
    assert values == DEVICE_VALUES
    assert peer.requests[-1].opt.accept == fmt


async def test_read_single_resources_as_text(server: LwM2MServer, peer: RawPeer) -> None:
    for path in (Path.of(3, 0, 0), Path.of(3, 0, 9)):
        values = await server.read("dev", path, accept=ContentFormat.TEXT)
        assert values == {path: DEVICE_VALUES[path]}


async def test_read_without_accept_uses_advertised_format(
    server: LwM2MServer, peer: RawPeer
) -> None:
    await server.read("dev", Path.of(3, 0))
    assert peer.requests[-1].opt.accept == ContentFormat.LWM2M_CBOR


async def test_read_error_carries_code(server: LwM2MServer, peer: RawPeer) -> None:
    with pytest.raises(RequestFailedError) as caught:
        await server.read("dev", Path.of(5, 0))
    assert caught.value.code == "4.04"


async def test_unknown_endpoint(server: LwM2MServer) -> None:
    with pytest.raises(DeviceNotRegisteredError):
        await server.read("nobody", Path.of(3, 0))


async def test_undecodable_response(server: LwM2MServer, peer: RawPeer) -> None:
    peer.respond = lambda request: aiocoap.Message(
        code=Code.CONTENT, payload=b"\xff\xff", content_format=ContentFormat.TLV
    )
    with pytest.raises(InvalidResponseError):
        await server.read("dev", Path.of(3, 0))


class Recorder:
    """Answers every request with ``code`` and keeps decoded payloads."""

    def __init__(self, code: Code = Code.CHANGED, **options: Any) -> None:
        self.code = code
        self.options = options
        self.seen: list[aiocoap.Message] = []

    def __call__(self, request: aiocoap.Message) -> aiocoap.Message:
        self.seen.append(request)
        return aiocoap.Message(code=self.code, **self.options)


async def test_write_replace_and_partial(server: LwM2MServer, peer: RawPeer) -> None:
    recorder = Recorder()
    peer.respond = recorder
    await server.write("dev", Path.of(1, 0, 1), 300)
    await server.write("dev", Path.of(1, 0), {Path.of(1, 0, 1): 60}, partial=True)
    await server.write("dev", Path.of(1, 0), {Path.of(1, 0, 1): 90, Path.of(1, 0, 7): "U"})
    single, partial, replace = recorder.seen
    assert (single.code, partial.code, replace.code) == (Code.PUT, Code.POST, Code.PUT)
    fmt = single.opt.content_format
    assert decode(fmt, Path.of(1, 0, 1), single.payload, REGISTRY) == {Path.of(1, 0, 1): 300}
    assert decode(partial.opt.content_format, Path.of(1, 0), partial.payload, REGISTRY) == {
        Path.of(1, 0, 1): 60
    }


async def test_write_with_explicit_format(server: LwM2MServer, peer: RawPeer) -> None:
    recorder = Recorder()
    peer.respond = recorder
    await server.write("dev", Path.of(1, 0, 1), 5, content_format=ContentFormat.TEXT)
    assert recorder.seen[0].payload == b"5"
    assert recorder.seen[0].opt.content_format == ContentFormat.TEXT


async def test_write_refused_format_falls_back(server: LwM2MServer, peer: RawPeer) -> None:
    seen: list[int] = []

    def respond(request: aiocoap.Message) -> aiocoap.Message:
        seen.append(request.opt.content_format)
        if request.opt.content_format != ContentFormat.TLV:
            return aiocoap.Message(code=Code.UNSUPPORTED_CONTENT_FORMAT)
        return aiocoap.Message(code=Code.CHANGED)

    peer.respond = respond
    await server.write("dev", Path.of(1, 0, 1), 7)
    assert seen[-1] == ContentFormat.TLV
    await server.write("dev", Path.of(1, 0, 1), 8)
    assert seen[-1] == ContentFormat.TLV
    assert len(seen) == 5  # three refusals, then TLV twice


async def test_write_failure(server: LwM2MServer, peer: RawPeer) -> None:
    peer.respond = Recorder(Code.METHOD_NOT_ALLOWED)
    with pytest.raises(RequestFailedError) as caught:
        await server.write("dev", Path.of(3, 0, 0), "x")
    assert caught.value.code == "4.05"


async def test_execute_with_arguments(server: LwM2MServer, peer: RawPeer) -> None:
    recorder = Recorder()
    peer.respond = recorder
    await server.execute("dev", Path.of(3, 0, 4), "0='now',1")
    (request,) = recorder.seen
    assert request.code == Code.POST
    assert request.opt.uri_path == ("3", "0", "4")
    assert request.payload == b"0='now',1"


async def test_create_returns_location(server: LwM2MServer, peer: RawPeer) -> None:
    recorder = Recorder(Code.CREATED, location_path=("3303", "7"))
    peer.respond = recorder
    created = await server.create("dev", Path.of(3303), {Path.of(3303, 7, 5700): 21.5})
    assert created == Path.of(3303, 7)
    (request,) = recorder.seen
    assert request.code == Code.POST
    assert request.opt.uri_path == ("3303",)
    values = decode(request.opt.content_format, Path.of(3303), request.payload, REGISTRY)
    assert values == {Path.of(3303, 7, 5700): 21.5}


async def test_create_without_location_uses_given_instance(
    server: LwM2MServer, peer: RawPeer
) -> None:
    peer.respond = Recorder(Code.CREATED)
    created = await server.create("dev", Path.of(3303), {Path.of(3303, 2, 5700): 1.0})
    assert created == Path.of(3303, 2)


async def test_create_at_a_chosen_instance_names_it_in_the_payload(
    server: LwM2MServer, peer: RawPeer
) -> None:
    recorder = Recorder(Code.CREATED)
    peer.respond = recorder
    created = await server.create("dev", Path.of(3303, 7), {Path.of(3303, 7, 5700): 21.5})
    assert created == Path.of(3303, 7)
    (request,) = recorder.seen
    assert request.opt.uri_path == ("3303",)
    values = decode(request.opt.content_format, Path.of(3303), request.payload, REGISTRY)
    assert values == {Path.of(3303, 7, 5700): 21.5}


async def test_create_at_a_chosen_instance_without_values_sends_an_empty_tlv_instance(
    server: LwM2MServer, peer: RawPeer
) -> None:
    recorder = Recorder(Code.CREATED, location_path=("3303", "7"))
    peer.respond = recorder
    assert await server.create("dev", Path.of(3303, 7), {}) == Path.of(3303, 7)
    (request,) = recorder.seen
    assert request.code == Code.POST
    assert request.opt.uri_path == ("3303",)
    assert request.opt.content_format == ContentFormat.TLV
    assert request.payload == bytes([0b00_0_00_000, 7])


async def test_delete(server: LwM2MServer, peer: RawPeer) -> None:
    recorder = Recorder(Code.DELETED)
    peer.respond = recorder
    await server.delete("dev", Path.of(3303, 7))
    assert recorder.seen[0].code == Code.DELETE


async def test_discover(server: LwM2MServer, peer: RawPeer) -> None:
    peer.respond = Recorder(
        Code.CONTENT,
        payload=b"</3/0>;pmin=10,</3/0/0>,</3/0/7>;dim=2",
        content_format=ContentFormat.LINK_FORMAT,
    )
    links = await server.discover("dev", Path.of(3, 0))
    assert [link.uri for link in links] == ["/3/0", "/3/0/0", "/3/0/7"]
    assert links[0].pmin == 10
    assert links[2].dim == 2
    assert peer.requests[-1].opt.accept == ContentFormat.LINK_FORMAT


async def test_write_attributes_set_and_remove(server: LwM2MServer, peer: RawPeer) -> None:
    recorder = Recorder()
    peer.respond = recorder
    await server.write_attributes("dev", Path.of(3303, 0, 5700), pmin=5, pmax=60, gt=21.5, st=None)
    (request,) = recorder.seen
    assert request.code == Code.PUT
    assert request.opt.uri_query == ("pmin=5", "pmax=60", "gt=21.5", "st")
    with pytest.raises(ValueError, match="unknown attributes"):
        await server.write_attributes("dev", Path.of(3, 0), speed=1)


async def test_read_composite(server: LwM2MServer, peer: RawPeer) -> None:
    def respond(request: aiocoap.Message) -> aiocoap.Message:
        assert request.code == Code.FETCH
        paths = decode_paths(request.opt.content_format, request.payload)
        selected = {
            key: value
            for key, value in DEVICE_VALUES.items()
            if any(key.startswith(path) for path in paths)
        }
        payload = encode(request.opt.accept, Path(), selected, REGISTRY)
        return aiocoap.Message(
            code=Code.CONTENT, payload=payload, content_format=request.opt.accept
        )

    peer.respond = respond
    values = await server.read_composite("dev", [Path.of(3, 0, 0), Path.of(3, 0, 9)])
    assert values == {Path.of(3, 0, 0): "Acme", Path.of(3, 0, 9): 87}


async def test_write_composite(server: LwM2MServer, peer: RawPeer) -> None:
    recorder = Recorder()
    peer.respond = recorder
    values = {Path.of(1, 0, 1): 120, Path.of(3, 0, 14): "+01:00"}
    await server.write_composite("dev", values)
    (request,) = recorder.seen
    assert request.code == Code.iPATCH
    assert decode(request.opt.content_format, Path(), request.payload, REGISTRY) == values


async def test_large_read_and_write_are_blockwise(loopback: None) -> None:
    # Hundreds of block exchanges: only CoAP's own retransmission limit applies, so a
    # loaded machine makes the test slower, never red.
    server = make_server(request_timeout=None)
    await server.start()
    peer = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    await register(peer, server.port, "dev")
    try:
        await _read_and_write_300_kb(server, peer)
    finally:
        await peer.stop()
        await server.stop()


async def _read_and_write_300_kb(server: LwM2MServer, peer: RawPeer) -> None:
    text = "0123456789abcdef" * 18_750  # 300,000 characters
    path = Path.of(3, 0, 17)
    received: list[bytes] = []

    def respond(request: aiocoap.Message) -> aiocoap.Message:
        if request.code == Code.GET:
            return content(request_path(request), {path: text}, ContentFormat.TEXT)
        received.append(request.payload)
        return aiocoap.Message(code=Code.CHANGED)

    peer.respond = respond
    assert await server.read("dev", path, accept=ContentFormat.TEXT) == {path: text}
    await server.write("dev", path, text, content_format=ContentFormat.TEXT)
    assert received == [text.encode()]


async def test_timeout(loopback: None) -> None:
    quick = make_server(request_timeout=0.3)
    await quick.start()
    device = await RawPeer(lambda request: None).start()
    try:
        await register(device, quick.port, "mute")
        with pytest.raises(RequestTimeoutError):
            await quick.delete("mute", Path.of(3303, 0))
    finally:
        await device.stop()
        await quick.stop()
