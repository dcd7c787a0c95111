"""Small helpers for answering device uplinks (Register, Update, Send)."""

from __future__ import annotations

from typing import Any

import aiocoap
from aiocoap.numbers.codes import Code
from aiocoap.numbers.types import Type

from ..log_once import LogOnce


def answer(code: Code, reason: str = "", **options: object) -> aiocoap.Message:
    """A response, with a short diagnostic payload for errors."""
    return aiocoap.Message(code=code, payload=reason.encode("utf-8"), **options)


def is_confirmable(request: aiocoap.Message) -> bool:
    return request.mtype is None or request.mtype == Type.CON


def refuse(log_once: LogOnce, kind: str, reason: str, remote: Any) -> aiocoap.Message:
    """4.00 for a malformed uplink; each reason is logged once at WARNING."""
    log_once(f"bad-{kind}:{reason}", "refused a %s from %s: %s", kind, remote, reason)
    return answer(Code.BAD_REQUEST, reason)
