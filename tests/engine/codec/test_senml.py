"""SenML JSON (110) and SenML CBOR (112): names, times, composite path lists, bad input."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest

from custom_components.lwm2m.engine import CodecError, ContentFormat, ObjectLink, Path
from custom_components.lwm2m.engine.codec import (
    TimedValue,
    decode,
    decode_paths,
    decode_timestamped,
    encode,
    encode_paths,
    encode_timestamped,
)
from custom_components.lwm2m.engine.codec.senml_cbor import LABELS
from tests.engine.codec.models import EMPTY_MODEL, MODEL, TYPES_OBJECT_ID

JSON = ContentFormat.SENML_JSON
CBOR = ContentFormat.SENML_CBOR
O = TYPES_OBJECT_ID  # noqa: E741
_CBOR_LABELS = {name: number for number, name in LABELS.items()}


def senml(fmt: ContentFormat, records: list[Any]) -> bytes:
    """A payload from records written with JSON labels (``vd`` as bytes)."""
    if fmt is JSON:
        return json.dumps([_json_record(record) for record in records]).encode()
    return cbor2.dumps([_cbor_record(record) for record in records])


def _json_record(record: Any) -> Any:
    if not isinstance(record, dict):
        return record
    return {
        label: base64.urlsafe_b64encode(value).decode().rstrip("=")
        if isinstance(value, bytes)
        else value
        for label, value in record.items()
    }


def _cbor_record(record: Any) -> Any:
    if not isinstance(record, dict):
        return record
    return {_CBOR_LABELS.get(label, label): value for label, value in record.items()}


both = pytest.mark.parametrize("fmt", [JSON, CBOR])


@both
@pytest.mark.parametrize(
    "records",
    [
        [{"bn": "/3/0/", "n": "0", "vs": "Acme"}],
        [{"bn": "/3/0", "n": "/0", "vs": "Acme"}],
        [{"bn": "/3/", "n": "0/0", "vs": "Acme"}],
        [{"n": "/3/0/0", "vs": "Acme"}],
        [{"bn": "/3/0/0", "vs": "Acme"}],
        [{"bn": "/", "n": "3/0/0", "vs": "Acme"}],
    ],
)
def test_base_name_variants(fmt: ContentFormat, records: list[dict[str, Any]]) -> None:
    assert decode(fmt, Path.of(3, 0), senml(fmt, records), MODEL) == {Path.of(3, 0, 0): "Acme"}


@both
def test_base_name_carries_over_until_replaced(fmt: ContentFormat) -> None:
    records = [
        {"bn": "/3/0/", "n": "9", "v": 95},
        {"n": "7/0", "v": 3800},
        {"bn": f"/{O}/1/", "n": "4", "vb": True},
        {"n": "7", "vlo": "3:0"},
    ]
    assert decode(fmt, Path(), senml(fmt, records), MODEL) == {
        Path.of(3, 0, 9): 95,
        Path.of(3, 0, 7, 0): 3800,
        Path.of(O, 1, 4): True,
        Path.of(O, 1, 7): ObjectLink(3, 0),
    }


@both
def test_every_value_field(fmt: ContentFormat) -> None:
    records = [
        {"bn": f"/{O}/0/", "n": "0", "vs": "s"},
        {"n": "1", "v": -3.0},
        {"n": "3", "v": 2},
        {"n": "5", "vd": b"\x00\xfb\xff"},
        {"n": "6", "v": 1367491215},
        {"n": "8", "vs": "</1>"},
    ]
    assert decode(fmt, Path.of(O, 0), senml(fmt, records), MODEL) == {
        Path.of(O, 0, 0): "s",
        Path.of(O, 0, 1): -3,
        Path.of(O, 0, 3): 2.0,
        Path.of(O, 0, 5): b"\x00\xfb\xff",
        Path.of(O, 0, 6): datetime.fromtimestamp(1367491215, UTC),
        Path.of(O, 0, 8): "</1>",
    }


def test_opaque_in_json_is_unpadded_base64url() -> None:
    path = Path.of(O, 0, 5)
    payload = encode(JSON, path, {path: b"\xfb\xff"}, MODEL)
    assert json.loads(payload) == [{"bn": str(path), "vd": "-_8"}]
    for text in ("-_8", "+/8=", "+/8"):
        body = json.dumps([{"bn": str(path), "vd": text}]).encode()
        assert decode(JSON, path, body, MODEL) == {path: b"\xfb\xff"}


def test_cbor_uses_integer_labels_and_vlo() -> None:
    payload = encode(CBOR, Path.of(O, 0), {Path.of(O, 0, 7): ObjectLink(1, 2)}, MODEL)
    assert cbor2.loads(payload) == [{-2: f"/{O}/0/", 0: "7", "vlo": "1:2"}]


def test_encoding_names_records_under_the_request_path() -> None:
    values = {Path.of(3, 0, 9): 95, Path.of(3, 0, 7, 0): 3800}
    assert json.loads(encode(JSON, Path.of(3, 0), values, MODEL)) == [
        {"bn": "/3/0/", "n": "7/0", "v": 3800},
        {"n": "9", "v": 95},
    ]
    assert json.loads(encode(JSON, Path(), values, MODEL)) == [
        {"n": "/3/0/7/0", "v": 3800},
        {"n": "/3/0/9", "v": 95},
    ]


@both
def test_unknown_resources_decode_by_field(fmt: ContentFormat) -> None:
    records = [
        {"bn": "/9/0/", "n": "0", "v": 1},
        {"n": "1", "v": 1.5},
        {"n": "2", "vs": "s"},
        {"n": "3", "vb": False},
        {"n": "4", "vd": b"d"},
        {"n": "5", "vlo": "2:3"},
    ]
    assert decode(fmt, Path(), senml(fmt, records), EMPTY_MODEL) == {
        Path.of(9, 0, 0): 1,
        Path.of(9, 0, 1): 1.5,
        Path.of(9, 0, 2): "s",
        Path.of(9, 0, 3): False,
        Path.of(9, 0, 4): b"d",
        Path.of(9, 0, 5): ObjectLink(2, 3),
    }


@both
def test_times_resolve_from_base_time(fmt: ContentFormat) -> None:
    records = [
        {"bn": "/3/0/9", "bt": 1_700_000_000, "t": -60, "v": 80},
        {"t": 0, "v": 79},
        {"bt": 25, "v": 78},
        {"bn": "/3/0/10", "v": 5},
    ]
    battery = Path.of(3, 0, 9)
    assert decode_timestamped(fmt, Path(), senml(fmt, records), MODEL) == [
        TimedValue(battery, 80, 1_699_999_940),
        TimedValue(battery, 79, 1_700_000_000),
        TimedValue(battery, 78, 25),
        TimedValue(Path.of(3, 0, 10), 5, 25),
    ]
    assert decode(fmt, Path(), senml(fmt, records), MODEL) == {battery: 78, Path.of(3, 0, 10): 5}


@both
def test_records_without_values_are_skipped_by_decode(fmt: ContentFormat) -> None:
    records = [{"bn": "/3/0/", "bt": 5}, {"n": "9", "v": 1}, {"n": "10"}]
    assert decode(fmt, Path(), senml(fmt, records), MODEL) == {Path.of(3, 0, 9): 1}
    assert decode_paths(fmt, senml(fmt, records)) == [
        Path.of(3, 0),
        Path.of(3, 0, 9),
        Path.of(3, 0, 10),
    ]


@both
def test_composite_request_paths(fmt: ContentFormat) -> None:
    paths = [Path.of(3, 0, 9), Path.of(1), Path(), Path.of(3, 0, 7, 1)]
    payload = encode_paths(fmt, paths)
    assert decode_paths(fmt, payload) == paths
    if fmt is JSON:
        assert json.loads(payload) == [{"n": "/3/0/9"}, {"n": "/1"}, {"n": "/"}, {"n": "/3/0/7/1"}]


@both
def test_encoding_history_with_times(fmt: ContentFormat) -> None:
    history = [TimedValue(Path.of(3, 0, 9), 80, 1_700_000_000), TimedValue(Path.of(3, 0, 9), 79)]
    payload = encode_timestamped(fmt, Path.of(3, 0, 9), history, MODEL)
    assert decode_timestamped(fmt, Path.of(3, 0, 9), payload, MODEL) == history
    if fmt is JSON:
        assert json.loads(payload) == [
            {"bn": "/3/0/9", "v": 80, "t": 1_700_000_000},
            {"v": 79},
        ]


@both
@pytest.mark.parametrize(
    "records",
    [
        [{"bn": "/3/0/", "n": "9", "v": 95, "vs": "x"}],
        [{"n": "9", "v": 95}],
        [{"bn": "/3/0/", "n": "x", "v": 95}],
        [{"bn": "/3/0/", "n": "70000", "v": 95}],
        [{"bn": "/3/0/9/0/1", "v": 95}],
        [{"bn": 3, "v": 95}],
        [{"bn": "/3/0/9", "v": "95"}],
        [{"bn": "/3/0/9", "v": True}],
        [{"bn": "/3/0/9", "v": 95.5}],
        [{"bn": "/3/0/0", "vs": 1}],
        [{"bn": "/3/0/0", "vb": 1}],
        [{"bn": "/3/0/0", "vlo": "x"}],
        [{"bn": "/3/0/9", "v": 1, "t": "now"}],
        [{"bn": "/3/0/9", "v": 1, "bt": None}],
        [{"bn": "/3/0/9", "v": 1, "n": None}],
        [{"bn": "/3/0/9", "v": 1, "x_": 1}],
        [{"bn": "/3", "v": 1}],
        [{"bn": "/4/0/0", "v": 1}],
        [["not", "a", "map"]],
    ],
)
def test_malformed_records(fmt: ContentFormat, records: list[Any]) -> None:
    with pytest.raises(CodecError):
        decode(fmt, Path.of(3), senml(fmt, records), MODEL)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"{}",
        b"[1]",
        b'[{"bn":"/3/0/9","v":NaN}]',
        b'[{"bn":"/3/0/9","v":1e999}]',
        b"\xff",
        b"[" * 50_000,
        b'[{"bn":"/3/0/5","vd":"***"}]',
        b'[{"bn":"/3/0/5","vd":"A"}]',
        b'[{"bn":"/3/0/5","vd":7}]',
        b'[{"bn":"/3/0/9","v":' + b"9" * 5000 + b"}]",
    ],
)
def test_malformed_json(payload: bytes) -> None:
    with pytest.raises(CodecError):
        decode(JSON, Path(), payload, MODEL)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\xa0",
        b"\x81\x01",
        b"\x80\x00",
        b"\x81\xa1\xf5\x00",
        b"\x81\xa1\x41x\x00",
        b"\x81" * 50_000,
        cbor2.dumps([{-2: "/3/0/9", 2: 1, "v": 2}]),
        cbor2.dumps([{-2: "/3/0/9", 2: float("nan"), 6: float("inf")}]),
        cbor2.dumps([{-2: "/3/0/5", 8: "not bytes"}]),
    ],
)
def test_malformed_cbor(payload: bytes) -> None:
    with pytest.raises(CodecError):
        decode(CBOR, Path(), payload, MODEL)


def test_cbor_ignores_unknown_integer_labels() -> None:
    payload = cbor2.dumps([{-2: "/3/0/9", 2: 1, 99: "?", 1: "%"}])
    assert decode(CBOR, Path(), payload, MODEL) == {Path.of(3, 0, 9): 1}


def test_json_cannot_carry_nan_but_cbor_can() -> None:
    values = {Path.of(O, 0, 3): float("nan")}
    with pytest.raises(CodecError, match="JSON"):
        encode(JSON, Path(), values, MODEL)
    decoded = decode(CBOR, Path(), encode(CBOR, Path(), values, MODEL), MODEL)
    assert decoded[Path.of(O, 0, 3)] != decoded[Path.of(O, 0, 3)]


@both
def test_strings_that_are_not_unicode_are_refused(fmt: ContentFormat) -> None:
    with pytest.raises(CodecError, match="surrogates"):
        encode(fmt, Path(), {Path.of(O, 0, 0): "\ud800"}, MODEL)


@both
def test_timed_encoding_refuses_bad_records(fmt: ContentFormat) -> None:
    with pytest.raises(CodecError, match="TimedValue"):
        encode_timestamped(fmt, Path(), [(Path.of(3, 0, 9), 1, None)], MODEL)  # type: ignore[list-item]
    with pytest.raises(CodecError, match="finite"):
        encode_timestamped(fmt, Path(), [TimedValue(Path.of(3, 0, 9), 1, float("inf"))], MODEL)
    with pytest.raises(CodecError, match="Path objects"):
        encode_paths(fmt, ["/3/0"])  # type: ignore[list-item]
