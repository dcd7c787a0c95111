"""Parsing Register and Update requests: their query parameters and object links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..codec import CodecError, parse_link_format
from ..codec.link_format import LWM2M_ROOT_TYPE, lwm2m_targets
from ..path import Path

DEFAULT_LIFETIME = 86400
DEFAULT_VERSION = "1.0"
DEFAULT_BINDING = "U"
MAX_LIFETIME = 0xFFFFFFFF

_VERSION = re.compile(r"1\.[0-9]")
_BINDING = re.compile(r"[UQSNT]+")
_ENDPOINT = re.compile(r"[^\x00-\x1f\x7f]{1,256}")


class BadRegistrationError(ValueError):
    """The request is malformed; the message is the short reason sent back with 4.00."""


@dataclass(frozen=True, slots=True)
class ObjectLinks:
    """What a registration payload says: root path, objects and content formats."""

    root_path: str = "/"
    objects: dict[Path, dict[str, Any]] = field(default_factory=dict)
    content_formats: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class RegisterRequest:
    endpoint: str
    lifetime: int
    lwm2m_version: str
    binding: str
    queue_mode: bool
    sms_number: str | None
    links: ObjectLinks


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """Only what the device sent: None means unchanged."""

    lifetime: int | None = None
    binding: str | None = None
    queue_mode: bool | None = None
    sms_number: str | None = None
    links: ObjectLinks | None = None


def _query(options: Iterable[str]) -> dict[str, str | None]:
    params: dict[str, str | None] = {}
    for option in options:
        name, separator, value = option.partition("=")
        if not name:
            raise BadRegistrationError("empty query parameter")
        if name in params:
            raise BadRegistrationError(f"repeated parameter {name}")
        params[name] = value if separator else None
    return params


def _value(params: dict[str, str | None], name: str) -> str | None:
    if name not in params:
        return None
    value = params[name]
    if value is None or value == "":
        raise BadRegistrationError(f"parameter {name} needs a value")
    return value


def _lifetime(params: dict[str, str | None]) -> int | None:
    value = _value(params, "lt")
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_LIFETIME:
        raise BadRegistrationError("bad lifetime")
    return int(value)


def _binding(params: dict[str, str | None]) -> str | None:
    value = _value(params, "b")
    if value is not None and _BINDING.fullmatch(value) is None:
        raise BadRegistrationError("bad binding")
    return value


def _queue_flag(params: dict[str, str | None]) -> bool:
    if "Q" not in params:
        return False
    if params["Q"] is not None:
        raise BadRegistrationError("parameter Q takes no value")
    return True


def parse_links(payload: bytes) -> ObjectLinks:
    """The objects a device lists; ``/0`` (Security) and the root link are left out."""
    if not payload.strip():
        return ObjectLinks()
    try:
        links = parse_link_format(payload)
        decoded = lwm2m_targets(links)
        root = "/"
        formats: tuple[int, ...] = ()
        for link in links:
            if LWM2M_ROOT_TYPE in (link.rt or "").split():
                root = link.uri.rstrip("/") or "/"
                formats = tuple(link.ct)
                break
    except CodecError as error:
        raise BadRegistrationError("bad link format") from error
    objects = {
        path: params
        for path, params in decoded.items()
        if len(path) in (1, 2) and path.object_id != 0
    }
    return ObjectLinks(root, objects, formats)


def parse_register(options: Iterable[str], payload: bytes) -> RegisterRequest:
    params = _query(options)
    endpoint = _value(params, "ep")
    if endpoint is None:
        raise BadRegistrationError("missing endpoint name")
    if _ENDPOINT.fullmatch(endpoint) is None:
        raise BadRegistrationError("bad endpoint name")
    version = _value(params, "lwm2m") or DEFAULT_VERSION
    if _VERSION.fullmatch(version) is None:
        raise BadRegistrationError("unsupported LwM2M version")
    binding = _binding(params) or DEFAULT_BINDING
    queue_mode = _queue_flag(params) or "Q" in binding
    lifetime = _lifetime(params) or DEFAULT_LIFETIME
    return RegisterRequest(
        endpoint=endpoint,
        lifetime=lifetime,
        lwm2m_version=version,
        binding=binding,
        queue_mode=queue_mode,
        sms_number=_value(params, "sms"),
        links=parse_links(payload),
    )


def parse_update(options: Iterable[str], payload: bytes) -> UpdateRequest:
    params = _query(options)
    binding = _binding(params)
    # Only a Q (flag or binding letter) says anything: an Update lists what changed.
    queue = True if _queue_flag(params) or "Q" in (binding or "") else None
    return UpdateRequest(
        lifetime=_lifetime(params),
        binding=binding,
        queue_mode=queue,
        sms_number=_value(params, "sms"),
        links=parse_links(payload) if payload else None,
    )
