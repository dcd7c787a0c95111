"""Reading and writing JSON and CBOR documents, and base64 inside JSON.

Every parser failure (including nesting deep enough to exhaust the interpreter's
recursion limit, and trailing bytes after a CBOR item) surfaces as CodecError.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from typing import Any

import cbor2

from .base import CodecError

# What a malformed document can make the parsers raise.
_PARSE_FAILURES = (ValueError, TypeError, OverflowError, RecursionError, cbor2.CBORError)


def _refuse_constant(name: str) -> float:
    raise CodecError(f"JSON constant {name} is not allowed")


def load_json(payload: bytes) -> Any:
    try:
        text = payload.decode("utf-8")
        return json.loads(text, parse_constant=_refuse_constant)
    except CodecError:
        raise
    except _PARSE_FAILURES as err:
        raise CodecError(f"malformed JSON: {err}") from None


def dump_json(document: object) -> bytes:
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8")
    except (ValueError, TypeError) as err:
        raise CodecError(f"cannot write JSON: {err}") from None


def load_cbor(payload: bytes) -> Any:
    stream = io.BytesIO(payload)
    try:
        document = cbor2.CBORDecoder(stream).decode()
    except _PARSE_FAILURES as err:
        raise CodecError(f"malformed CBOR: {err}") from None
    if stream.tell() != len(payload):
        raise CodecError("malformed CBOR: bytes left after the first data item")
    return document


def dump_cbor(document: object) -> bytes:
    try:
        return cbor2.dumps(document, canonical=True)
    except (cbor2.CBOREncodeError, ValueError, TypeError) as err:
        raise CodecError(f"cannot write CBOR: {err}") from None


def decode_base64(text: str) -> bytes:
    """Base64 in either alphabet (standard or URL-safe), padded or not."""
    unpadded = text.rstrip("=")
    if len(text) - len(unpadded) > 2 or len(unpadded) % 4 == 1:
        raise CodecError("malformed base64 value")
    standard = unpadded.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):  # ValueError: characters outside ASCII
        raise CodecError("malformed base64 value") from None


def encode_base64url(data: bytes) -> str:
    """URL-safe base64 without padding, as SenML's ``vd`` field carries it."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def encode_base64(data: bytes) -> str:
    """Standard base64 with padding, as LwM2M JSON carries Opaque values."""
    return base64.b64encode(data).decode("ascii")
