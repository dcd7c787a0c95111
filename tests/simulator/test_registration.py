"""Register, Update and De-register: the query and payload real clients send."""

from __future__ import annotations

from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat
from custom_components.lwm2m.engine.codec import parse_link_format
from simulator import Quirks, SimulatedDevice

from .conftest import DeviceFactory
from .stand_in import ServerStandIn


async def test_register_sends_query_and_object_links(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    arrival = await server.wait_for("register")
    assert arrival.query == ("ep=sim-1", "lt=300", "lwm2m=1.1", "b=U")
    assert arrival.content_format == ContentFormat.LINK_FORMAT
    assert arrival.source == device.address
    assert device.location == arrival.location
    links = parse_link_format(arrival.payload)
    assert links[0].uri == "/"
    assert links[0].rt == "oma.lwm2m"
    assert links[0].ct == [11542, 110, 112]
    uris = [link.uri for link in links[1:]]
    assert uris == ["/1/0", "/3/0", "/4/0", "/5/0", "/6/0", "/3303/0", "/3311/0"]
    versions = {link.uri: link.ver for link in links[1:]}
    assert versions["/3303/0"] == "1.1"
    assert versions["/6/0"] is None


async def test_lwm2m_1_0_queue_mode_goes_in_the_binding(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    await make_device("old", lwm2m_version="1.0", queue_mode=True)
    arrival = await server.wait_for("register")
    assert arrival.query_map == {"ep": "old", "lt": "300", "lwm2m": "1.0", "b": "UQ"}
    assert b"ver=" not in arrival.payload.replace(b"</3303/0>;ver=1.1", b"")
    assert parse_link_format(arrival.payload)[0].ct == [11542, 110, 112]


async def test_lwm2m_1_1_queue_mode_adds_q(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    await make_device("q", queue_mode=True)
    arrival = await server.wait_for("register")
    assert arrival.query == ("ep=q", "lt=300", "lwm2m=1.1", "b=U", "Q")


async def test_quirks_shape_the_registration(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    quirks = Quirks(
        registration_content_format=False,
        alternate_root="/lwm2m",
        quote_ver=True,
        query_order=("lwm2m", "ep", "b", "lt"),
        advertised_formats=(110,),
    )
    await make_device("quirky", quirks=quirks)
    arrival = await server.wait_for("register")
    assert arrival.query == ("lwm2m=1.1", "ep=quirky", "b=U", "lt=300")
    assert arrival.content_format is None
    text = arrival.payload.decode()
    assert text.startswith('</lwm2m>;rt="oma.lwm2m";ct=110,</lwm2m/1/0>;ver="1.1",')
    assert '</lwm2m/3303/0>;ver="1.1"' in text


async def test_quirks_without_root_link_binding_or_instances(
    server: ServerStandIn, make_device: DeviceFactory
) -> None:
    from simulator import DeviceObject, default_objects

    objects = [*default_objects(), DeviceObject(3341, {})]
    quirks = Quirks(root_link=False, omit_binding=True, version_on_object_link=True)
    await make_device("plain", quirks=quirks, objects=objects)
    arrival = await server.wait_for("register")
    assert "b" not in arrival.query_map
    text = arrival.payload.decode()
    assert text.startswith("</1>;ver=1.1,</1/0>,</3>;ver=1.2,</3/0>,")
    assert text.endswith(",</3341>")
    assert "</0" not in text


async def test_update_and_deregister_use_the_location(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    code = await device.update(lifetime=120, binding="UQ", send_objects=True)
    assert code == Code.CHANGED
    update = await server.wait_for("update")
    assert update.location == device.location
    assert update.query == ("lt=120", "b=UQ")
    assert update.content_format == ContentFormat.LINK_FORMAT
    assert b"</3/0>" in update.payload
    assert await device.deregister() == Code.DELETED
    deregistration = await server.wait_for("deregister")
    assert deregistration.location == update.location
    assert not device.registered


async def test_update_answered_not_found_registers_again(
    server: ServerStandIn, device: SimulatedDevice
) -> None:
    first = device.location
    server.site.known.clear()
    assert await device.update() == Code.CREATED
    again = await server.wait_for("register", since=1)
    assert device.location == again.location != first


async def test_update_from_a_new_socket(server: ServerStandIn, device: SimulatedDevice) -> None:
    before = device.address
    await device.update(new_socket=True)
    update = await server.wait_for("update")
    assert device.address != before
    assert update.source == device.address
    response = await server.request(device, Code.GET, "/3/0/0", accept=0)
    assert response.payload == b"Simulated Devices Ltd"
