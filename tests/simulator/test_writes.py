"""Write, partial update, Create, Delete, Execute and Write-Attributes, with their errors."""

from __future__ import annotations

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, Path
from custom_components.lwm2m.engine.codec import encode
from custom_components.lwm2m.engine.codec.tlv import Kind, frame
from simulator import SimulatedDevice

from .stand_in import ServerStandIn

LIGHT = Path.of(3311, 0)


async def write(
    server: ServerStandIn,
    device: SimulatedDevice,
    code: Code,
    path: Path,
    values: dict[Path, object],
    fmt: ContentFormat = ContentFormat.TLV,
) -> Code:
    payload = encode(fmt, path, values, device.registry)
    response = await server.request(device, code, str(path), content_format=fmt, payload=payload)
    return Code(response.code)


@pytest.mark.parametrize(
    "fmt", [ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR]
)
async def test_write_replace_on_a_resource(
    server: ServerStandIn, device: SimulatedDevice, fmt: ContentFormat
) -> None:
    dimmer = LIGHT.child(5851)
    assert await write(server, device, Code.PUT, dimmer, {dimmer: 35}, fmt) == Code.CHANGED
    assert device.value(dimmer) == 35


async def test_write_text_on_a_resource(server: ServerStandIn, device: SimulatedDevice) -> None:
    response = await server.request(
        device, Code.PUT, "/3311/0/5850", content_format=ContentFormat.TEXT, payload=b"0"
    )
    assert response.code == Code.CHANGED
    assert device.value(LIGHT.child(5850)) is False


async def test_partial_update_on_an_instance(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    values = {LIGHT.child(5850): False, LIGHT.child(5706): "#00FF00"}
    assert await write(server, device, Code.POST, LIGHT, values) == Code.CHANGED
    assert device.value(LIGHT.child(5850)) is False
    assert device.value(LIGHT.child(5706)) == "#00FF00"
    assert device.value(LIGHT.child(5851)) == 80


async def test_write_replace_on_a_multiple_resource_keeps_only_the_given_instances(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    apn = Path.of(1, 0, 25)
    device.set_value(apn, {0: "1.0", 1: "1.1"})
    assert await write(server, device, Code.PUT, apn, {apn.child(3): "1.2"}) == Code.CHANGED
    assert device.value(apn) == {3: "1.2"}
    partial = {apn.child(4): "2.0"}
    assert await write(server, device, Code.POST, Path.of(1, 0), partial) == Code.CHANGED
    assert device.value(apn) == {3: "1.2", 4: "2.0"}


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (Path.of(3, 0, 0), Code.METHOD_NOT_ALLOWED),  # read-only
        (Path.of(3311, 5, 5851), Code.NOT_FOUND),  # no such instance
    ],
)
async def test_refused_writes(
    server: ServerStandIn, device: SimulatedDevice, path: Path, code: Code
) -> None:
    value: object = "x" if path.resource_id == 0 else 1
    assert await write(server, device, Code.PUT, path, {path: value}) == code


async def test_malformed_and_unlabelled_payloads(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    garbage = await server.request(
        device, Code.PUT, "/3311/0/5851", content_format=ContentFormat.TLV, payload=b"\xff"
    )
    assert garbage.code == Code.BAD_REQUEST
    unlabelled = await server.request(device, Code.PUT, "/3311/0/5851", payload=b"1")
    assert unlabelled.code == Code.BAD_REQUEST
    unknown = await server.request(
        device, Code.PUT, "/3311/0/5851", content_format=1234, payload=b"1"
    )
    assert unknown.code == Code.UNSUPPORTED_CONTENT_FORMAT


async def test_execute_records_arguments(server: ServerStandIn, device: SimulatedDevice) -> None:
    response = await server.request(device, Code.POST, "/3/0/4", payload=b"0='now'")
    assert response.code == Code.CHANGED
    assert device.executed == [(Path.of(3, 0, 4), "0='now'")]
    not_executable = await server.request(device, Code.POST, "/3/0/0")
    assert not_executable.code == Code.METHOD_NOT_ALLOWED


async def test_execute_reset_min_max(server: ServerStandIn, device: SimulatedDevice) -> None:
    device.set_value(Path.of(3303, 0, 5700), 30.0)
    assert device.value(Path.of(3303, 0, 5602)) == 30.0
    await server.request(device, Code.POST, "/3303/0/5605")
    assert device.value(Path.of(3303, 0, 5601)) == 30.0


async def test_execute_registration_update_trigger(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    await server.request(device, Code.POST, "/1/0/8")
    update = await server.wait_for("update")
    assert update.location == device.location


async def test_create_with_instance_tlv(server: ServerStandIn, device: SimulatedDevice) -> None:
    values = {Path.of(3303, 4, 5700): 18.0, Path.of(3303, 4, 5701): "Cel"}
    payload = encode(ContentFormat.TLV, Path.of(3303), values, device.registry)
    response = await server.request(
        device, Code.POST, "/3303", content_format=ContentFormat.TLV, payload=payload
    )
    assert response.code == Code.CREATED
    assert response.opt.location_path == ("3303", "4")
    assert device.value(Path.of(3303, 4, 5700)) == 18.0


async def test_create_with_bare_resource_tlvs_takes_a_free_id(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    payload = frame(Kind.RESOURCE, 5750, b"Cellar")
    response = await server.request(
        device, Code.POST, "/3303", content_format=ContentFormat.TLV, payload=payload
    )
    assert response.code == Code.CREATED
    assert response.opt.location_path == ("3303", "1")
    assert device.value(Path.of(3303, 1, 5750)) == "Cellar"


async def test_create_in_senml_and_on_a_taken_id(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    values = {Path.of(3303, 7, 5700): 5.0}
    payload = encode(ContentFormat.SENML_JSON, Path.of(3303), values, device.registry)
    created = await server.request(
        device, Code.POST, "/3303", content_format=ContentFormat.SENML_JSON, payload=payload
    )
    assert created.opt.location_path == ("3303", "7")
    again = await server.request(
        device, Code.POST, "/3303", content_format=ContentFormat.SENML_JSON, payload=payload
    )
    assert again.code == Code.BAD_REQUEST


async def test_delete(server: ServerStandIn, device: SimulatedDevice) -> None:
    assert (await server.request(device, Code.DELETE, "/3303/0")).code == Code.DELETED
    assert (await server.request(device, Code.GET, "/3303/0")).code == Code.NOT_FOUND
    assert (await server.request(device, Code.DELETE, "/3303/0")).code == Code.NOT_FOUND
    assert (await server.request(device, Code.DELETE, "/3/0")).code == Code.METHOD_NOT_ALLOWED
    assert (await server.request(device, Code.DELETE, "/3311")).code == Code.METHOD_NOT_ALLOWED


async def test_delete_ends_observations_with_not_found(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    observer = await server.observe(device, "/3303/0/5700")
    await server.request(device, Code.DELETE, "/3303/0")
    await observer.wait_for_end()
    assert observer.notifications[-1].code == Code.NOT_FOUND
    assert len(device.observations) == 0


async def test_write_attributes(server: ServerStandIn, device: SimulatedDevice) -> None:
    path = "/3303/0/5700"
    ok = await server.request(device, Code.PUT, path, query=("pmin=5", "pmax=60", "st=0.5"))
    assert ok.code == Code.CHANGED
    assert device.attributes.attached(Path.parse(path)) == {"pmin": 5, "pmax": 60, "st": 0.5}
    removed = await server.request(device, Code.PUT, path, query=("st",))
    assert removed.code == Code.CHANGED
    assert device.attributes.attached(Path.parse(path)) == {"pmin": 5, "pmax": 60}
    for bad in (("colour=red",), ("pmin=-1",), ("gt=1", "lt=2")):
        response = await server.request(device, Code.PUT, path, query=bad)
        assert response.code == Code.BAD_REQUEST, bad
    missing = await server.request(device, Code.PUT, "/3303/9", query=("pmin=1",))
    assert missing.code == Code.NOT_FOUND


async def test_server_lifetime_write_sends_an_update(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    lifetime = Path.of(1, 0, 1)
    assert await write(server, device, Code.PUT, lifetime, {lifetime: 600}) == Code.CHANGED
    update = await server.wait_for("update")
    assert update.query == ("lt=600",)
    assert device.lifetime == 600
