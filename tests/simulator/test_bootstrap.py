"""The simulator's side of client-initiated bootstrap, driven by a stand-in server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, ObjectRegistry, Path
from custom_components.lwm2m.engine.codec import encode, parse_link_format
from simulator import BootstrapError, Quirks, RegistrationError, SimulatedDevice

from .conftest import DeviceFactory
from .stand_in import ServerStandIn

REGISTRY = ObjectRegistry.default()
SENML = ContentFormat.SENML_JSON


def account(instance: int, uri: str, *, ssid: int = 1, bootstrap: bool = False) -> bytes:
    path = Path.of(0, instance)
    values: dict[Path, Any] = {
        path.child(0): uri,
        path.child(1): bootstrap,
        path.child(2): 3,
        path.child(3): b"",
        path.child(4): b"",
        path.child(5): b"",
        path.child(10): ssid,
    }
    return encode(SENML, path, values, REGISTRY)


def server_instance(
    instance: int, *, ssid: int = 1, lifetime: int = 120, binding: str = "U"
) -> bytes:
    path = Path.of(1, instance)
    values: dict[Path, Any] = {path.child(0): ssid, path.child(1): lifetime, path.child(7): binding}
    return encode(SENML, path, values, REGISTRY)


@pytest.fixture
async def bootstrapping(
    server: ServerStandIn, make_device: DeviceFactory
) -> AsyncIterator[tuple[SimulatedDevice, asyncio.Task[None]]]:
    """A device that asked the stand-in to bootstrap it and waits for Bootstrap-Finish."""
    device = await make_device(register=False)
    task = asyncio.create_task(device.bootstrap(server.address, pct=SENML))
    await server.wait_for("bootstrap")
    yield device, task
    task.cancel()


async def put(server: ServerStandIn, device: SimulatedDevice, path: str, payload: bytes) -> Code:
    response = await server.request(device, Code.PUT, path, content_format=SENML, payload=payload)
    return Code(response.code)


async def test_request_names_endpoint_and_format(
    server: ServerStandIn, bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]]
) -> None:
    device, _ = bootstrapping
    arrival = server.arrivals[-1]
    assert arrival.query == ("ep=sim-1", f"pct={SENML}")
    host, port = server.address
    assert device.instances(0) == {
        0: {0: f"coap://{host}:{port}", 1: True, 2: 3, 3: b"", 4: b"", 5: b""}
    }


async def test_full_bootstrap_then_registration(
    server: ServerStandIn, bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]]
) -> None:
    device, task = bootstrapping
    host, port = server.address
    assert (await server.request(device, Code.DELETE, "/0")).code == Code.DELETED
    assert (await server.request(device, Code.DELETE, "/1")).code == Code.DELETED
    assert set(device.instances(0)) == {0}
    assert device.instances(1) == {}
    assert await put(server, device, "/0/4", account(4, f"coap://{host}:{port}")) == Code.CHANGED
    finish = await server.request(device, Code.POST, "/bs")
    assert finish.code == Code.NOT_ACCEPTABLE  # no Server instance for short server id 1 yet
    assert await put(server, device, "/1/0", server_instance(0, binding="UQ")) == Code.CHANGED
    assert (await server.request(device, Code.POST, "/bs")).code == Code.CHANGED
    await task

    [lwm2m] = device.server_accounts
    assert (lwm2m.security_instance, lwm2m.server_instance, lwm2m.lifetime) == (4, 0, 120)
    assert repr(lwm2m) == f"<ServerAccount /0/4 coap://{host}:{port}>"
    location = await device.register_from_bootstrap()
    register = await server.wait_for("register")
    assert register.location == location
    assert "lt=120" in register.query
    # UQ means queue mode, which a 1.1 client announces with Q.
    assert "b=U" in register.query
    assert "Q" in register.query


async def test_discover_lists_accounts(
    server: ServerStandIn, bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]]
) -> None:
    device, _ = bootstrapping
    await put(server, device, "/0/2", account(2, "coap://lwm2m.example", ssid=9))
    response = await server.request(device, Code.GET, "/", accept=ContentFormat.LINK_FORMAT)
    links = {link.uri: link.params for link in parse_link_format(bytes(response.payload))}
    assert links["/"] == {"lwm2m": "1.1"}
    assert links["/0/0"] == {}
    assert links["/0/2"] == {"ssid": "9", "uri": "coap://lwm2m.example"}
    assert links["/1/0"] == {"ssid": "1"}
    assert "/3/0" in links

    by_object = await server.request(device, Code.GET, "/0", accept=ContentFormat.LINK_FORMAT)
    assert bytes(by_object.payload).startswith(b"</0>,</0/0>")
    one = await server.request(device, Code.GET, "/1/0", accept=ContentFormat.LINK_FORMAT)
    assert bytes(one.payload) == b"</1/0>;ssid=1"
    missing = await server.request(device, Code.GET, "/7", accept=ContentFormat.LINK_FORMAT)
    assert missing.code == Code.NOT_FOUND
    too_deep = await server.request(device, Code.GET, "/0/0/1", accept=ContentFormat.LINK_FORMAT)
    assert too_deep.code == Code.BAD_REQUEST
    read = await server.request(device, Code.GET, "/3/0/0")
    assert read.code == Code.CONTENT  # reads take the usual way


async def test_bootstrap_account_survives_deletes(
    server: ServerStandIn, bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]]
) -> None:
    device, _ = bootstrapping
    refused = await server.request(device, Code.DELETE, "/0/0")
    assert refused.code == Code.BAD_REQUEST
    assert (await server.request(device, Code.DELETE, "/0/9")).code == Code.DELETED
    assert (await server.request(device, Code.DELETE, "/0/0/1")).code == Code.BAD_REQUEST
    assert (await server.request(device, Code.DELETE, "/")).code == Code.DELETED
    assert set(device.instances(0)) == {0}
    assert set(device.instances(3)) == {0}
    assert device.instances(3303) == {}


async def test_bootstrap_account_cannot_become_another_account(
    server: ServerStandIn, bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]]
) -> None:
    device, _ = bootstrapping
    turned = await put(server, device, "/0/0", account(0, "coap://elsewhere"))
    assert turned == Code.BAD_REQUEST
    path = Path.of(0, 0)
    without_flag = encode(SENML, path, {path.child(0): "coap://elsewhere"}, REGISTRY)
    assert await put(server, device, "/0/0", without_flag) == Code.BAD_REQUEST
    # A write that keeps it a bootstrap account is fine, and so is one resource.
    assert await put(server, device, "/0/0", account(0, "coap://new-bs", bootstrap=True)) == (
        Code.CHANGED
    )
    uri = encode(SENML, path.child(0), {path.child(0): "coap://newer-bs"}, REGISTRY)
    assert await put(server, device, "/0/0/0", uri) == Code.CHANGED
    assert device.instances(0)[0][0] == "coap://newer-bs"
    assert device.instances(0)[0][1] is True


async def test_writes_replace_instances_and_merge_resources(
    server: ServerStandIn, bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]]
) -> None:
    device, _ = bootstrapping
    assert await put(server, device, "/1/0", server_instance(0, lifetime=60)) == Code.CHANGED
    assert device.instances(1) == {0: {0: 1, 1: 60, 7: "U"}}
    lifetime = Path.of(1, 0, 1)
    payload = encode(SENML, lifetime, {lifetime: 90}, REGISTRY)
    assert await put(server, device, "/1/0/1", payload) == Code.CHANGED
    assert device.instances(1) == {0: {0: 1, 1: 90, 7: "U"}}
    tlv = encode(
        ContentFormat.TLV,
        Path.of(1),
        {Path.of(1, 5, 0): 5, Path.of(1, 5, 1): 30, Path.of(1, 6, 0): 6, Path.of(1, 6, 1): 40},
        REGISTRY,
    )
    written = await server.request(
        device, Code.PUT, "/1", content_format=ContentFormat.TLV, payload=tlv
    )
    assert written.code == Code.CHANGED
    assert set(device.instances(1)) == {0, 5, 6}


@pytest.mark.parametrize(
    ("path", "content_format", "payload"),
    [
        ("/", SENML, b"[]"),
        ("/1/0/7/0", SENML, b"[]"),
        ("/1/0", None, b"x"),
        ("/1/0", SENML, b"not json"),
    ],
)
async def test_bad_writes(
    server: ServerStandIn,
    bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]],
    path: str,
    content_format: int | None,
    payload: bytes,
) -> None:
    device, _ = bootstrapping
    response = await server.request(
        device, Code.PUT, path, content_format=content_format, payload=payload
    )
    assert response.code == Code.BAD_REQUEST


async def test_not_an_lwm2m_path(
    server: ServerStandIn, bootstrapping: tuple[SimulatedDevice, asyncio.Task[None]]
) -> None:
    device, _ = bootstrapping
    assert (await server.request(device, Code.DELETE, "/x")).code == Code.NOT_FOUND


async def test_bootstrap_account_at_another_instance(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device(register=False, quirks=Quirks(bootstrap_account_instance=1))
    task = asyncio.create_task(device.bootstrap(server.address))
    await server.wait_for("bootstrap")
    assert set(device.instances(0)) == {1}
    await server.request(device, Code.DELETE, "/0")
    assert set(device.instances(0)) == {1}
    task.cancel()


async def test_refused_request(server: ServerStandIn, make_device: DeviceFactory) -> None:
    server.site.bootstrap_answer = Code.FORBIDDEN
    device = await make_device(register=False)
    with pytest.raises(BootstrapError, match="4.03"):
        await device.bootstrap(server.address)


async def test_no_finish_in_time(server: ServerStandIn, make_device: DeviceFactory) -> None:
    device = await make_device(register=False)
    with pytest.raises(BootstrapError, match="no Bootstrap-Finish"):
        await device.bootstrap(server.address, timeout=0.05)
    # Outside a bootstrap, Bootstrap-Finish is no request the device knows.
    assert (await server.request(device, Code.POST, "/bs")).code == Code.NOT_FOUND


async def test_register_from_bootstrap_needs_an_account(make_device: DeviceFactory) -> None:
    device = await make_device(register=False)
    with pytest.raises(RegistrationError, match="no LwM2M server account"):
        await device.register_from_bootstrap()


async def test_lwm2m_1_0_keeps_the_queue_letter_in_the_binding(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    device = await make_device(register=False, lwm2m_version="1.0")
    task = asyncio.create_task(device.bootstrap(server.address))
    await server.wait_for("bootstrap")
    host, port = server.address
    await put(server, device, "/0/3", account(3, f"coap://{host}:{port}"))
    await put(server, device, "/1/0", server_instance(0, binding="UQ"))
    await server.request(device, Code.POST, "/bs")
    await task
    await device.register_from_bootstrap()
    register = await server.wait_for("register")
    assert "b=UQ" in register.query
