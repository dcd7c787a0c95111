"""Parsers for single cells of a credentials CSV.

Each takes a non-empty, stripped cell and returns its typed value or raises
ValueError with a message fit for the user. Messages about PSK keys never
repeat the cell, so a key cannot leak through an error report.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from .records import BindingMode, SecurityMode

UINT32_MAX = 2**32 - 1
MAX_INSTANCE_ID = 65534
MAX_SHORT_SERVER_ID = 65534
DEFAULT_DISABLE_TIMEOUT = 86400  # seconds: the default of Server object resource 5

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_HEX = re.compile(r"[0-9A-Fa-f]*")
_MODE_SEPARATORS = re.compile(r"[\s_\-]+")
_MODES = {mode.value.replace("_", ""): mode for mode in SecurityMode}
_WHITESPACE = re.compile(r"\s")
_SCHEME_FOR_MODE = {SecurityMode.NO_SEC: "coap", SecurityMode.PSK: "coaps"}


def parse_bool(text: str) -> bool:
    """``true``/``false``, ``yes``/``no`` or ``1``/``0``, in any case."""
    lowered = text.casefold()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a boolean; use true/false, yes/no or 1/0")


def parse_int(text: str, minimum: int, maximum: int) -> int:
    """A decimal whole number (ASCII digits, optional sign) within ``minimum..maximum``."""
    digits = text[1:] if text[0] in "+-" else text
    if not (digits.isascii() and digits.isdecimal()):
        raise ValueError(f"{text!r} is not a whole number")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ValueError(f"{value} is outside {minimum}..{maximum}")
    return value


def parse_hex_key(text: str) -> bytes:
    """A PSK key written as hex digits in either case, optionally prefixed ``0x``."""
    digits = text[2:] if text[:2] in ("0x", "0X") else text
    if not digits:
        raise ValueError("the key has no hex digits")
    if _HEX.fullmatch(digits) is None:
        raise ValueError("the key is not hexadecimal")
    if len(digits) % 2:
        raise ValueError("the key has an odd number of hex digits")
    return bytes.fromhex(digits)


def parse_security_mode(text: str) -> SecurityMode:
    """``NO_SEC`` or ``PSK`` in any case; ``NO-SEC``, ``no sec`` and ``NOSEC`` also do."""
    mode = _MODES.get(_MODE_SEPARATORS.sub("", text).upper())
    if mode is not None:
        return mode
    raise ValueError(f"unsupported security mode {text!r}; use NO_SEC or PSK")


def parse_binding_mode(text: str) -> BindingMode:
    """``U`` or ``UQ`` in any case."""
    try:
        return BindingMode(text.upper())
    except ValueError:
        raise ValueError(f"unsupported binding mode {text!r}; use U or UQ") from None


def parse_disable_timeout(text: str) -> int | None:
    """Seconds; ``true``/``yes`` mean the LwM2M default, ``false``/``no`` mean "not set".

    ``1`` and ``0`` are seconds here, not booleans.
    """
    lowered = text.casefold()
    if lowered in ("true", "yes"):
        return DEFAULT_DISABLE_TIMEOUT
    if lowered in ("false", "no"):
        return None
    return parse_int(text, 0, UINT32_MAX)


@lru_cache(maxsize=256)  # a file tends to repeat a handful of URLs on every row
def parse_server_url(text: str, mode: SecurityMode | None) -> str:
    """A ``coap://`` (NO_SEC) or ``coaps://`` (PSK) URL of a host and optional port.

    The scheme is checked against ``mode`` unless that is unknown (None).
    """
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEME_FOR_MODE.values():
        raise ValueError(f"{text!r} is not a coap:// or coaps:// URL")
    if not parts.hostname:
        raise ValueError(f"{text!r} has no host")
    try:
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError:
        raise ValueError(f"{text!r} has an invalid port") from None
    if parts.username is not None or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise ValueError(f"{text!r} must be only scheme, host and port")
    if _WHITESPACE.search(text):
        raise ValueError(f"{text!r} contains whitespace")
    if mode is not None and scheme != _SCHEME_FOR_MODE[mode]:
        raise ValueError(f"security mode {mode} needs a {_SCHEME_FOR_MODE[mode]}:// URL")
    return text
