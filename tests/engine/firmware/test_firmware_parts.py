"""The firmware update's parts on their own: image, status, timeouts, grants, blocks, push."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import aiocoap
import pytest
from aiocoap.numbers.codes import Code
from aiocoap.optiontypes import BlockOption

from custom_components.lwm2m.engine import (
    DeviceNotRegisteredError,
    ErrorKey,
    ExternalImage,
    FirmwareImage,
    FirmwareStatus,
    FirmwareUpdater,
    InvalidResponseError,
    LwM2MError,
    Path,
    Phase,
    Registration,
    RequestFailedError,
    RequestTimeoutError,
    uri_scheme,
)
from custom_components.lwm2m.engine.clock import ManualClock
from custom_components.lwm2m.engine.firmware.device_object import Capabilities, FirmwareReport
from custom_components.lwm2m.engine.firmware.grants import DownloadGrants, download_uri, same_device
from custom_components.lwm2m.engine.firmware.image_resource import FirmwareResource, block_response
from custom_components.lwm2m.engine.firmware.push import PushRefusedError, push_blocks
from custom_components.lwm2m.engine.firmware.reset import has_cancel
from custom_components.lwm2m.engine.firmware.run import error_key
from custom_components.lwm2m.engine.firmware.status import RESULT_ERRORS, error_for_result
from custom_components.lwm2m.engine.firmware.updater import FirmwareTimeouts

Block: Any = BlockOption.BlockwiseTuple
DATA = bytes(range(256)) * 10  # 2560 bytes


def image(data: bytes = DATA) -> FirmwareImage:
    return FirmwareImage("app.bin", "2.0", data)


# --- image -----------------------------------------------------------------------------


def test_an_image_knows_its_digest_and_keeps_its_bytes_out_of_sight() -> None:
    made = FirmwareImage("app.bin", "2.0", DATA, models=["SIM-100"])  # type: ignore[arg-type]
    assert len(made.sha256) == 64
    assert made.size == len(DATA)
    assert made.models == ("SIM-100",)
    assert "data" not in repr(made)
    assert made.sha256 in repr(made)
    same = FirmwareImage("app.bin", "2.0", DATA, sha256=made.sha256.upper(), models=("SIM-100",))
    assert same == made
    assert made.fits("SIM-100")
    assert not made.fits("SIM-200")
    assert not made.fits(None)
    assert image().fits(None)


def test_an_image_refuses_a_wrong_digest_and_emptiness() -> None:
    with pytest.raises(ValueError, match="sha256"):
        FirmwareImage("app.bin", "2.0", DATA, sha256="00" * 32)
    with pytest.raises(ValueError, match="empty"):
        FirmwareImage("app.bin", "2.0", b"")


@pytest.mark.parametrize(
    "uri",
    [
        "coap://192.0.2.1:5683/fw/demo.bin",
        "COAPS://[2001:db8::1]/fw",
        "coap+tcp://host/fw",
        "coaps+tcp://host/fw",
        "http://host/fw.bin",
        "https://user:secret@host/fw.bin?sig=abc",
    ],
)
def test_an_image_elsewhere_takes_every_package_uri_scheme(uri: str) -> None:
    made = ExternalImage("vendor.bin", "2.0", uri, models=["SIM-100"])  # type: ignore[arg-type]
    assert made.scheme == uri_scheme(uri) == uri.partition(":")[0].lower()
    assert made.size is None
    assert made.models == ("SIM-100",)
    assert (made.fits("SIM-100"), made.fits(None)) == (True, False)
    assert uri not in repr(made)


@pytest.mark.parametrize(
    ("uri", "scheme"),
    [
        ("ftp://host/fw.bin", "ftp"),
        ("fw.bin", None),
        ("coap:///fw.bin", None),
        ("coap://host:99999/fw.bin", None),
        ("coap://[::1/fw.bin", None),
        ("coap://host/fw bin", None),
        ("coap://host/" + "x" * 244, None),
    ],
)
def test_an_image_elsewhere_needs_a_uri_a_device_downloads(uri: str, scheme: str | None) -> None:
    assert uri_scheme(uri) == scheme
    with pytest.raises(ValueError, match="vendor.bin"):
        ExternalImage("vendor.bin", "2.0", uri)


def test_a_package_uri_may_be_255_bytes_long() -> None:
    uri = "coap://host/" + "x" * 243
    assert len(uri) == 255
    assert ExternalImage("vendor.bin", "2.0", uri).uri == uri


# --- status ----------------------------------------------------------------------------


def test_every_update_result_has_a_key() -> None:
    assert error_for_result(None) is None
    assert error_for_result(0) is None
    assert error_for_result(1) is None
    assert [error_for_result(code) for code in range(2, 12)] == list(RESULT_ERRORS.values())
    assert error_for_result(12) is ErrorKey.UNKNOWN_RESULT
    assert len(set(RESULT_ERRORS.values())) == 10


def test_a_status_survives_json() -> None:
    status = FirmwareStatus(
        phase=Phase.FAILED,
        percent=42,
        result=5,
        error=ErrorKey.INTEGRITY_CHECK_FAILURE,
        image_name="app.bin",
        image_version="2.0",
        image_sha256="ab" * 32,
        previous_version="1.0",
        started=1.0,
        updated=2,
    )
    data = json.loads(json.dumps(status.to_dict()))
    assert "installed_version" not in data
    assert "image_uri" not in data
    restored = FirmwareStatus.from_dict(data)
    assert restored == status
    assert restored.finished
    assert not restored.in_progress
    assert restored.progress == 42
    assert FirmwareStatus.from_dict({}) == FirmwareStatus()


def test_a_status_of_an_image_elsewhere_keeps_its_uri_but_shows_no_progress() -> None:
    uri = "https://user:secret@host/fw.bin"
    status = FirmwareStatus(phase=Phase.TRANSFERRING, image_name="vendor.bin", image_uri=uri)
    assert status.progress is None
    assert uri not in repr(status)
    restored = FirmwareStatus.from_dict(json.loads(json.dumps(status.to_dict())))
    assert restored == status
    assert restored.image_uri == uri


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"phase": "sideways"},
        {"percent": 101},
        {"percent": True},
        {"error": "gremlins"},
        {"method": "carrier pigeon"},
        {"result": "5"},
        {"image_name": 7},
        {"image_uri": 7},
        {"started": "yesterday"},
    ],
)
def test_a_malformed_status(data: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011  (each case has its own message)
        FirmwareStatus.from_dict(data)


# --- timeouts --------------------------------------------------------------------------


def test_limits_grow_with_the_image() -> None:
    timeouts = FirmwareTimeouts(base=10, transfer_rate=100, processing_rate=1000, install=50)
    assert timeouts.limit(Phase.TRANSFERRING, 1000) == 20
    assert timeouts.limit(Phase.TRANSFERRING, 100_000) == 1010
    assert timeouts.limit(Phase.VERIFYING, 100_000) == 110
    assert timeouts.limit(Phase.UPDATING, 100_000) == 160
    with pytest.raises(ValueError, match="no time limit"):
        timeouts.limit(Phase.SUCCEEDED, 1)
    assert FirmwareTimeouts(unknown_size=100_000, base=10, transfer_rate=100).limit(
        Phase.TRANSFERRING, None
    ) == timeouts.limit(Phase.TRANSFERRING, 100_000)
    with pytest.raises(ValueError, match="transfer_rate"):
        FirmwareTimeouts(transfer_rate=0)


def test_the_updater_checks_its_block_size(server_stub: Any) -> None:
    with pytest.raises(ValueError, match="push_block_exponent"):
        FirmwareUpdater(server_stub, push_block_exponent=7)


@pytest.fixture
def server_stub() -> Any:
    class Stub:
        registrations: ClassVar[dict[str, Registration]] = {}

        def add_resource(self, path: tuple[str, ...], resource: Any) -> None:
            pass

        def add_listener(self, listener: Any) -> Any:
            return lambda: None

    return Stub()


# --- what the device says --------------------------------------------------------------


def test_reports_merge_what_each_notification_says() -> None:
    state, result = Path.of(5, 0, 3), Path.of(5, 0, 5)
    report = FirmwareReport().merged({state: 1})
    assert report == FirmwareReport(1, None)
    report = report.merged({result: 0, Path.of(5, 0, 6): "x"})
    assert report == FirmwareReport(1, 0)
    assert report.merged({state: "2", result: True}) == report


def test_capabilities() -> None:
    silent = Capabilities.read_from({})
    assert silent.pulls
    assert silent.pushes
    assert silent.downloads_over("coaps")
    listed = Capabilities.read_from(
        {Path.of(5, 0, 8, 0): 1, Path.of(5, 0, 8, 1): 3, Path.of(5, 0, 9): 0}
    )
    assert listed.protocols == frozenset({1, 3})
    assert listed.downloads_over("coaps")
    assert not listed.downloads_over("coap")
    assert not listed.downloads_over("http")
    assert listed.downloads_over("https")
    assert not listed.downloads_over("ftp")
    assert Capabilities(frozenset({2, 4, 5})).downloads_over("coaps+tcp")
    assert (listed.pulls, listed.pushes) == (True, False)
    assert Capabilities.read_from({Path.of(5, 0, 8): []}).protocols == frozenset()


# --- grants ----------------------------------------------------------------------------


def test_grants_expire_are_revoked_and_replace_each_other() -> None:
    clock = ManualClock()
    grants = DownloadGrants(clock, lambda endpoint, remote: remote == endpoint)
    first = grants.issue("a", image(), 30, lambda end: None)
    assert grants.find(first.token) is first
    second = grants.issue("a", image(), 30, lambda end: None)
    assert grants.find(first.token) is None
    assert len(grants) == 1
    assert second.token != first.token
    assert grants.permits(second, "a")
    assert not grants.permits(second, "b")
    other = grants.issue("b", image(), 60, lambda end: None)
    clock.advance(30)
    assert grants.find(second.token) is None
    assert grants.find(other.token) is other
    grants.revoke("b")
    assert grants.find(other.token) is None
    assert len(grants) == 0


class _Remote:
    def __init__(self, host: str, port: int = 5683, identity: bytes | str | None = None) -> None:
        self.hostinfo = f"{host}:{port}"
        if identity is not None:
            self.psk_identity = identity


def test_same_device() -> None:
    plain = Registration("a", "1", address=("10.0.0.5", 40000))
    assert same_device(plain, _Remote("10.0.0.5", 50000))
    assert not same_device(plain, _Remote("10.0.0.6", 40000))
    assert not same_device(plain, _Remote("10.0.0.5", 40000, identity=b"a"))
    assert not same_device(None, _Remote("10.0.0.5"))
    secure = Registration("a", "1", address=("10.0.0.5", 40000), secure=True)
    secure.security_identity = "id-a"
    assert same_device(secure, _Remote("10.0.0.9", identity=b"id-a"))
    assert same_device(secure, _Remote("10.0.0.9", identity="id-a"))
    assert not same_device(secure, _Remote("10.0.0.5", identity=b"id-b"))
    assert not same_device(secure, _Remote("10.0.0.5"))


@pytest.mark.parametrize(
    ("base", "host", "uri"),
    [
        ("coap://127.0.0.1:5690", None, "coap://127.0.0.1:5690/fw/T"),
        ("coap://127.0.0.1", "example.net", "coap://example.net/fw/T"),
        ("coaps://[fd00::1]:5684", "192.168.1.2", "coaps://192.168.1.2:5684/fw/T"),
        ("coap://10.1.1.1:5683", "fd00::2", "coap://[fd00::2]:5683/fw/T"),
    ],
)
def test_download_uri(base: str, host: str | None, uri: str) -> None:
    assert download_uri(base, "T", host) == uri


@pytest.mark.parametrize(
    ("base", "host"),
    [("coaps://[::]:5684", None), ("coap://0.0.0.0:5683", None), ("coap://h:1", "::")],
)
def test_no_download_uri_without_a_real_host(base: str, host: str | None) -> None:
    assert download_uri(base, "T", host) is None


# --- serving blocks --------------------------------------------------------------------


def _serve(wanted: Any, largest: int = 6, data: bytes = DATA) -> tuple[aiocoap.Message, list[int]]:
    served: list[int] = []
    grants = DownloadGrants(ManualClock(), lambda endpoint, remote: True)
    grant = grants.issue("a", image(data), 60, served.append)
    return block_response(grant, wanted, largest), served


def test_blocks_are_cut_as_asked() -> None:
    first, served = _serve(None)
    assert first.code == Code.CONTENT
    assert first.opt.block2 == Block(0, True, 6)
    assert first.opt.size2 == len(DATA)
    assert first.opt.content_format == 42
    assert first.payload == DATA[:1024]
    assert served == [1024]
    last, served = _serve(Block(2, False, 6))
    assert last.opt.block2 == Block(2, False, 6)
    assert last.payload == DATA[2048:]
    assert last.opt.size2 is None
    assert served == [len(DATA)]
    assert last.opt.etag == first.opt.etag


def test_a_block_is_cut_smaller_when_the_transport_needs_it() -> None:
    response, served = _serve(Block(1, False, 6), largest=4)
    assert response.opt.block2 == Block(4, True, 4)
    assert response.payload == DATA[1024:1280]
    assert served == [1280]


def test_a_small_image_goes_whole_unless_blocks_are_asked_for() -> None:
    whole, served = _serve(None, data=b"tiny")
    assert (whole.payload, whole.opt.block2, served) == (b"tiny", None, [4])
    block, _ = _serve(Block(0, False, 6), data=b"tiny")
    assert block.opt.block2 == Block(0, False, 6)


def test_a_block_past_the_end() -> None:
    response, served = _serve(Block(3, False, 6))
    assert response.code == Code.BAD_OPTION
    assert served == []


# --- pushing blocks --------------------------------------------------------------------


def _answer(code: Code, block1: Any = None) -> aiocoap.Message:
    message = aiocoap.Message(code=code)
    if block1 is not None:
        message.opt.block1 = block1
    return message


async def test_push_sends_every_block_once() -> None:
    sent: list[tuple[Any, bytes]] = []
    acknowledged: list[int] = []

    async def send(block: Any, chunk: bytes) -> aiocoap.Message:
        sent.append((block, chunk))
        return _answer(Code.CONTINUE if block.more else Code.CHANGED, block)

    await push_blocks(send, DATA, 6, acknowledged.append)
    assert [block for block, _ in sent] == [
        Block(0, True, 6),
        Block(1, True, 6),
        Block(2, False, 6),
    ]
    assert b"".join(chunk for _, chunk in sent) == DATA
    assert acknowledged == [1024, 2048, 2560]


async def test_push_follows_a_device_that_wants_smaller_blocks() -> None:
    sent: list[Any] = []

    async def send(block: Any, chunk: bytes) -> aiocoap.Message:
        sent.append(block)
        if block.block_number == 0 and block.size_exponent == 6:
            return _answer(Code.REQUEST_ENTITY_TOO_LARGE, Block(0, False, 5))
        if block.more:
            return _answer(Code.CONTINUE, Block(block.block_number, True, 4))
        return _answer(Code.CHANGED)

    await push_blocks(send, DATA, 6, lambda end: None)
    assert sent[:4] == [Block(0, True, 6), Block(0, True, 5), Block(2, True, 4), Block(3, True, 4)]
    assert sent[-1] == Block(9, False, 4)


@pytest.mark.parametrize(
    ("refusal", "at"),
    [
        (Code.REQUEST_ENTITY_INCOMPLETE, 1),
        (Code.REQUEST_ENTITY_TOO_LARGE, 1),  # too late to start again smaller
        (Code.CHANGED, 0),  # took the first block as the whole package
        (Code.CONTINUE, 2),  # wants more after the last block
    ],
)
async def test_push_stops_at_a_refusal(refusal: Code, at: int) -> None:
    async def send(block: Any, chunk: bytes) -> aiocoap.Message:
        if block.block_number == at:
            return _answer(refusal, Block(at, False, 4))
        return _answer(Code.CONTINUE if block.more else Code.CHANGED)

    with pytest.raises(PushRefusedError) as raised:
        await push_blocks(send, DATA, 6, lambda end: None)
    assert raised.value.code == refusal.dotted


# --- odds and ends ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ({Path.of(5, 0): {"ver": "1.2"}}, True),
        ({Path.of(5): {"ver": "1.1"}, Path.of(5, 0): {}}, True),
        ({Path.of(5, 0): {"ver": "1.0"}}, False),
        ({Path.of(5, 0): {}, Path.of(3, 0): {"ver": "1.2"}}, False),
        ({Path.of(5, 0): {"ver": "one"}}, False),
    ],
)
def test_who_has_cancel(objects: dict[Path, dict[str, Any]], expected: bool) -> None:
    assert has_cancel(Registration("a", "1", objects=objects)) is expected


def test_how_request_errors_end_an_update() -> None:
    path = Path.of(5, 0)
    assert error_key(DeviceNotRegisteredError("a")) is ErrorKey.UNREACHABLE
    assert error_key(RequestTimeoutError("a", path)) is ErrorKey.UNREACHABLE
    assert error_key(RequestFailedError("a", path, "4.04")) is ErrorKey.REJECTED
    assert error_key(InvalidResponseError("a", path, "junk")) is ErrorKey.REJECTED
    assert error_key(LwM2MError("the server is shutting down")) is ErrorKey.INTERRUPTED


def test_the_resource_stays_out_of_well_known_core() -> None:
    grants = DownloadGrants(ManualClock(), lambda endpoint, remote: True)
    assert FirmwareResource(grants).get_link_description() is None
