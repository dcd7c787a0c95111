"""The server against the project's simulated LwM2M client, over loopback UDP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.lwm2m.engine import (
    Awake,
    ContentFormat,
    LwM2MServer,
    NotificationReceived,
    Path,
    Registered,
    SendReceived,
)
from custom_components.lwm2m.engine.clock import ManualClock
from simulator import Quirks

from .harness import DeviceFactory, EventLog

TEMPERATURE = Path.of(3303, 0, 5700)
DEVICE = Path.of(3, 0)


@pytest.fixture
def server_options(clock: ManualClock) -> dict[str, Any]:
    return {"clock": clock}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"lwm2m_version": "1.0"},
        {"lwm2m_version": "1.2"},
        {"quirks": Quirks(registration_content_format=False)},
        {"quirks": Quirks(root_link=False)},
        {"quirks": Quirks(quote_ver=True, version_on_object_link=True)},
        {"quirks": Quirks(query_order=("lt", "b", "lwm2m", "ep"))},
        {"quirks": Quirks(omit_binding=True)},
        {"quirks": Quirks(alternate_root="/lwm2m")},
    ],
)
async def test_registers_and_reads(
    server: LwM2MServer, registered_device: DeviceFactory, options: dict[str, Any]
) -> None:
    device = await registered_device(**options)
    registration = server.registrations["sim-1"]
    assert registration.lwm2m_version == device.lwm2m_version
    assert {Path.of(3, 0), Path.of(3303, 0)} <= set(registration.objects)
    assert Path.of(0, 0) not in registration.objects
    if "quirks" in options and options["quirks"].alternate_root:
        assert registration.root_path == "/lwm2m"
    values = await server.read("sim-1", DEVICE)
    assert values[Path.of(3, 0, 0)] == device.value(Path.of(3, 0, 0))


@pytest.mark.parametrize(
    "fmt", [ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR]
)
async def test_read_device_object_in_each_format(
    server: LwM2MServer, registered_device: DeviceFactory, fmt: ContentFormat
) -> None:
    device = await registered_device()
    values = await server.read("sim-1", DEVICE, accept=fmt)
    assert values[Path.of(3, 0, 0)] == "Simulated Devices Ltd"
    assert values[Path.of(3, 0, 7, 1)] == 5000
    assert device.requests[-1].accept == fmt


async def test_read_each_single_resource_as_text(
    server: LwM2MServer, registered_device: DeviceFactory
) -> None:
    device = await registered_device()
    for resource_id in (0, 1, 2, 3, 9, 10, 14):
        path = DEVICE.child(resource_id)
        values = await server.read("sim-1", path, accept=ContentFormat.TEXT)
        assert values == {path: device.value(path)}


async def test_write_execute_create_delete_discover_attributes(
    server: LwM2MServer, registered_device: DeviceFactory
) -> None:
    device = await registered_device()
    await server.write("sim-1", Path.of(3303, 0, 5750), "Kitchen")
    assert device.value(Path.of(3303, 0, 5750)) == "Kitchen"
    await server.write("sim-1", Path.of(1, 0), {Path.of(1, 0, 2): 5}, partial=True)
    assert device.value(Path.of(1, 0, 2)) == 5
    await server.execute("sim-1", Path.of(3, 0, 4), "0='soon'")
    assert device.executed[-1] == (Path.of(3, 0, 4), "0='soon'")
    created = await server.create(
        "sim-1", Path.of(3303), {Path.of(3303, 4, 5700): 1.5, Path.of(3303, 4, 5701): "Cel"}
    )
    assert created == Path.of(3303, 4)
    assert await server.read("sim-1", Path.of(3303, 4, 5700)) == {Path.of(3303, 4, 5700): 1.5}
    links = await server.discover("sim-1", Path.of(3303, 4))
    assert "/3303/4/5700" in [link.uri for link in links]
    await server.delete("sim-1", created)
    assert await server.create("sim-1", Path.of(3303, 9), {}) == Path.of(3303, 9)
    assert 9 in device.instances(3303)
    await server.write_attributes("sim-1", TEMPERATURE, pmin=0, pmax=30, st=0.5)
    links = await server.discover("sim-1", TEMPERATURE)
    assert links[0].pmax == 30
    await server.write_attributes("sim-1", TEMPERATURE, pmax=None)
    links = await server.discover("sim-1", TEMPERATURE)
    assert links[0].pmax is None


async def test_observe_hundred_notifications_and_cancel_both_ways(
    server: LwM2MServer, events: EventLog, registered_device: DeviceFactory
) -> None:
    device = await registered_device()
    observation = await server.observe("sim-1", TEMPERATURE)
    assert observation.initial == {TEMPERATURE: 21.5}
    for step in range(100):
        arrived = events.next(NotificationReceived)
        device.set_value(TEMPERATURE, float(step))
        assert (await arrived).values == {TEMPERATURE: float(step)}
    sequences = [event.observe_sequence for event in events.of(NotificationReceived)]
    assert sequences == sorted(sequences)
    assert len(sequences) == 101

    await observation.cancel(active=True)
    cancel = device.requests[-1]
    assert cancel.observe == 1
    device.set_value(TEMPERATURE, 99.0)
    await server.read("sim-1", TEMPERATURE)  # a round trip: any notification came before
    assert len(events.of(NotificationReceived)) == 101

    passive = await server.observe("sim-1", TEMPERATURE)
    await passive.cancel()
    device.set_value(TEMPERATURE, 98.0)
    await device.wait_until(lambda: len(device.observations) == 0)
    assert events.of(NotificationReceived)[-1].values == {TEMPERATURE: 99.0}


async def test_send(
    server: LwM2MServer, events: EventLog, registered_device: DeviceFactory
) -> None:
    device = await registered_device()
    for fmt in (ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR):
        arrived = events.next(SendReceived)
        assert await device.send([TEMPERATURE], fmt) == 68  # 2.04
        assert (await arrived).values == {TEMPERATURE: 21.5}


async def test_composite_read_observe_write(
    server: LwM2MServer, events: EventLog, registered_device: DeviceFactory
) -> None:
    device = await registered_device()
    paths = [Path.of(3, 0, 0), TEMPERATURE]
    values = await server.read_composite("sim-1", paths)
    assert values == {Path.of(3, 0, 0): "Simulated Devices Ltd", TEMPERATURE: 21.5}
    observation = await server.observe_composite("sim-1", paths)
    assert observation.initial == values
    arrived = events.next(NotificationReceived, lambda event: event.path == Path())
    device.set_value(TEMPERATURE, 30.0)
    assert (await arrived).values[TEMPERATURE] == 30.0
    await server.write_composite(
        "sim-1", {Path.of(3303, 0, 5750): "Hall", Path.of(3311, 0, 5850): False}
    )
    assert device.value(Path.of(3303, 0, 5750)) == "Hall"
    assert device.value(Path.of(3311, 0, 5850)) is False


@pytest.mark.parametrize(
    "quirks",
    [
        Quirks(advertised_formats=(110,), default_format=11542, unsupported_accept="ignore"),
        Quirks(default_format=112, unsupported_accept="ignore"),
        Quirks(
            advertised_formats=(112, 110),
            supported_formats=(0, 42, 11542, 110),
            unsupported_accept="406",
        ),
        Quirks(
            advertised_formats=(112,), supported_formats=(0, 42, 11542), unsupported_accept="drop"
        ),
        Quirks(
            advertised_formats=(112,),
            text_without_content_format=True,
            unsupported_accept="drop",
            supported_formats=(0, 42, 11542),
        ),
        Quirks(senml_base_name="leading", supported_formats=(0, 42, 110)),
    ],
)
async def test_read_quirks(
    server: LwM2MServer, registered_device: DeviceFactory, quirks: Quirks
) -> None:
    device = await registered_device(quirks=quirks)
    assert (await server.read("sim-1", DEVICE))[Path.of(3, 0, 9)] == 87
    single = Path.of(3, 0, 0)
    assert await server.read("sim-1", single) == {single: "Simulated Devices Ltd"}
    assert await server.read("sim-1", single) == {single: "Simulated Devices Ltd"}
    if quirks.unsupported_accept == "drop":
        assert len(device.dropped) == 1  # learnt once, then no Accept is sent


async def test_queue_mode_device_gets_requests_on_wake(
    server: LwM2MServer, events: EventLog, registered_device: DeviceFactory, clock: ManualClock
) -> None:
    device = await registered_device(queue_mode=True, binding="UQ")
    assert server.registrations["sim-1"].queue_mode
    await device.sleep()
    clock.advance(93)  # the awake window closed
    pending = asyncio.ensure_future(server.read("sim-1", Path.of(3, 0, 9)))
    write = asyncio.ensure_future(server.write("sim-1", Path.of(3303, 0, 5750), "Attic"))
    awake = events.next(Awake)
    await device.wake()
    await awake
    assert await pending == {Path.of(3, 0, 9): 87}
    await write
    assert device.value(Path.of(3303, 0, 5750)) == "Attic"
    assert not device.dropped


async def test_new_socket_update_observes_again(
    server: LwM2MServer, events: EventLog, registered_device: DeviceFactory
) -> None:
    device = await registered_device()
    await server.observe("sim-1", TEMPERATURE)
    again = events.next(NotificationReceived)
    await device.update(new_socket=True)
    await again
    assert server.registrations["sim-1"].address == device.address
    arrived = events.next(NotificationReceived)
    device.set_value(TEMPERATURE, 5.0)
    assert (await arrived).values == {TEMPERATURE: 5.0}


async def test_re_registration_observes_again(
    server: LwM2MServer, events: EventLog, registered_device: DeviceFactory
) -> None:
    device = await registered_device()
    await server.observe("sim-1", TEMPERATURE)
    registered = events.next(Registered)
    again = events.next(NotificationReceived)
    await device.register(("127.0.0.1", server.port))
    assert (await registered).replaced
    await again
    arrived = events.next(NotificationReceived)
    device.set_value(TEMPERATURE, 7.0)
    assert (await arrived).values == {TEMPERATURE: 7.0}
