"""Reads in every format decode (with the engine's codecs) to the device's values."""

from __future__ import annotations

from typing import Any

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, Path
from custom_components.lwm2m.engine.codec import decode, parse_link_format
from simulator import Quirks, SimulatedDevice

from .conftest import DeviceFactory
from .stand_in import ServerStandIn

VALUE_FORMATS = [
    ContentFormat.TLV,
    ContentFormat.SENML_JSON,
    ContentFormat.SENML_CBOR,
]


def expected(device: SimulatedDevice, path: Path) -> dict[Path, Any]:
    return device.store.readable_values(path)


def decoded(device: SimulatedDevice, path: Path, response: Any) -> dict[Path, Any]:
    assert response.code == Code.CONTENT, response.payload
    return decode(response.opt.content_format, path, response.payload, device.registry)


@pytest.mark.parametrize("fmt", VALUE_FORMATS)
@pytest.mark.parametrize("target", ["/3/0", "/3303", "/3/0/7", "/3/0/7/1", "/3303/0/5700"])
async def test_read_decodes_to_the_device_values(
    server: ServerStandIn, device: SimulatedDevice, fmt: ContentFormat, target: str
) -> None:
    path = Path.parse(target)
    response = await server.request(device, Code.GET, target, accept=fmt)
    assert response.opt.content_format == fmt
    assert decoded(device, path, response) == expected(device, path)


async def test_lwm2m_cbor_on_a_1_2_device(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device("new", lwm2m_version="1.2")
    path = Path.of(3, 0)
    response = await server.request(device, Code.GET, "/3/0", accept=ContentFormat.LWM2M_CBOR)
    assert decoded(device, path, response) == expected(device, path)
    plain = await server.request(device, Code.GET, "/3/0")
    assert plain.opt.content_format == ContentFormat.LWM2M_CBOR


async def test_text_and_opaque_single_values(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    response = await server.request(device, Code.GET, "/3303/0/5700", accept=ContentFormat.TEXT)
    assert response.opt.content_format == ContentFormat.TEXT
    assert response.payload == b"21.5"
    device.set_value(Path.of(3303, 0, 5750), "Kitchen")
    response = await server.request(device, Code.GET, "/3303/0/5750", accept=ContentFormat.TEXT)
    assert response.payload == b"Kitchen"
    device.set_value(Path.of(5, 0, 0), b"\x00\x01")
    # Package is write-only: it cannot be read at all.
    refused = await server.request(device, Code.GET, "/5/0/0", accept=ContentFormat.OPAQUE)
    assert refused.code == Code.METHOD_NOT_ALLOWED


async def test_default_formats_follow_the_lwm2m_version(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    old = await make_device("old", lwm2m_version="1.0")
    current = await make_device("current", lwm2m_version="1.1")
    assert (await server.request(old, Code.GET, "/3/0")).opt.content_format == ContentFormat.TLV
    assert (
        await server.request(current, Code.GET, "/3/0")
    ).opt.content_format == ContentFormat.SENML_CBOR


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("/9/0", Code.NOT_FOUND),
        ("/3/1", Code.NOT_FOUND),
        ("/3/0/99", Code.NOT_FOUND),
        ("/3/0/7/9", Code.NOT_FOUND),
        ("/3/0/4", Code.METHOD_NOT_ALLOWED),
        ("/x", Code.NOT_FOUND),
    ],
)
async def test_reads_of_what_is_not_readable(
    server: ServerStandIn, device: SimulatedDevice, target: str, code: Code
) -> None:
    response = await server.request(device, Code.GET, target)
    assert response.code == code


async def test_text_needs_a_single_value(server: ServerStandIn, device: SimulatedDevice) -> None:
    response = await server.request(device, Code.GET, "/3/0", accept=ContentFormat.TEXT)
    assert response.code == Code.NOT_ACCEPTABLE


async def test_discover_lists_resources_with_dim_and_attributes(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    written = await server.request(device, Code.PUT, "/3/0/9", query=("pmin=10", "gt=50"))
    assert written.code == Code.CHANGED
    response = await server.request(device, Code.GET, "/3/0", accept=ContentFormat.LINK_FORMAT)
    assert response.opt.content_format == ContentFormat.LINK_FORMAT
    links = {link.uri: link for link in parse_link_format(response.payload)}
    assert links["/3/0/7"].dim == 2
    assert links["/3/0/9"].pmin == 10
    assert links["/3/0/9"].gt == 50
    assert "/3/0/4" in links
    on_object = await server.request(device, Code.GET, "/3303", accept=ContentFormat.LINK_FORMAT)
    object_links = parse_link_format(on_object.payload)
    assert object_links[0].uri == "/3303"
    assert object_links[0].ver == "1.1"
    assert object_links[1].uri == "/3303/0"
    on_resource = await server.request(device, Code.GET, "/3/0/7", accept=ContentFormat.LINK_FORMAT)
    assert [link.uri for link in parse_link_format(on_resource.payload)] == [
        "/3/0/7",
        "/3/0/7/0",
        "/3/0/7/1",
    ]


async def test_requests_are_logged(server: ServerStandIn, device: SimulatedDevice) -> None:
    await server.request(device, Code.GET, "/3/0/1", accept=ContentFormat.TEXT, query=("a=1",))
    record = await device.wait_for_request(lambda record: record.path == "/3/0/1")
    assert record.method == "GET"
    assert record.accept == ContentFormat.TEXT
    assert record.query == ("a=1",)
    assert record.observe is None


async def test_opaque_reads(server: ServerStandIn, make_device: DeviceFactory) -> None:
    device = await make_device("old", lwm2m_version="1.0")
    velocity = Path.of(6, 0, 4)
    device.set_value(velocity, b"\x01\x02\xff")
    raw = await server.request(device, Code.GET, str(velocity), accept=ContentFormat.OPAQUE)
    assert raw.opt.content_format == ContentFormat.OPAQUE
    assert raw.payload == b"\x01\x02\xff"
    default = await server.request(device, Code.GET, str(velocity))
    assert default.opt.content_format == ContentFormat.TLV
    assert decoded(device, velocity, default) == {velocity: b"\x01\x02\xff"}
    as_text = await server.request(device, Code.GET, str(velocity), accept=ContentFormat.TEXT)
    assert as_text.code == Code.NOT_ACCEPTABLE


async def test_lwm2m_json_when_supported(server: ServerStandIn, make_device: DeviceFactory) -> None:
    formats = (ContentFormat.TEXT, ContentFormat.TLV, ContentFormat.LWM2M_JSON)
    device = await make_device(
        "json", lwm2m_version="1.0", quirks=Quirks(supported_formats=formats)
    )
    path = Path.of(3303, 0)
    response = await server.request(device, Code.GET, "/3303/0", accept=ContentFormat.LWM2M_JSON)
    assert decoded(device, path, response) == expected(device, path)
