"""Unit tests of the server's parts that need no network."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from custom_components.lwm2m.engine import (
    CodecError,
    ContentFormat,
    ObjectLink,
    ObjectRegistry,
    Path,
    QueueFullError,
)
from custom_components.lwm2m.engine.clock import LoopClock, ManualClock
from custom_components.lwm2m.engine.codec import TimedValue
from custom_components.lwm2m.engine.log_once import LogOnce, OncePerKindFilter
from custom_components.lwm2m.engine.model.device_model import DeviceModel
from custom_components.lwm2m.engine.registration.request import (
    BadRegistrationError,
    parse_links,
    parse_register,
    parse_update,
)
from custom_components.lwm2m.engine.requests.negotiation import FormatMemory, Negotiator
from custom_components.lwm2m.engine.requests.payloads import (
    absolute,
    assumed_format,
    decode_history,
    decode_values,
    is_single_value,
    latest,
)
from custom_components.lwm2m.engine.requests.request import DeviceRequest, Operation
from custom_components.lwm2m.engine.server.presence import Presence
from custom_components.lwm2m.engine.server.queue import QueuedRequest, RequestQueue

REGISTRY = ObjectRegistry.default()


def test_device_request_round_trip() -> None:
    request = DeviceRequest(
        Operation.WRITE_COMPOSITE,
        values=(
            (Path.of(3, 0, 13), datetime(2026, 1, 2, tzinfo=UTC)),
            (Path.of(3303, 0, 5750), "x"),
            (Path.of(5, 0, 0), b"\x00\x01"),
            (Path.of(3, 0, 7), []),
            (Path.of(11, 0, 1), ObjectLink(3, 0)),
        ),
        content_format=ContentFormat.SENML_CBOR,
        accept=0,
        attributes=(("pmin", 5), ("st", None), ("gt", 1.5)),
        arguments="0='x'",
        active=True,
        partial=True,
        paths=(Path.of(3, 0),),
    )
    assert DeviceRequest.from_dict(request.to_dict()) == request
    assert request.value_map[Path.of(3303, 0, 5750)] == "x"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"operation": "dance"},
        {"operation": "read", "path": "3/0"},
        {"operation": "read", "accept": "110"},
        {"operation": "read", "accept": True},
        {"operation": "execute", "arguments": 5},
        {"operation": "write_attributes", "attributes": [["pmin", "5"]]},
        {"operation": "write", "values": [["/3/0/1", {"mystery": 1}]]},
        {"operation": "write", "values": [["/3/0/1"]]},
    ],
)
def test_device_request_rejects_malformed(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        DeviceRequest.from_dict(data)


def test_device_request_refuses_mapping_values() -> None:
    with pytest.raises(ValueError, match="mapping"):
        DeviceRequest(Operation.WRITE, values=((Path.of(3, 0, 1), {"a": 1}),)).to_dict()


def test_negotiation_by_version_and_memory() -> None:
    memory = FormatMemory()
    old = Negotiator("1.0", (), memory)
    assert old.read_format(single=False) == ContentFormat.TLV
    assert old.write_format(single=True) == ContentFormat.TLV
    new = Negotiator("1.1", (110, 112), FormatMemory())
    assert new.read_format(single=False) == ContentFormat.SENML_CBOR
    assert new.composite_format() == ContentFormat.SENML_CBOR
    new.refuse(ContentFormat.SENML_CBOR)
    assert new.read_format(single=False) == ContentFormat.SENML_JSON
    assert new.composite_format() == ContentFormat.SENML_JSON
    new.refuse(ContentFormat.SENML_JSON)
    new.refuse(ContentFormat.TLV)
    assert new.read_format(single=True) == ContentFormat.TEXT
    assert new.read_format(single=False) is None
    assert new.write_format(single=True) == ContentFormat.TEXT
    assert new.write_format(single=False) == ContentFormat.TLV
    assert new.composite_format() == ContentFormat.LWM2M_CBOR
    new.refuse(ContentFormat.LWM2M_CBOR)
    assert new.composite_format() == ContentFormat.SENML_CBOR
    new.memory.drops_accept = True
    assert new.read_format(single=False) is None
    assert Negotiator.supported(110)
    assert not Negotiator.supported(None)


def test_device_model_prefers_announced_version() -> None:
    registry = ObjectRegistry.default()
    newest = registry.get(3)
    assert newest is not None
    registry.add(replace(newest, version="1.0", name="Old Device"))
    model = DeviceModel(registry, {3: "1.0", 9: "9.9"}.get)
    device = model.get(3)
    assert device is not None
    assert device.name == "Old Device"
    fallback = model.get(9)
    assert fallback is not None
    assert fallback.id == 9
    assert model.get(3303) is not None
    assert model.get(60000) is None


def test_device_model_looks_each_object_up_once() -> None:
    asked: list[int] = []

    def announced(object_id: int) -> str | None:
        asked.append(object_id)
        return None

    model = DeviceModel(ObjectRegistry.default(), announced)
    first = model.get(3303)
    assert first is not None
    assert all(model.get(3303) is first for _ in range(5))
    assert model.get(60000) is None
    assert model.get(60000) is None
    assert asked == [3303, 60000]


def test_payload_helpers() -> None:
    assert is_single_value(REGISTRY, Path.of(3, 0, 0))
    assert not is_single_value(REGISTRY, Path.of(3, 0, 7))
    assert is_single_value(REGISTRY, Path.of(3, 0, 7, 1))
    assert not is_single_value(REGISTRY, Path.of(3, 0))
    assert assumed_format(None, True) == ContentFormat.TEXT
    assert assumed_format(None, False) == ContentFormat.TLV
    assert assumed_format(112, False) == 112
    path = Path.of(3303, 0, 5700)
    records = [TimedValue(path, 1.0, 10.0), TimedValue(path, 2.0, 5.0), TimedValue(path, 3.0)]
    assert latest(records) == {path: 1.0}
    assert absolute(records, 1000.0) == [
        TimedValue(path, 1.0, 1010.0),
        TimedValue(path, 2.0, 1005.0),
        TimedValue(path, 3.0, 1000.0),
    ]
    assert absolute([TimedValue(path, 1.0, 2.0**28)], 5.0)[0].time == 2.0**28
    untimed = b'[{"n":"/3303/0/5700","v":4}]'
    assert decode_history(ContentFormat.SENML_JSON, Path(), untimed, REGISTRY, 0) == (
        {path: 4.0},
        (),
    )
    assert decode_values(ContentFormat.SENML_JSON, Path(), untimed, REGISTRY) == {path: 4.0}
    with pytest.raises(CodecError):
        decode_values(9999, path, b"", REGISTRY)


def test_registration_parsing_details() -> None:
    request = parse_register(["ep=a", "b=UQ", "lt=5", "lwm2m=1.0"], b" ")
    assert request.queue_mode
    assert request.links.objects == {}
    links = parse_links(b'</>;rt="oma.lwm2m";ct=112,</3/0>,</0/1>,</3/0/1>,</bad>')
    assert links.content_formats == (112,)
    assert list(links.objects) == [Path.of(3, 0)]
    update = parse_update(["Q", "sms=+1"], b"")
    assert update.queue_mode
    assert update.sms_number == "+1"
    assert update.links is None
    assert parse_update(["b=U"], b"").queue_mode is None
    for query in (["=x"], ["ep="], ["ep=\x01"]):
        with pytest.raises(BadRegistrationError):
            parse_register(query, b"")


def test_request_queue() -> None:
    queue = RequestQueue("ep", limit=2)
    first = QueuedRequest(DeviceRequest(Operation.READ, Path.of(3, 0)))
    second = QueuedRequest(DeviceRequest(Operation.DELETE, Path.of(3303, 0)))
    queue.push(first)
    queue.push(second)
    with pytest.raises(QueueFullError):
        queue.push(first)
    assert queue.pop() is first
    queue.push_front(first)
    assert list(queue) == [first, second]
    queue.discard(second)
    queue.discard(second)
    assert len(queue) == 1
    assert queue.take_all() == [first]
    assert queue.pop() is None


async def test_abandoned_requests_are_skipped() -> None:
    queue = RequestQueue("ep")
    future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    gone = QueuedRequest(DeviceRequest(Operation.READ), future)
    kept = QueuedRequest(DeviceRequest(Operation.DELETE))
    queue.push(gone)
    queue.push(kept)
    future.cancel()
    assert gone.abandoned
    assert queue.pop() is kept


def test_manual_clock_and_presence() -> None:
    clock = ManualClock(start=100.0)
    changes: list[tuple[str, bool]] = []
    presence = Presence(clock, 10.0, lambda endpoint, awake: changes.append((endpoint, awake)))
    presence.uplink("a")
    presence.uplink("a")
    assert presence.is_awake("a")
    clock.advance(9)
    presence.uplink("a", announce=False)
    clock.advance(9)
    assert presence.is_awake("a")
    clock.advance(1)
    assert not presence.is_awake("a")
    assert changes == [("a", True), ("a", False)]
    presence.asleep("a")
    presence.uplink("b")
    presence.forget_all()
    assert clock.pending == 0
    assert clock.time() == 119.0


async def test_loop_clock() -> None:
    clock = LoopClock()
    fired = asyncio.Event()
    clock.call_later(-1, fired.set)
    await fired.wait()
    assert clock.time() > 1_600_000_000


def test_log_once(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.log_once")
    once = LogOnce(logger)
    caplog.set_level(logging.DEBUG, logger="tests.log_once")
    for _ in range(3):
        once("kind", "bad thing %s", 1)
    assert [record.levelno for record in caplog.records] == [
        logging.WARNING,
        logging.DEBUG,
        logging.DEBUG,
    ]
    assert once.seen("kind")


def test_once_per_kind_filter() -> None:
    logger = logging.getLogger("tests.once_filter")
    logger.setLevel(logging.INFO)
    seen = OncePerKindFilter()

    def record(level: int, message: str) -> logging.LogRecord:
        return logger.makeRecord(logger.name, level, __file__, 1, message, (), None)

    assert seen.filter(record(logging.WARNING, "odd %s"))
    repeated = record(logging.WARNING, "odd %s")
    assert not seen.filter(repeated)
    assert repeated.levelno == logging.DEBUG
    assert seen.filter(record(logging.INFO, "chatter"))
    assert seen.filter(record(logging.ERROR, "bug"))
    assert seen.filter(record(logging.ERROR, "bug"))
