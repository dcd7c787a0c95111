"""Parsing a Bootstrap-Request: ``POST /bs?ep={endpoint}[&pct={content format}]``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..codec import ContentFormat

INSTANCE_FORMATS = frozenset(
    {
        ContentFormat.TLV,
        ContentFormat.SENML_JSON,
        ContentFormat.SENML_CBOR,
        ContentFormat.LWM2M_JSON,
        ContentFormat.LWM2M_CBOR,
    }
)
"""The formats a Bootstrap-Write of a whole object instance can be sent in."""

_ENDPOINT = re.compile(r"[^\x00-\x1f\x7f]{1,256}")
_FORMAT_NUMBER = re.compile(r"[0-9]{1,5}")


class BadBootstrapRequestError(ValueError):
    """The request is malformed; the message is the short reason sent back with 4.00."""


@dataclass(frozen=True, slots=True)
class BootstrapRequest:
    """``preferred_format`` is the client's ``pct`` when the server can write in it."""

    endpoint: str
    preferred_format: int | None = None
    requested_format: int | None = None


def parse_bootstrap_request(options: Iterable[str]) -> BootstrapRequest:
    """The endpoint and format of a request's Uri-Query options; unknown ones are ignored.

    A ``pct`` the server cannot write instances in (text, opaque, ...) is not an error:
    the server then writes TLV, which every client reads.
    """
    params: dict[str, str] = {}
    for option in options:
        name, _, value = option.partition("=")
        if name in params:
            raise BadBootstrapRequestError(f"repeated parameter {name}")
        params[name] = value
    endpoint = params.get("ep")
    if endpoint is None:
        raise BadBootstrapRequestError("missing endpoint name")
    if _ENDPOINT.fullmatch(endpoint) is None:
        raise BadBootstrapRequestError("bad endpoint name")
    text = params.get("pct")
    if text is None:
        return BootstrapRequest(endpoint)
    if _FORMAT_NUMBER.fullmatch(text) is None or int(text) > 0xFFFF:
        raise BadBootstrapRequestError("bad preferred content format")
    requested = int(text)
    preferred = requested if requested in INSTANCE_FORMATS else None
    return BootstrapRequest(endpoint, preferred, requested)
