"""LwM2M JSON (11543), the JSON format of LwM2M 1.0."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.lwm2m.engine import CodecError, ContentFormat, ObjectLink, Path
from custom_components.lwm2m.engine.codec import TimedValue, decode, decode_timestamped, encode
from tests.engine.codec.models import EMPTY_MODEL, MODEL, TYPES_OBJECT_ID

JSON = ContentFormat.LWM2M_JSON
O = TYPES_OBJECT_ID  # noqa: E741


def _payload(document: object) -> bytes:
    return json.dumps(document).encode()


def test_device_instance() -> None:
    document = {
        "bn": "/3/0/",
        "e": [
            {"n": "0", "sv": "Open Mobile Alliance"},
            {"n": "7/0", "v": 3800},
            {"n": "7/1", "v": 5000},
            {"n": "9", "v": 100},
            {"n": "13", "v": 1367491215},
        ],
    }
    assert decode(JSON, Path.of(3, 0), _payload(document), MODEL) == {
        Path.of(3, 0, 0): "Open Mobile Alliance",
        Path.of(3, 0, 7, 0): 3800,
        Path.of(3, 0, 7, 1): 5000,
        Path.of(3, 0, 9): 100,
        Path.of(3, 0, 13): datetime.fromtimestamp(1367491215, UTC),
    }


def test_value_keys_of_every_type() -> None:
    values = {
        Path.of(O, 0, 0): "s",
        Path.of(O, 0, 3): 1.25,
        Path.of(O, 0, 4): True,
        Path.of(O, 0, 5): b"\xfb\xff",
        Path.of(O, 0, 7): ObjectLink(3, 0),
    }
    payload = encode(JSON, Path.of(O, 0), values, MODEL)
    assert json.loads(payload) == {
        "bn": f"/{O}/0/",
        "e": [
            {"n": "0", "sv": "s"},
            {"n": "3", "v": 1.25},
            {"n": "4", "bv": True},
            {"n": "5", "sv": "+/8="},
            {"n": "7", "ov": "3:0"},
        ],
    }
    assert decode(JSON, Path.of(O, 0), payload, MODEL) == values


def test_base_time_and_times() -> None:
    document = {
        "bn": "/3/0/9",
        "bt": 1_700_000_000,
        "e": [{"v": 80, "t": -60}, {"v": 79}],
    }
    assert decode_timestamped(JSON, Path.of(3, 0, 9), _payload(document), MODEL) == [
        TimedValue(Path.of(3, 0, 9), 80, 1_699_999_940),
        TimedValue(Path.of(3, 0, 9), 79, 1_700_000_000),
    ]


def test_unknown_resources_and_keys() -> None:
    document = {
        "bn": "/9/0/",
        "x": 1,
        "e": [{"n": "0", "v": 1, "u": "%"}, {"n": "1", "sv": "AAE="}, {"n": "2", "ov": "1:1"}],
    }
    assert decode(JSON, Path(), _payload(document), EMPTY_MODEL) == {
        Path.of(9, 0, 0): 1,
        Path.of(9, 0, 1): "AAE=",
        Path.of(9, 0, 2): ObjectLink(1, 1),
    }


def test_names_without_base_name() -> None:
    document = {"e": [{"n": "/3/0/9", "v": 1}]}
    assert decode(JSON, Path(), _payload(document), MODEL) == {Path.of(3, 0, 9): 1}
    assert decode(JSON, Path(), _payload({"e": []}), MODEL) == {}


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"bn": "/3/0/"},
        {"bn": "/3/0/", "e": {}},
        {"bn": "/3/0/", "e": [1]},
        {"bn": 3, "e": [{"n": "9", "v": 1}]},
        {"bn": "/3/0/", "bt": "x", "e": [{"n": "9", "v": 1}]},
        {"bn": "/3/0/", "e": [{"n": "9", "v": 1, "sv": "1"}]},
        {"bn": "/3/0/", "e": [{"n": "9", "sv": "1"}]},
        {"bn": "/3/0/", "e": [{"n": "0", "v": 1}]},
        {"bn": "/3/0/", "e": [{"n": "13", "v": 1.5}]},
        {"bn": f"/{O}/0/", "e": [{"n": "5", "sv": "not base64!"}]},
        {"bn": f"/{O}/0/", "e": [{"n": "7", "ov": "3"}]},
        {"bn": "/3/0/", "e": [{"n": "x", "v": 1}]},
        {"bn": "/4/0/", "e": [{"n": "0", "v": 1}]},
    ],
)
def test_malformed_documents(document: Any) -> None:
    with pytest.raises(CodecError):
        decode(JSON, Path.of(3), _payload(document), MODEL)
