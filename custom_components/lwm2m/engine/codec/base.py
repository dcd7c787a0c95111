"""What every codec shares: the content formats and the one error type."""

from __future__ import annotations

from enum import IntEnum


class ContentFormat(IntEnum):
    """CoAP content formats used by LwM2M."""

    TEXT = 0
    LINK_FORMAT = 40
    OPAQUE = 42
    SENML_JSON = 110
    SENML_CBOR = 112
    TLV = 11542
    LWM2M_JSON = 11543
    LWM2M_CBOR = 11544


class CodecError(ValueError):
    """A payload could not be decoded or values could not be encoded."""
