"""The device shell's command syntax, parsed into requests.

::

    read /3/0/0                 observe /3303/0/5700        cancelobservation /3303/0/5700
    execute /3/0/4 [args]       discover /3                 delete /3303/1[/5700]
    create /3303 [JSON]         write /3303/0/5750 Kitchen
    writeattr /3303/0/5700 pmin=10&pmax=60&greater=30&less=5&step=0.5   writeattr /... cancel
    fwupdate /demo-fw/1.0.1/coap://192.0.2.1:5683/fw/demo.bin    fwupdate demo-fw 1.0.1 <url>

``writeattr`` also takes the attribute names ``gt``, ``lt``, ``st``, ``epmin``, ``epmax``;
``cancel`` cancels the observation of the path. ``fwupdate`` takes the firmware's name,
version and URL (everything after the second slash, slashes included), the URL in one of
the schemes of a Package URI (coap, coaps, coap+tcp, coaps+tcp, http, https); it acts on
the Firmware Update object (/5/0).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..engine import PACKAGE_URI_SCHEMES, Path, uri_scheme

FIRMWARE_INSTANCE = Path.of(5, 0)  # the Firmware Update object ``fwupdate`` acts on


class ShellVerb(StrEnum):
    READ = "read"
    WRITE = "write"
    OBSERVE = "observe"
    CANCEL_OBSERVATION = "cancelobservation"
    EXECUTE = "execute"
    DISCOVER = "discover"
    CREATE = "create"
    DELETE = "delete"
    WRITE_ATTRIBUTES = "writeattr"
    FIRMWARE_UPDATE = "fwupdate"


class CommandSyntaxError(ValueError):
    """A command that cannot be run; ``key`` names the translated explanation."""

    def __init__(self, key: str, **placeholders: str) -> None:
        super().__init__(f"{key}: {placeholders}")
        self.key = key
        self.placeholders = placeholders


@dataclass(frozen=True, slots=True)
class FirmwarePackage:
    """The firmware of an ``fwupdate``: what it is, and where a device can download it
    (the URL may hold credentials, so the repr leaves it out)."""

    name: str
    version: str
    url: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Command:
    operation: ShellVerb
    path: Path
    argument: str | None = None  # write value, execute arguments
    payload: dict[str, Any] | None = None  # create
    attributes: dict[str, int | float] = field(default_factory=dict)  # writeattr
    cancel: bool = False  # writeattr ... cancel
    package: FirmwarePackage | None = None  # fwupdate


_INTEGER_ATTRIBUTES = {"pmin": "pmin", "pmax": "pmax", "epmin": "epmin", "epmax": "epmax"}
_NUMBER_ATTRIBUTES = {
    "gt": "gt",
    "greater": "gt",
    "lt": "lt",
    "less": "lt",
    "st": "st",
    "step": "st",
}
_PATH_DEPTHS: dict[ShellVerb, tuple[int, ...]] = {
    ShellVerb.READ: (1, 2, 3, 4),
    ShellVerb.WRITE: (2, 3, 4),
    ShellVerb.OBSERVE: (1, 2, 3, 4),
    ShellVerb.CANCEL_OBSERVATION: (1, 2, 3, 4),
    ShellVerb.EXECUTE: (3,),
    ShellVerb.DISCOVER: (1, 2, 3),
    ShellVerb.CREATE: (1,),
    ShellVerb.DELETE: (2, 3),
    ShellVerb.WRITE_ATTRIBUTES: (1, 2, 3, 4),
}


def parse_command(text: str) -> Command:
    """Parse one shell command; raises CommandSyntaxError."""
    words = text.strip().split(maxsplit=2)
    if not words:
        raise CommandSyntaxError("command_empty")
    try:
        operation = ShellVerb(words[0].lower())
    except ValueError:
        raise CommandSyntaxError("command_unknown", command=words[0]) from None
    if operation is ShellVerb.FIRMWARE_UPDATE:
        return _firmware_update(text.strip()[len(words[0]) :].strip())
    if len(words) < 2:
        raise CommandSyntaxError("command_needs_path", command=operation.value)
    path = _path(words[1], operation)
    rest = words[2].strip() if len(words) == 3 else None
    return _build(operation, path, rest)


def _firmware_update(text: str) -> Command:
    """``/<name>/<version>/<url>`` or ``<name> <version> <url>``."""
    parts = text[1:].split("/", 2) if text.startswith("/") else text.split(maxsplit=2)
    if len(parts) < 3 or not parts[2].strip():
        raise CommandSyntaxError("command_fwupdate_incomplete")
    name, version, url = (part.strip() for part in parts)
    if not name:
        raise CommandSyntaxError("command_fwupdate_empty_name")
    if not version:
        raise CommandSyntaxError("command_fwupdate_empty_version")
    scheme = uri_scheme(url)
    if scheme is None:
        raise CommandSyntaxError("command_fwupdate_bad_url")
    if scheme not in PACKAGE_URI_SCHEMES:
        raise CommandSyntaxError("command_fwupdate_url_scheme", scheme=scheme)
    package = FirmwarePackage(name, version, url)
    return Command(ShellVerb.FIRMWARE_UPDATE, FIRMWARE_INSTANCE, package=package)


def _path(text: str, operation: ShellVerb) -> Path:
    try:
        path = Path.parse(text)
    except ValueError:
        raise CommandSyntaxError("invalid_path", path=text) from None
    if len(path) not in _PATH_DEPTHS[operation]:
        raise CommandSyntaxError("command_path_depth", command=operation.value, path=text)
    return path


def _build(operation: ShellVerb, path: Path, rest: str | None) -> Command:
    if operation is ShellVerb.WRITE:
        if rest is None:
            raise CommandSyntaxError("command_needs_value", path=str(path))
        return Command(operation, path, argument=rest)
    if operation is ShellVerb.EXECUTE:
        return Command(operation, path, argument=rest)
    if operation is ShellVerb.CREATE:
        return Command(operation, path, payload=_json_object(rest))
    if operation is ShellVerb.WRITE_ATTRIBUTES:
        attributes, cancel = parse_attributes(rest or "")
        return Command(operation, path, attributes=attributes, cancel=cancel)
    if rest is not None:
        raise CommandSyntaxError("command_extra_text", command=operation.value, text=rest)
    return Command(operation, path)


def _json_object(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as err:
        raise CommandSyntaxError("command_bad_json", detail=str(err)) from None
    if not isinstance(payload, dict):
        raise CommandSyntaxError("command_bad_json", detail="a JSON object is expected")
    return payload


def parse_attributes(text: str) -> tuple[dict[str, int | float], bool]:
    """``pmin=10&pmax=60&greater=5&cancel`` -> ({"pmin": 10, ...}, cancel)."""
    attributes: dict[str, int | float] = {}
    cancel = False
    for part in filter(None, (piece.strip() for piece in text.split("&"))):
        name, has_value, raw = (item.strip() for item in part.partition("="))
        key = name.lower()
        if key == "cancel" and not has_value:
            cancel = True
        elif key in _INTEGER_ATTRIBUTES and has_value:
            attributes[_INTEGER_ATTRIBUTES[key]] = _attribute_number(name, raw, integer=True)
        elif key in _NUMBER_ATTRIBUTES and has_value:
            attributes[_NUMBER_ATTRIBUTES[key]] = _attribute_number(name, raw, integer=False)
        else:
            raise CommandSyntaxError("command_bad_attribute", attribute=part)
    if not attributes and not cancel:
        raise CommandSyntaxError("command_no_attributes")
    return attributes, cancel


def _attribute_number(name: str, raw: str, *, integer: bool) -> int | float:
    try:
        value: int | float = int(raw) if integer else float(raw)
    except ValueError:
        raise CommandSyntaxError("command_bad_attribute", attribute=f"{name}={raw}") from None
    if integer and value < 0:
        raise CommandSyntaxError("command_bad_attribute", attribute=f"{name}={raw}")
    if value != value or value in (float("inf"), float("-inf")):
        raise CommandSyntaxError("command_bad_attribute", attribute=f"{name}={raw}")
    return value
