"""Composite read, write and observe (FETCH / iPATCH), and LwM2M Send (POST /dp)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, Path
from custom_components.lwm2m.engine.codec import (
    TimedValue,
    decode,
    decode_timestamped,
    encode,
    encode_paths,
)
from simulator import SimulatedDevice

from .conftest import DeviceFactory
from .stand_in import ServerStandIn

ROOT = Path()
TEMPERATURE = Path.of(3303, 0, 5700)
PATHS = [TEMPERATURE, Path.of(3311, 0), Path.of(3, 0, 9)]


@pytest.mark.parametrize("fmt", [ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR])
async def test_read_composite(
    server: ServerStandIn, device: SimulatedDevice, fmt: ContentFormat
) -> None:
    response = await server.request(
        device, Code.FETCH, "/", content_format=fmt, accept=fmt, payload=encode_paths(fmt, PATHS)
    )
    assert response.code == Code.CONTENT
    assert response.opt.content_format == fmt
    values = decode(fmt, ROOT, response.payload, device.registry)
    expected = {}
    for path in PATHS:
        expected.update(device.store.readable_values(path))
    assert values == expected


async def test_read_composite_in_lwm2m_cbor(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device("new", lwm2m_version="1.2")
    fmt = ContentFormat.LWM2M_CBOR
    payload = encode_paths(fmt, PATHS)
    response = await server.request(device, Code.FETCH, "/", content_format=fmt, payload=payload)
    values = decode(fmt, ROOT, response.payload, device.registry)
    assert values[TEMPERATURE] == 21.5
    assert values[Path.of(3311, 0, 5850)] is True


async def test_read_composite_of_nothing_there(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    fmt = ContentFormat.SENML_JSON
    payload = encode_paths(fmt, [Path.of(9, 9)])
    response = await server.request(device, Code.FETCH, "/", content_format=fmt, payload=payload)
    assert response.code == Code.NOT_FOUND


async def test_write_composite(server: ServerStandIn, device: SimulatedDevice) -> None:
    fmt = ContentFormat.SENML_CBOR
    values = {Path.of(3311, 0, 5851): 10, Path.of(3311, 0, 5706): "#0000FF"}
    payload = encode(fmt, ROOT, values, device.registry)
    response = await server.request(device, Code.iPATCH, "/", content_format=fmt, payload=payload)
    assert response.code == Code.CHANGED
    assert device.value(Path.of(3311, 0, 5851)) == 10
    read_only = encode(fmt, ROOT, {Path.of(3, 0, 0): "x"}, device.registry)
    refused = await server.request(device, Code.iPATCH, "/", content_format=fmt, payload=read_only)
    assert refused.code == Code.METHOD_NOT_ALLOWED


async def test_observe_composite(server: ServerStandIn, device: SimulatedDevice) -> None:
    fmt = ContentFormat.SENML_JSON
    observer = await server.observe(
        device,
        "/",
        code=Code.FETCH,
        content_format=fmt,
        accept=fmt,
        payload=encode_paths(fmt, [TEMPERATURE, Path.of(3311, 0, 5850)]),
    )
    assert observer.first.code == Code.CONTENT
    device.set_value(Path.of(3, 0, 9), 50)  # not observed
    device.set_value(Path.of(3311, 0, 5850), False)
    device.set_value(TEMPERATURE, 19.0)
    first, second = await observer.wait_for_count(2)
    assert decode(fmt, ROOT, first.payload, device.registry) == {
        TEMPERATURE: 21.5,
        Path.of(3311, 0, 5850): False,
    }
    assert decode(fmt, ROOT, second.payload, device.registry)[TEMPERATURE] == 19.0
    assert [first.opt.observe, second.opt.observe] == [1, 2]


@pytest.mark.parametrize(
    "fmt", [ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR]
)
async def test_send_current_values(
    server: ServerStandIn, device: SimulatedDevice, fmt: ContentFormat
) -> None:
    code = await device.send([TEMPERATURE, Path.of(3, 0, 9)], fmt=fmt)
    assert code == Code.CHANGED
    arrival = await server.wait_for("send")
    assert arrival.content_format == fmt
    assert decode(fmt, ROOT, arrival.payload, device.registry) == {
        TEMPERATURE: 21.5,
        Path.of(3, 0, 9): 87,
    }


@pytest.mark.parametrize("fmt", [ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR])
async def test_send_history_with_times(
    server: ServerStandIn, device: SimulatedDevice, fmt: ContentFormat
) -> None:
    now = datetime.now(UTC).timestamp()
    history = [
        TimedValue(TEMPERATURE, 20.0, now - 120),
        TimedValue(TEMPERATURE, 20.5, now - 60),
    ]
    await device.send([TEMPERATURE], fmt=fmt, history=history)
    arrival = await server.wait_for("send")
    timed = decode_timestamped(fmt, ROOT, arrival.payload, device.registry)
    assert [(record.path, record.value) for record in timed] == [
        (TEMPERATURE, 20.0),
        (TEMPERATURE, 20.5),
        (TEMPERATURE, 21.5),
    ]
    assert [record.time for record in timed[:2]] == [now - 120, now - 60]


async def test_send_refuses_times_in_lwm2m_cbor(device: SimulatedDevice) -> None:
    with pytest.raises(ValueError, match="LWM2M_CBOR"):
        await device.send(fmt=ContentFormat.LWM2M_CBOR, history=[TimedValue(TEMPERATURE, 1.0, 5)])
