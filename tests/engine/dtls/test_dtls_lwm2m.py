"""The LwM2M and bootstrap servers over DTLS, with a device at CoAP level: a device keeps
its registration across a NAT rebinding (Connection ID), and credentials that change or
go away end what they had opened, on both servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import aiocoap
import pytest
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import Type

from custom_components.lwm2m.engine import (
    BootstrapServer,
    CredentialStore,
    DeviceCredentials,
    LwM2MServer,
    Path,
    Registered,
    Revoked,
    SecurityMode,
    SecurityPolicy,
    Updated,
)
from simulator import SimulatedDevice
from tests.engine.server.harness import REGISTRY, EventLog, make_server

from .lwm2m_device import DtlsLwM2MDevice

ENDPOINT = "nb-iot-meter"
IDENTITY = "nb-iot-meter-id"
KEY = bytes(range(16))
BOOTSTRAP_IDENTITY = "nb-iot-meter-bs"
BOOTSTRAP_KEY = bytes(range(16, 32))
RECORD = DeviceCredentials(
    endpoint=ENDPOINT,
    security_mode=SecurityMode.PSK,
    lwm2m_psk_id=IDENTITY,
    lwm2m_psk_key=KEY,
    bootstrap_psk_id=BOOTSTRAP_IDENTITY,
    bootstrap_psk_key=BOOTSTRAP_KEY,
)


@pytest.fixture
async def secure_server(loopback: None) -> AsyncIterator[tuple[LwM2MServer, EventLog]]:
    server = make_server(
        policy=SecurityPolicy.STRICT, credentials=CredentialStore([RECORD]), secure_port=0
    )
    events = EventLog()
    server.add_listener(events)
    await server.start()
    yield server, events
    await server.stop()


async def registered_device(server: LwM2MServer) -> tuple[DtlsLwM2MDevice, tuple[str, ...]]:
    assert server.secure_port is not None
    device = await DtlsLwM2MDevice(server.secure_port, IDENTITY.encode(), KEY).connect()
    response = await device.register(ENDPOINT)
    assert response.code == Code.CREATED
    return device, tuple(response.opt.location_path)


async def read_answered_by(
    server: LwM2MServer, device: DtlsLwM2MDevice, value: str
) -> dict[Path, object]:
    read = asyncio.create_task(server.read(ENDPOINT, Path.of(3, 0, 0)))
    request = await device.next_request()
    assert tuple(request.opt.uri_path) == ("3", "0", "0")
    device.respond(request, Code.CONTENT, value.encode(), content_format=0)
    return await read


async def test_a_device_keeps_its_registration_across_a_nat_rebinding(
    secure_server: tuple[LwM2MServer, EventLog],
) -> None:
    server, events = secure_server
    device, location = await registered_device(server)
    try:
        registration = server.registrations[ENDPOINT]
        assert registration.address == device.address
        assert await read_answered_by(server, device, "before") == {Path.of(3, 0, 0): "before"}

        await device.rebind()  # the NAT gave the device another port
        moved = events.next(Updated, lambda event: event.changed == frozenset({"address"}))
        reset = await device.ping()  # any authenticated record from there will do
        assert reset.mtype is Type.RST
        assert (await moved).registration.address == device.address
        # The next downlink reaches the device at its new address; nothing re-registered.
        assert await read_answered_by(server, device, "after") == {Path.of(3, 0, 0): "after"}
        assert (await device.update(location)).code == Code.CHANGED
        current = server.registrations[ENDPOINT]
        assert current.registration_id == registration.registration_id
        assert current.address == device.address != registration.address
        assert len(events.of(Registered)) == 1
    finally:
        await device.close()


@pytest.mark.parametrize(
    "change", ["key changed", "credentials removed", "identity given to another endpoint"]
)
async def test_revoked_credentials_close_the_session_and_end_the_registration(
    secure_server: tuple[LwM2MServer, EventLog], change: str
) -> None:
    server, events = secure_server
    device, location = await registered_device(server)
    try:
        revoked = events.next(Revoked)
        if change == "key changed":
            server.credentials.update(replace(RECORD, lwm2m_psk_key=bytes(16)))
        elif change == "credentials removed":
            server.credentials.remove(ENDPOINT)
        else:
            server.credentials.set_all(
                [replace(RECORD, endpoint="someone-else", bootstrap_psk_id="other-bs")]
            )
        assert (await revoked).registration.endpoint == ENDPOINT
        async with asyncio.timeout(5):
            await device.closed.wait()  # close_notify
        assert ENDPOINT not in server.registrations
        endpoint = server.dtls_endpoint
        assert endpoint is not None
        assert endpoint.stats().sessions == 0
        with pytest.raises(TimeoutError):  # the old session gets no 2.04 any more
            async with asyncio.timeout(1):
                await device.update(location)
    finally:
        await device.close()


async def test_an_unchanged_identity_keeps_its_session_when_others_change(
    secure_server: tuple[LwM2MServer, EventLog],
) -> None:
    server, events = secure_server
    device, location = await registered_device(server)
    try:
        server.credentials.update(replace(RECORD, name="renamed"))
        server.credentials.update(DeviceCredentials("other", SecurityMode.NO_SEC))
        assert (await device.update(location)).code == Code.CHANGED
        assert not events.of(Revoked)
    finally:
        await device.close()


async def test_removed_bootstrap_credentials_close_the_bootstrap_session(loopback: None) -> None:
    store = CredentialStore([RECORD])
    bootstrap = BootstrapServer(store, REGISTRY, host="127.0.0.1", port=0, secure_port=0)
    await bootstrap.start()
    try:
        assert bootstrap.secure_port is not None
        device = await DtlsLwM2MDevice(
            bootstrap.secure_port, BOOTSTRAP_IDENTITY.encode(), BOOTSTRAP_KEY
        ).connect()
        try:
            answer = await device.request(aiocoap.GET, ("nothing-here",))
            assert answer.code == Code.NOT_FOUND  # the session works
            store.remove(ENDPOINT)
            async with asyncio.timeout(5):
                await device.closed.wait()
            endpoint = bootstrap.dtls_endpoint
            assert endpoint is not None
            assert endpoint.stats().sessions == 0
        finally:
            await device.close()
    finally:
        await bootstrap.stop()


async def test_a_plain_registration_no_longer_admitted_ends(loopback: None) -> None:
    store = CredentialStore([DeviceCredentials("plain", SecurityMode.NO_SEC)])
    server = make_server(policy=SecurityPolicy.STRICT, credentials=store)
    events = EventLog()
    server.add_listener(events)
    await server.start()
    try:
        device = SimulatedDevice("plain", auto_update=False)
        await device.start()
        try:
            await device.register(("127.0.0.1", server.port))
            revoked = events.next(Revoked)
            store.remove("plain")
            assert (await revoked).endpoint == "plain"
            assert "plain" not in server.registrations
        finally:
            await device.stop()
    finally:
        await server.stop()
