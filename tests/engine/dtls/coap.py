"""Tiny CoAP encoders for test clients that speak over a raw DTLS session."""

from __future__ import annotations

import aiocoap
from aiocoap.message import Message


def request(
    path: str, code: aiocoap.Code = aiocoap.GET, message_id: int = 0x1234, token: bytes = b"\x42"
) -> bytes:
    """A confirmable request as it goes on the wire."""
    message = Message(code=code, transport_tuning=aiocoap.Reliable, uri_path=path.split("/"))
    message.mtype = aiocoap.CON
    message.mid = message_id
    message.token = token
    return bytes(message.encode())


def get(path: str) -> bytes:
    return request(path)


def decode(data: bytes) -> Message:
    return Message.decode(data)
