"""The Send operation (POST /dp) over loopback UDP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import cbor2
import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, LwM2MServer, Path, SendReceived
from custom_components.lwm2m.engine.codec import TimedValue, encode

from .device_stub import register
from .harness import REGISTRY, EventLog
from .raw_peer import RawPeer

TEMPERATURE = Path.of(3303, 0, 5700)


@pytest.fixture
async def peer(server: LwM2MServer) -> AsyncIterator[RawPeer]:
    device = await RawPeer().start()
    await register(device, server.port, "sender")
    yield device
    await device.stop()


async def test_senml_json_history_with_absolute_times(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    payload = (
        b'[{"bn":"/3303/0/","n":"5700","v":20.5,"bt":1700000000},'
        b'{"n":"5700","v":21.5,"t":60},{"n":"5701","vs":"Cel","bt":-5}]'
    )
    arrived = events.next(SendReceived)
    response = await peer.request(
        server.port, Code.POST, "/dp", payload=payload, content_format=ContentFormat.SENML_JSON
    )
    assert response.code == Code.CHANGED
    event = await arrived
    assert event.endpoint == "sender"
    assert event.values[TEMPERATURE] == 21.5
    assert event.history[:2] == (
        TimedValue(TEMPERATURE, 20.5, 1_700_000_000),
        TimedValue(TEMPERATURE, 21.5, 1_700_000_060),
    )
    relative = event.history[2]
    assert relative.path == Path.of(3303, 0, 5701)
    assert relative.time is not None
    assert relative.time > 1_700_000_060


async def test_senml_cbor_and_lwm2m_cbor(
    server: LwM2MServer, events: EventLog, peer: RawPeer
) -> None:
    for fmt in (ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR):
        payload = encode(fmt, Path(), {TEMPERATURE: 19.0}, REGISTRY)
        arrived = events.next(SendReceived)
        response = await peer.request(
            server.port, Code.POST, "/dp", payload=payload, content_format=fmt
        )
        assert response.code == Code.CHANGED
        event = await arrived
        assert event.values == {TEMPERATURE: 19.0}
        assert event.content_format == fmt


async def test_send_refusals(server: LwM2MServer, peer: RawPeer) -> None:
    stranger = await RawPeer().start()
    try:
        unknown = await stranger.request(
            server.port, Code.POST, "/dp", payload=b"[]", content_format=ContentFormat.SENML_JSON
        )
        assert unknown.code == Code.NOT_FOUND
    finally:
        await stranger.stop()
    wrong = await peer.request(server.port, Code.POST, "/dp", payload=b"x", content_format=0)
    assert wrong.code == Code.UNSUPPORTED_CONTENT_FORMAT
    broken = await peer.request(
        server.port,
        Code.POST,
        "/dp",
        payload=cbor2.dumps({"no": "senml"}),
        content_format=ContentFormat.SENML_CBOR,
    )
    assert broken.code == Code.BAD_REQUEST
