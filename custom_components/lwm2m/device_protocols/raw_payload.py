"""Custom actions: a resource's raw value as bytes, for automations that decode it.

Opaque values are their bytes; text is its UTF-8 encoding; any other value (numbers,
booleans, times, object links) the UTF-8 encoding of its text form. Event attributes are
capped at ``MAX_PAYLOAD_BYTES`` (the first bytes are kept and ``truncated`` says so).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

MAX_PAYLOAD_BYTES = 4096


def raw_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, datetime):
        return value.isoformat().encode()
    return str(value).encode()


def payload_attributes(value: Any) -> dict[str, Any]:
    """``hex``, ``base64``, ``length`` (of the whole value) and ``truncated``."""
    data = raw_bytes(value)
    kept = data[:MAX_PAYLOAD_BYTES]
    return {
        "hex": kept.hex(),
        "base64": base64.b64encode(kept).decode("ascii"),
        "length": len(data),
        "truncated": len(kept) < len(data),
    }
