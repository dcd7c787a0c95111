"""Small helpers for answering device uplinks (Register, Update, Send)."""

from __future__ import annotations

import aiocoap
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import Type


def answer(code: Code, reason: str = "", **options: object) -> aiocoap.Message:
    """A response, with a short diagnostic payload for errors."""
    return aiocoap.Message(code=code, payload=reason.encode("utf-8"), **options)


def is_confirmable(request: aiocoap.Message) -> bool:
    return request.mtype is None or request.mtype == Type.CON
