"""Queue mode: requests wait for a sleeping device and go out on its next uplink."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiocoap
import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    Asleep,
    Awake,
    DeviceNotRegisteredError,
    LwM2MServer,
    Path,
    QueueChanged,
    QueueFullError,
    RequestCancelledError,
)
from custom_components.lwm2m.engine.clock import ManualClock

from .device_stub import DEVICE_VALUES, answer_reads, register
from .harness import EventLog
from .raw_peer import RawPeer

MANUFACTURER = Path.of(3, 0, 0)


@pytest.fixture
def server_options(clock: ManualClock) -> dict[str, Any]:
    return {"clock": clock, "queue_limit": 3, "request_timeout": 0.5}


@pytest.fixture
async def sleeper(server: LwM2MServer) -> AsyncIterator[tuple[RawPeer, str]]:
    device = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    location = await register(device, server.port, "sleepy", "Q")
    yield device, location
    await device.stop()


async def test_requests_wait_for_the_next_update(
    server: LwM2MServer, events: EventLog, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    device, location = sleeper
    assert await server.read("sleepy", MANUFACTURER) == {MANUFACTURER: "Acme"}
    clock.advance(93)
    assert [type(event) for event in events.events[-1:]] == [Asleep]
    first = asyncio.ensure_future(server.read("sleepy", MANUFACTURER))
    second = asyncio.ensure_future(server.read("sleepy", Path.of(3, 0, 9)))
    await asyncio.sleep(0)
    seen = len(device.requests)
    assert not first.done()
    awake = events.next(Awake)
    response = await device.request(server.port, Code.POST, location)
    assert response.code == Code.CHANGED
    await awake
    assert await first == {MANUFACTURER: "Acme"}
    assert await second == {Path.of(3, 0, 9): 87}
    order = [request.opt.uri_path for request in device.requests[seen:]]
    assert order == [("3", "0", "0"), ("3", "0", "9")]


async def test_queue_bound_and_caller_cancellation(
    server: LwM2MServer, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    clock.advance(93)
    waiting = [asyncio.ensure_future(server.read("sleepy", MANUFACTURER)) for _ in range(3)]
    await asyncio.sleep(0)
    with pytest.raises(QueueFullError):
        await server.read("sleepy", MANUFACTURER)
    waiting[0].cancel()
    await asyncio.sleep(0)
    assert len(server.export_queue()["sleepy"]) == 2
    for task in waiting[1:]:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    assert server.export_queue() == {}


async def test_unanswered_request_marks_asleep_and_is_queued_again(
    server: LwM2MServer, events: EventLog, sleeper: tuple[RawPeer, str]
) -> None:
    device, location = sleeper
    respond = device.respond
    device.respond = lambda request: None
    asleep = events.next(Asleep)
    pending = asyncio.ensure_future(server.read("sleepy", MANUFACTURER))
    await asleep
    assert not pending.done()
    device.respond = respond
    await device.request(server.port, Code.POST, location)
    assert await pending == {MANUFACTURER: "Acme"}


async def test_export_and_import(
    server: LwM2MServer, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    device, location = sleeper
    clock.advance(93)
    waiting = asyncio.ensure_future(
        server.write("sleepy", Path.of(1, 0), {Path.of(1, 0, 1): 600}, partial=True)
    )
    await asyncio.sleep(0)
    saved = json.loads(json.dumps(server.export_queue()))
    assert saved == {
        "sleepy": [
            {"operation": "write", "path": "/1/0", "values": [["/1/0/1", 600]], "partial": True}
        ]
    }
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)

    written: list[aiocoap.Message] = []
    done = asyncio.Event()

    def respond(request: aiocoap.Message) -> aiocoap.Message:
        written.append(request)
        done.set()
        return aiocoap.Message(code=Code.CHANGED)

    device.respond = respond
    server.import_queue(saved)
    assert not written
    await device.request(server.port, Code.POST, location)
    await done.wait()
    assert written[0].code == Code.POST
    assert written[0].opt.uri_path == ("1", "0")


async def test_deregistration_fails_waiting_callers(
    server: LwM2MServer, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    device, location = sleeper
    clock.advance(93)
    waiting = asyncio.ensure_future(server.read("sleepy", MANUFACTURER))
    await asyncio.sleep(0)
    await device.request(server.port, Code.DELETE, location)
    with pytest.raises(DeviceNotRegisteredError):
        await waiting


async def test_a_notification_wakes_the_queue(
    server: LwM2MServer, events: EventLog, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    device, _ = sleeper
    await server.observe("sleepy", MANUFACTURER)
    clock.advance(93)
    pending = asyncio.ensure_future(server.read("sleepy", Path.of(3, 0, 9)))
    awake = events.next(Awake)
    device.notify()
    await awake
    assert await pending == {Path.of(3, 0, 9): 87}


async def test_queue_changes_are_announced(
    server: LwM2MServer, events: EventLog, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    device, location = sleeper
    clock.advance(93)
    waiting = asyncio.ensure_future(server.read("sleepy", MANUFACTURER))
    await asyncio.sleep(0)
    assert events.of(QueueChanged) == [QueueChanged("sleepy")]
    assert server.export_queue() == {"sleepy": [{"operation": "read", "path": "/3/0/0"}]}
    await device.request(server.port, Code.POST, location)
    assert await waiting == {MANUFACTURER: "Acme"}
    assert len(events.of(QueueChanged)) == 2
    assert server.export_queue() == {}


async def test_waiting_requests_are_listed_and_can_be_cancelled(
    server: LwM2MServer, events: EventLog, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    clock.advance(93)
    assert not server.is_awake("sleepy")
    first = asyncio.ensure_future(server.read("sleepy", MANUFACTURER))
    second = asyncio.ensure_future(server.execute("sleepy", Path.of(3, 0, 4)))
    await asyncio.sleep(0)
    listed = server.queued_requests("sleepy")
    assert [(item.operation, item.path, item.awaited) for item in listed] == [
        ("read", MANUFACTURER, True),
        ("execute", Path.of(3, 0, 4), True),
    ]
    assert listed[0].id != listed[1].id

    changed = events.next(QueueChanged)
    assert server.cancel_queued("sleepy", listed[0].id)
    with pytest.raises(RequestCancelledError):
        await first
    await changed
    assert [item.path for item in server.queued_requests("sleepy")] == [Path.of(3, 0, 4)]
    assert not server.cancel_queued("sleepy", listed[0].id)  # gone already
    assert not server.cancel_queued("nobody", listed[1].id)
    second.cancel()
    await asyncio.gather(second, return_exceptions=True)
    assert server.queued_requests("sleepy") == []


async def test_a_restored_request_can_be_cancelled(
    server: LwM2MServer, clock: ManualClock, sleeper: tuple[RawPeer, str]
) -> None:
    clock.advance(93)
    server.import_queue({"sleepy": [{"operation": "read", "path": "/3/0/0"}]})
    (restored,) = server.queued_requests("sleepy")
    assert not restored.awaited
    assert server.cancel_queued("sleepy", restored.id)
    assert server.export_queue() == {}
