"""Notifications of known observations, taken before aiocoap's message layer.

A notification is most of what a fleet sends, and aiocoap makes each one a ``Message``,
then passes it through its message, token, pipe and request layers before the
observation's callback sees it: most of the server's CPU per notification. A plain one
(a confirmable or non-confirmable 2.05 Content carrying only Observe and Content-Format,
RFC 7252 section 3, RFC 7641) whose token and peer belong to an observation that asked
for it is parsed here and handed to that observation directly; anything else, or a
datagram that does not parse, takes aiocoap's way unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

_CONTENT = 0x45  # 2.05
_OBSERVE = 6
_CONTENT_FORMAT = 12
_PAYLOAD_MARKER = 0xFF


class Notification(NamedTuple):
    confirmable: bool
    mid: int
    token: bytes
    observe: int
    content_format: int | None
    payload: bytes


# Called with a notification's Observe number, Content-Format and payload.
NotificationSink = Callable[[int, int | None, bytes], None]


def _extended(nibble: int, data: bytes, at: int, size: int) -> tuple[int, int]:
    """An option delta or length with its extension bytes (RFC 7252 section 3.1); a
    value of -1 when the datagram cannot carry it."""
    if nibble < 13:
        return nibble, at
    if nibble == 13 and at < size:
        return data[at] + 13, at + 1
    if nibble == 14 and at + 1 < size:
        return (data[at] << 8 | data[at + 1]) + 269, at + 2
    return -1, at


def parse_notification(data: bytes) -> Notification | None:
    """A plain 2.05 notification as above, or None for anything else."""
    size = len(data)
    if size < 4 or data[1] != _CONTENT:
        return None
    first = data[0]
    token_length = first & 15
    if first & 0xE0 != 0x40 or token_length > 8:  # version 1, CON or NON
        return None
    at = 4 + token_length
    if at > size:
        return None
    number = 0
    observe = content_format = -1
    payload = b""
    while at < size:
        head = data[at]
        if head == _PAYLOAD_MARKER:
            payload = data[at + 1 :]  # aiocoap takes an empty one after the marker too
            break
        delta, at = _extended(head >> 4, data, at + 1, size)
        length, at = _extended(head & 15, data, at, size)
        end = at + length
        if delta < 0 or length < 0 or end > size:
            return None
        number += delta
        if number == _OBSERVE and observe < 0 and length <= 3:
            observe = int.from_bytes(data[at:end])
        elif number == _CONTENT_FORMAT and content_format < 0 and length <= 2:
            content_format = int.from_bytes(data[at:end])
        else:
            return None
        at = end
    if observe < 0:
        return None
    return Notification(
        first & 0x30 == 0,
        data[2] << 8 | data[3],
        data[4 : 4 + token_length],
        observe,
        None if content_format < 0 else content_format,
        payload,
    )
