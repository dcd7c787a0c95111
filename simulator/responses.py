"""Building CoAP responses, and refusals that become error responses."""

from __future__ import annotations

from aiocoap import Message
from aiocoap.numbers.codes import Code


class RefusedError(Exception):
    """A request the device answers with an error code (4.04, 4.05, ...)."""

    def __init__(self, code: Code, reason: str = "") -> None:
        super().__init__(f"{code} {reason}".strip())
        self.code = code
        self.reason = reason

    def to_message(self) -> Message:
        return Message(code=self.code, payload=self.reason.encode("utf-8"))


def not_found(reason: str) -> RefusedError:
    return RefusedError(Code.NOT_FOUND, reason)


def not_allowed(reason: str) -> RefusedError:
    return RefusedError(Code.METHOD_NOT_ALLOWED, reason)


def bad_request(reason: str) -> RefusedError:
    return RefusedError(Code.BAD_REQUEST, reason)


def content(payload: bytes, content_format: int | None) -> Message:
    response = Message(code=Code.CONTENT, payload=payload)
    if content_format is not None:
        response.opt.content_format = content_format
    return response
