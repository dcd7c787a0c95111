"""Quirks of real client stacks: odd Accept handling, bare text, base names, roots."""

from __future__ import annotations

import json

from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, Path
from custom_components.lwm2m.engine.codec import decode
from simulator import Quirks

from .conftest import DeviceFactory
from .raw_peer import RawPeer, raw_message
from .stand_in import ServerStandIn

ONLY_TLV_AND_TEXT = (ContentFormat.TEXT, ContentFormat.TLV)


async def test_unsupported_accept_answered_406(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device(quirks=Quirks(supported_formats=ONLY_TLV_AND_TEXT))
    response = await server.request(device, Code.GET, "/3/0", accept=ContentFormat.SENML_JSON)
    assert response.code == Code.NOT_ACCEPTABLE


async def test_unsupported_accept_ignored(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    quirks = Quirks(supported_formats=ONLY_TLV_AND_TEXT, unsupported_accept="ignore")
    device = await make_device(quirks=quirks)
    response = await server.request(device, Code.GET, "/3/0", accept=ContentFormat.SENML_JSON)
    assert response.code == Code.CONTENT
    assert response.opt.content_format == ContentFormat.TLV


async def test_unsupported_accept_dropped_without_ack(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    quirks = Quirks(supported_formats=ONLY_TLV_AND_TEXT, unsupported_accept="drop")
    device = await make_device(quirks=quirks)
    peer = await RawPeer.open()
    peer.send(
        raw_message(Code.GET, uri_path=("3", "0"), accept=ContentFormat.SENML_CBOR, token=b"no"),
        device.address,
    )
    await device.wait_until(lambda: len(device.dropped) == 1)
    assert (await peer.probe(device.address)).token == b"probe"
    assert peer.inbox.empty()
    # Text on an instance is a supported format the target cannot take: dropped as well.
    peer.send(
        raw_message(Code.GET, uri_path=("3", "0"), accept=ContentFormat.TEXT, token=b"t"),
        device.address,
    )
    await device.wait_until(lambda: len(device.dropped) == 2)
    peer.close()


async def test_text_without_content_format(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device(quirks=Quirks(text_without_content_format=True))
    response = await server.request(device, Code.GET, "/3303/0/5700")
    assert response.opt.content_format is None
    assert response.payload == b"21.5"
    instance = await server.request(device, Code.GET, "/3303/0")
    assert instance.opt.content_format == ContentFormat.SENML_CBOR


async def test_default_format_tlv_while_advertising_senml(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    quirks = Quirks(default_format=ContentFormat.TLV, advertised_formats=(110,))
    device = await make_device(quirks=quirks)
    response = await server.request(device, Code.GET, "/3/0")
    assert response.opt.content_format == ContentFormat.TLV
    registration = await server.wait_for("register")
    assert b"ct=110," in registration.payload


async def test_senml_base_name_styles(server: ServerStandIn, make_device: DeviceFactory) -> None:
    trailing = await make_device("trailing")
    leading = await make_device("leading", quirks=Quirks(senml_base_name="leading"))
    fmt = ContentFormat.SENML_JSON
    first = json.loads((await server.request(trailing, Code.GET, "/3/0", accept=fmt)).payload)
    second = await server.request(leading, Code.GET, "/3/0", accept=fmt)
    records = json.loads(second.payload)
    assert (first[0]["bn"], first[0]["n"]) == ("/3/0/", "0")
    assert (records[0]["bn"], records[0]["n"]) == ("/3/0", "/0")
    assert {"n": "/7/0", "v": 3800} in records
    instance = Path.of(3, 0)
    assert decode(fmt, instance, second.payload, leading.registry) == (
        leading.store.readable_values(instance)
    )
    await leading.send([Path.of(3303, 0, 5700)], fmt=fmt)
    sent = json.loads((await server.wait_for("send")).payload)
    assert sent == [{"n": "/3303/0/5700", "v": 21.5}]


async def test_alternate_root_serves_objects_under_it(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device(quirks=Quirks(alternate_root="/lwm2m"))
    response = await server.request(device, Code.GET, "/lwm2m/3/0/0", accept=ContentFormat.TEXT)
    assert response.payload == b"Simulated Devices Ltd"
    outside = await server.request(device, Code.GET, "/3/0/0", accept=ContentFormat.TEXT)
    assert outside.code == Code.NOT_FOUND
