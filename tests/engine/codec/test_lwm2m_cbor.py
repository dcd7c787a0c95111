"""LwM2M CBOR (11544): nested maps keyed by path ids, collapsed key arrays, bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest

from custom_components.lwm2m.engine import CodecError, ContentFormat, ObjectLink, Path
from custom_components.lwm2m.engine.codec import decode, decode_paths, encode, encode_paths
from tests.engine.codec.models import EMPTY_MODEL, MODEL, TYPES_OBJECT_ID

CBOR = ContentFormat.LWM2M_CBOR
O = TYPES_OBJECT_ID  # noqa: E741
DEVICE = {
    Path.of(3, 0, 0): "Acme",
    Path.of(3, 0, 7, 0): 3800,
    Path.of(3, 0, 7, 1): 5000,
}


def test_encoding_writes_nested_maps() -> None:
    payload = encode(CBOR, Path.of(3, 0), DEVICE, MODEL)
    assert cbor2.loads(payload) == {3: {0: {0: "Acme", 7: {0: 3800, 1: 5000}}}}


@pytest.mark.parametrize(
    "document",
    [
        {3: {0: {0: "Acme", 7: {0: 3800, 1: 5000}}}},
        {(3, 0): {0: "Acme", 7: {0: 3800, 1: 5000}}},
        {(3, 0, 0): "Acme", (3, 0, 7): {0: 3800, 1: 5000}},
        {3: {(0, 0): "Acme", (0, 7, 0): 3800, 0: {(7, 1): 5000}}},
        {(3, 0, 7, 0): 3800, (3, 0): {(7, 1): 5000, 0: "Acme"}},
    ],
)
def test_collapsed_key_arrays_decode(document: dict[Any, Any]) -> None:
    assert decode(CBOR, Path.of(3, 0), cbor2.dumps(document), MODEL) == DEVICE


def test_paths_are_absolute_whatever_the_request() -> None:
    payload = cbor2.dumps({(3, 0, 7, 1): 5000})
    assert decode(CBOR, Path.of(3, 0, 7, 1), payload, MODEL) == {Path.of(3, 0, 7, 1): 5000}
    assert encode(CBOR, Path.of(3, 0, 7, 1), {Path.of(3, 0, 7, 1): 5000}, MODEL) == cbor2.dumps(
        {3: {0: {7: {1: 5000}}}}
    )


def test_value_types() -> None:
    values = {
        Path.of(O, 0, 1): -1,
        Path.of(O, 0, 3): 1.5,
        Path.of(O, 0, 4): False,
        Path.of(O, 0, 5): b"\x01",
        Path.of(O, 0, 6): datetime.fromtimestamp(1367491215, UTC),
        Path.of(O, 0, 7): ObjectLink(3, 0),
    }
    payload = encode(CBOR, Path.of(O, 0), values, MODEL)
    assert cbor2.loads(payload)[O][0] == {
        1: -1,
        3: 1.5,
        4: False,
        5: b"\x01",
        6: datetime.fromtimestamp(1367491215, UTC),
        7: "3:0",
    }
    assert payload.count(bytes.fromhex("c1 1a 51 82 42 8f")) == 1  # tag 1, integer seconds
    assert decode(CBOR, Path.of(O, 0), payload, MODEL) == values


def test_time_as_a_plain_number_and_unknown_resources() -> None:
    payload = cbor2.dumps({3: {0: {13: 1367491215}}})
    assert decode(CBOR, Path(), payload, MODEL) == {
        Path.of(3, 0, 13): datetime.fromtimestamp(1367491215, UTC)
    }
    payload = cbor2.dumps({9: {0: {0: 1, 1: 2.5, 2: "s", 3: b"b", 4: True}}})
    assert decode(CBOR, Path(), payload, EMPTY_MODEL) == {
        Path.of(9, 0, 0): 1,
        Path.of(9, 0, 1): 2.5,
        Path.of(9, 0, 2): "s",
        Path.of(9, 0, 3): b"b",
        Path.of(9, 0, 4): True,
    }


def test_empty_maps_and_nulls() -> None:
    payload = cbor2.dumps({3: {0: {11: {}, 9: None}, 1: {}}})
    assert decode(CBOR, Path(), payload, MODEL) == {Path.of(3, 0, 11): []}


def test_composite_path_lists() -> None:
    payload = encode_paths(CBOR, [Path.of(3, 0, 9), Path.of(1), Path.of(3, 0), Path.of(1, 0, 1)])
    assert cbor2.loads(payload) == {1: None, 3: {0: None}}
    assert decode_paths(CBOR, payload) == [Path.of(1), Path.of(3, 0)]
    assert decode_paths(CBOR, cbor2.dumps({(3, 0, 9): None, 5: {0: None}})) == [
        Path.of(3, 0, 9),
        Path.of(5, 0),
    ]
    with pytest.raises(CodecError, match="null"):
        decode_paths(CBOR, cbor2.dumps({(3, 0, 9): 1}))
    with pytest.raises(CodecError, match="root"):
        encode_paths(CBOR, [Path()])
    with pytest.raises(CodecError, match="Path objects"):
        encode_paths(CBOR, ["/3"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (cbor2.dumps([1]), "needs a map"),
        (cbor2.dumps({3: 1}), "resource or resource instance"),
        (cbor2.dumps({"3": {0: {0: "x"}}}), "keys are ids"),
        (cbor2.dumps({True: {0: {0: "x"}}}), "keys are ids"),
        (cbor2.dumps({-1: {0: {0: "x"}}}), "keys are ids"),
        (cbor2.dumps({65536: {0: {0: "x"}}}), "keys are ids"),
        (cbor2.dumps({(): {0: {0: "x"}}}), "empty"),
        (cbor2.dumps({(3, 0, 0, 0, 0): 1}), "more than four"),
        (cbor2.dumps({3: {0: {7: {0: {0: 1}}}}}), "more than four"),
        (cbor2.dumps({3: {0: {7: {0: {}}}}}), "holds a value, not a map"),
        (cbor2.dumps({3: {0: {0: "x"}}, (3, 0, 0): "y"}), "appears twice"),
        (cbor2.dumps({3: {0: {9: [1]}}}), "unsupported"),
        (cbor2.dumps({3: {0: {9: cbor2.CBORTag(99, 1)}}}), "unsupported"),
        (cbor2.dumps({3: {0: {9: "1"}}}), "expected an integer"),
        (cbor2.dumps({4: {0: {0: 1}}}), "outside the request path"),
        (cbor2.dumps({4: {0: {0: {}}}}), "outside the request path"),
        (cbor2.dumps({3: {0: {0: "x"}}}) + b"\x00", "bytes left"),
        (b"\xbf", "malformed CBOR"),
        (b"\xa1" * 100_000, "malformed CBOR"),
        (b"\xc1\x1b\x7f\xff\xff\xff\xff\xff\xff\xff", "malformed CBOR"),
        (bytes.fromhex("d8 1c a1 03 d8 1d 00"), "more than four"),
    ],
)
def test_malformed_payloads(payload: bytes, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(CBOR, Path.of(3), payload, MODEL)
