"""Eclipse Wakaama's example client against the engine's server, over UDP and DTLS-PSK.

Every LwM2M operation the client implements, through the server's public API; the
client is driven on its command line (value changes, updates, Send, quit).
"""

from __future__ import annotations

from typing import Any

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    ContentFormat,
    Deregistered,
    NotificationReceived,
    Path,
    RequestFailedError,
    SendReceived,
    Updated,
)
from custom_components.lwm2m.engine.codec import decode

from .wakaama import SHORT_SERVER_ID
from .wakaama_session import WakaamaSession

pytestmark = pytest.mark.interop

DEVICE = Path.of(3, 0)
MANUFACTURER = Path.of(3, 0, 0)
BATTERY = Path.of(3, 0, 9)
TEST_OBJECT = 31024  # the example client's own object: test (1, int), exec (2), dec (3, float)
TEST_INSTANCE = Path.of(TEST_OBJECT, 10)
TEST_VALUE = TEST_INSTANCE.child(1)
TEST_EXEC = TEST_INSTANCE.child(2)
TEST_DEC = TEST_INSTANCE.child(3)
UPDATE_TRIGGER = Path.of(1, 0, 8)
VALUE_FORMATS = (
    ContentFormat.TLV,
    ContentFormat.SENML_JSON,
    ContentFormat.SENML_CBOR,
    ContentFormat.LWM2M_JSON,
)


async def test_registers_updates_and_deregisters(session: WakaamaSession) -> None:
    registration = session.registered.registration
    assert registration.lwm2m_version == "1.1"
    assert registration.secure is session.secure
    assert {DEVICE, Path.of(5, 0), TEST_INSTANCE} <= set(registration.objects)

    updated = session.events.next(Updated, lambda event: event.endpoint == session.endpoint)
    await session.client.command(f"update {SHORT_SERVER_ID}")
    assert (await updated).registration.registration_id == registration.registration_id

    gone = session.events.next(Deregistered, lambda event: event.endpoint == session.endpoint)
    status = await session.client.quit()
    await gone
    if not session.secure:  # the tinydtls build crashes (SIGSEGV) after deregistering
        assert status == 0
    assert session.endpoint not in session.server.registrations


@pytest.mark.parametrize("fmt", VALUE_FORMATS, ids=lambda fmt: ContentFormat(fmt).name)
async def test_reads_the_device_object_in_each_format(session: WakaamaSession, fmt: int) -> None:
    raw = await session.server.request_raw(session.endpoint, Code.GET, DEVICE, accept=fmt)
    assert raw.code == Code.CONTENT
    assert raw.opt.content_format == fmt
    values = decode(fmt, DEVICE, bytes(raw.payload), session.server.registry)

    read = await session.server.read(session.endpoint, DEVICE, accept=fmt)
    assert read[MANUFACTURER] == values[MANUFACTURER] == "Open Mobile Alliance"
    assert read[Path.of(3, 0, 1)] == "Lightweight M2M Client"
    assert read[Path.of(3, 0, 6, 1)] == 5  # a multiple-instance resource's instance
    assert set(read) == set(values)


async def test_reads_single_resources_as_text(session: WakaamaSession) -> None:
    text = int(ContentFormat.TEXT)
    manufacturer = await session.server.read(session.endpoint, MANUFACTURER, accept=text)
    assert manufacturer == {MANUFACTURER: "Open Mobile Alliance"}
    battery = await session.server.read(session.endpoint, BATTERY, accept=text)
    assert battery == {BATTERY: 100}
    raw = await session.server.request_raw(session.endpoint, Code.GET, BATTERY, accept=text)
    assert raw.opt.content_format == text
    assert bytes(raw.payload) == b"100"


async def test_writes_a_resource_and_an_instance(session: WakaamaSession) -> None:
    await session.server.write(session.endpoint, TEST_VALUE, 42)
    assert await session.server.read(session.endpoint, TEST_VALUE) == {TEST_VALUE: 42}

    await session.server.write(
        session.endpoint, TEST_INSTANCE, {TEST_VALUE: 7, TEST_DEC: 2.5}, partial=True
    )
    values = await session.server.read(session.endpoint, TEST_INSTANCE)
    assert values[TEST_VALUE] == 7
    assert values[TEST_DEC] == pytest.approx(2.5)


async def test_executes_with_arguments(session: WakaamaSession) -> None:
    mark = session.client.mark()
    await session.server.execute(session.endpoint, TEST_EXEC, "0='on',1")
    await session.client.expect(
        rf"Execute on {TEST_OBJECT}/10/2\s+Parameter \(8 bytes\):\s+30 3D 27 6F 6E 27 2C 31",
        since=mark,
    )


def notification(session: WakaamaSession, path: Path, value: Any) -> Any:
    return session.events.next(
        NotificationReceived,
        lambda event: event.endpoint == session.endpoint and event.values.get(path) == value,
    )


async def change_battery(session: WakaamaSession, level: int) -> None:
    output = await session.client.command(f"change {BATTERY} {level}")
    assert "value changed!" in output


async def observe_three_notifications(session: WakaamaSession) -> None:
    observation = await session.server.observe(session.endpoint, BATTERY)
    assert observation.initial == {BATTERY: 100}
    for level in (90, 80, 70):
        arrived = notification(session, BATTERY, level)
        await change_battery(session, level)
        await arrived


async def no_notification_after(session: WakaamaSession, level: int) -> None:
    """Change the battery level, then read it: a notification the client sent would have
    arrived before the read's response (one socket, one loop on each side)."""
    before = len(session.events.of(NotificationReceived))
    await change_battery(session, level)
    assert await session.server.read(session.endpoint, BATTERY) == {BATTERY: level}
    assert len(session.events.of(NotificationReceived)) == before


async def test_observe_then_cancel_reactively_with_rst(session: WakaamaSession) -> None:
    await observe_three_notifications(session)
    await session.server.cancel_observation(session.endpoint, BATTERY)
    # the next notification is answered with RST: the client drops the observation
    mark = session.client.mark()
    await change_battery(session, 60)
    await session.client.expect(r"bytes received from", since=mark)
    await no_notification_after(session, 50)


async def test_observe_then_cancel_proactively_with_get(session: WakaamaSession) -> None:
    await observe_three_notifications(session)
    await session.server.cancel_observation(session.endpoint, BATTERY, active=True)
    await no_notification_after(session, 60)


async def test_write_attributes_then_discover(session: WakaamaSession) -> None:
    await session.server.write_attributes(session.endpoint, TEST_VALUE, pmin=5, pmax=60)
    links = await session.server.discover(session.endpoint, TEST_INSTANCE)
    by_uri = {link.uri: link.params for link in links}
    assert by_uri[str(TEST_VALUE)] == {"pmin": "5", "pmax": "60"}
    assert str(TEST_EXEC) in by_uri

    await session.server.write_attributes(session.endpoint, TEST_VALUE, pmin=None, pmax=None)
    links = await session.server.discover(session.endpoint, TEST_VALUE)
    assert {link.uri: link.params for link in links}[str(TEST_VALUE)] == {}


async def test_creates_and_deletes_an_instance(session: WakaamaSession) -> None:
    new = Path.of(TEST_OBJECT, 20)
    created = await session.server.create(
        session.endpoint, new, {new.child(1): 9, new.child(3): 1.5}
    )
    assert created == new
    assert (await session.server.read(session.endpoint, new.child(1))) == {new.child(1): 9}

    await session.server.delete(session.endpoint, new)
    with pytest.raises(Exception, match=r"4\.04"):
        await session.server.read(session.endpoint, new)


async def test_a_chosen_id_without_values_is_sent_and_refused_not_replaced(
    session: WakaamaSession,
) -> None:
    """The id travels as an empty TLV Object Instance; Wakaama's TLV parser refuses one with
    no resources (4.00), so nothing is created at another id."""
    new = Path.of(TEST_OBJECT, 21)
    with pytest.raises(RequestFailedError, match=r"4\.00"):
        await session.server.create(session.endpoint, new, {})
    links = await session.server.discover(session.endpoint, Path.of(TEST_OBJECT))
    assert [link.uri for link in links if link.uri.startswith(f"{new}")] == []
    assert await session.server.create(session.endpoint, new, {new.child(1): 3}) == new
    await session.server.delete(session.endpoint, new)


async def test_composite_operations_fall_back_to_single_requests(session: WakaamaSession) -> None:
    """Wakaama acknowledges FETCH with an empty ACK and never answers it: the server reads
    (and observes) path by path, and remembers to do so for this device."""
    paths = [MANUFACTURER, BATTERY, TEST_VALUE]
    expected = {MANUFACTURER: "Open Mobile Alliance", BATTERY: 100, TEST_VALUE: 20}
    assert await session.server.read_composite(session.endpoint, paths) == expected
    assert await session.server.read_composite(session.endpoint, paths) == expected

    observation = await session.server.observe_composite(session.endpoint, [BATTERY])
    assert observation.initial == {BATTERY: 100}
    arrived = notification(session, BATTERY, 55)
    await change_battery(session, 55)
    await arrived
    await observation.cancel(active=True)
    await no_notification_after(session, 45)


async def test_send_reaches_the_server(session: WakaamaSession) -> None:
    sent = session.events.next(SendReceived, lambda event: event.endpoint == session.endpoint)
    output = await session.client.command(f"send {SHORT_SERVER_ID} {MANUFACTURER} {BATTERY}")
    assert "error" not in output.lower()
    event = await sent
    assert event.values[MANUFACTURER] == "Open Mobile Alliance"
    assert event.values[BATTERY] == 100


async def test_registration_update_trigger_is_answered_without_an_update(
    session: WakaamaSession,
) -> None:
    """Wakaama answers Execute on /1/x/8 with 2.04 but never sends the Update it asks for
    (its core leaves it to the application, which does nothing); the server does not wait."""
    await session.server.execute(session.endpoint, UPDATE_TRIGGER)
    assert await session.server.read(session.endpoint, MANUFACTURER)
    assert not [event for event in session.events.of(Updated) if event.endpoint == session.endpoint]
