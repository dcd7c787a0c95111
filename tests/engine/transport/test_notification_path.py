"""The notification path's parser against aiocoap's own decoder.

Whatever it takes must decode with aiocoap to the same fields; whatever it declines
(another code, type or option, a framing error) goes to aiocoap unchanged.
"""

from __future__ import annotations

import warnings

import aiocoap
from aiocoap import error
from aiocoap.numbers.codes import Code
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.lwm2m.engine.transport.notification_path import (
    Notification,
    parse_notification,
)

_PLAIN_OPTIONS = {6, 12}  # Observe, Content-Format

codes = st.sampled_from([Code.CONTENT, Code.CONTENT, Code.VALID, Code.CHANGED, Code.NOT_FOUND])
options = st.fixed_dictionaries(
    {},
    optional={
        "observe": st.integers(0, 2**24 - 1),
        "content_format": st.sampled_from([0, 40, 42, 60, 110, 112, 11542, 11543]),
        "etag": st.binary(min_size=1, max_size=8),
        "max_age": st.integers(0, 2**32 - 1),
        "uri_path": st.lists(st.sampled_from(["3303", "0", "5700"]), max_size=3),
        "block2": st.sampled_from([(0, True, 6), (1, False, 6)]),
    },
)


def _encoded(
    kind: int, code: Code, mid: int, token: bytes, chosen: dict[str, object], payload: bytes
) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        message = aiocoap.Message(
            mtype=kind, code=code, mid=mid, token=token, payload=payload, **chosen
        )
    return bytes(message.encode())


def _as_aiocoap_sees_it(data: bytes) -> Notification | None:
    """What aiocoap makes of ``data``, when it is a notification the path may take."""
    try:
        message = aiocoap.Message.decode(data)
    except (error.UnparsableMessage, ValueError):
        return None
    numbers = [int(option.number) for option in message.opt.option_list()]
    if (
        message.code != Code.CONTENT
        or int(message.mtype) > 1
        or message.opt.observe is None
        or not set(numbers) <= _PLAIN_OPTIONS
        or len(numbers) != len(set(numbers))
    ):
        return None
    content_format = message.opt.content_format
    return Notification(
        int(message.mtype) == 0,
        message.mid,
        message.token,
        message.opt.observe,
        None if content_format is None else int(content_format),
        bytes(message.payload),
    )


@settings(max_examples=400, deadline=None)
@given(
    kind=st.integers(0, 3),
    code=codes,
    mid=st.integers(0, 0xFFFF),
    token=st.binary(max_size=8),
    chosen=options,
    payload=st.binary(max_size=40),
)
def test_every_encoded_message_parses_as_aiocoap_decodes_it(
    kind: int, code: Code, mid: int, token: bytes, chosen: dict[str, object], payload: bytes
) -> None:
    data = _encoded(kind, code, mid, token, chosen, payload)
    assert parse_notification(data) == _as_aiocoap_sees_it(data)


@settings(max_examples=400, deadline=None)
@given(
    mid=st.integers(0, 0xFFFF),
    token=st.binary(max_size=8),
    observe=st.integers(0, 2**24 - 1),
    payload=st.binary(max_size=40),
    cut=st.integers(0, 60),
    flip=st.tuples(st.integers(0, 60), st.integers(0, 255)),
)
def test_damaged_notifications_parse_as_aiocoap_decodes_them(
    mid: int, token: bytes, observe: int, payload: bytes, cut: int, flip: tuple[int, int]
) -> None:
    data = bytearray(
        _encoded(0, Code.CONTENT, mid, token, {"observe": observe, "content_format": 0}, payload)
    )
    where, value = flip
    if where < len(data):
        data[where] = value
    damaged = bytes(data[: len(data) - cut % (len(data) + 1)])
    assert parse_notification(damaged) == _as_aiocoap_sees_it(damaged)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_parse_as_aiocoap_decodes_them(data: bytes) -> None:
    assert parse_notification(data) == _as_aiocoap_sees_it(data)


def test_a_plain_confirmable_notification() -> None:
    data = _encoded(0, Code.CONTENT, 0x1234, b"\x07\x07", {"observe": 70000}, b"21.5")
    assert parse_notification(data) == Notification(True, 0x1234, b"\x07\x07", 70000, None, b"21.5")


def test_an_empty_payload_after_its_marker_is_taken_as_aiocoap_takes_it() -> None:
    data = _encoded(1, Code.CONTENT, 1, b"", {"observe": 1}, b"") + b"\xff"
    assert parse_notification(data) == Notification(False, 1, b"", 1, None, b"")
    assert parse_notification(data) == _as_aiocoap_sees_it(data)
