"""CoRE Link Format (RFC 6690, content format 40): registration payloads and Discover.

``</>;rt="oma.lwm2m";ct=11543,</1/0>,</3/0>,</3303/0>;ver=1.1`` parses into :class:`Link`
objects. Parameter values may be quoted (with backslash escapes, and ``,``/``;`` inside)
or bare tokens; a parameter without a value is a flag (``None``). Parameter names are
case-insensitive and kept in lower case; when a name repeats in one link, the first
value counts. Whitespace around separators is tolerated.

As a codec, ``decode`` returns ``{Path: params}`` for the links with LwM2M paths. A link
with ``rt="oma.lwm2m"`` names the client's root (``</lwm2m>;rt="oma.lwm2m"``): it maps to
the root path and other links are read relative to it; links outside it, or with
non-numeric targets, are not LwM2M paths and are left out. When a path repeats, its
first link counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model.types import ObjectLookup
from ..path import Path
from .base import CodecError
from .conversion import short_repr, type_name

LWM2M_ROOT_TYPE = "oma.lwm2m"

_SPACE = re.compile(r"[ \t\r\n]*")
_COMMA = re.compile(",")
_TARGET = re.compile(r"<([^<>\"\x00-\x20\x7f]*)>")
_NAME_CHARS = r"[A-Za-z0-9!#$&+\-.^_`|~*]+"
_VALUE_CHARS = r"[!#$%&'()*+\-./0-9:<=>?@A-Za-z\[\]^_`{|}~]+"
_QUOTED_CHARS = r'(?:[^"\\]|\\.)*'
_NAME = re.compile(_NAME_CHARS)
_TOKEN = re.compile(_VALUE_CHARS)
_QUOTED = re.compile(rf'"({_QUOTED_CHARS})"', re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_BARE_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_NUMERIC_SEGMENTS = re.compile(r"/(?:[0-9]+(?:/[0-9]+)*)?/?")

# One whole link at a time (the scanner's grammar as one expression): a registration's
# links parse in one match each. Input it does not match goes to the scanner, which
# says where it went wrong.
_S = r"[ \t\r\n]*"
_ANY_VALUE = rf'{_S}={_S}(?:"{_QUOTED_CHARS}"|{_VALUE_CHARS})'
_WHOLE_LINK = re.compile(
    rf'{_S}<([^<>"\x00-\x20\x7f]*)>((?:{_S};{_S}{_NAME_CHARS}{_S}(?:{_ANY_VALUE})?)*){_S}(,?)',
    re.DOTALL,
)
_ONE_PARAM = re.compile(
    rf';{_S}({_NAME_CHARS}){_S}(?:={_S}(?:"({_QUOTED_CHARS})"|({_VALUE_CHARS})))?', re.DOTALL
)


@dataclass(frozen=True, slots=True)
class Link:
    """One link: its target URI and its parameters (``None`` for a flag)."""

    uri: str
    params: dict[str, str | None] = field(default_factory=dict)

    @property
    def path(self) -> Path | None:
        """The target as an LwM2M path; None when the target is not one."""
        return lwm2m_path(self.uri)

    def _text(self, name: str) -> str | None:
        return self.params.get(name)

    def _integer(self, name: str) -> int | None:
        value = self.params.get(name)
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or len(value) > 20:
            raise CodecError(f"link parameter {name} must be a non-negative integer")
        return int(value)

    def _number(self, name: str) -> float | None:
        value = self.params.get(name)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            raise CodecError(f"link parameter {name} must be a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise CodecError(f"link parameter {name} must be a finite number")
        return number

    @property
    def ver(self) -> str | None:
        """The object version (``ver``), e.g. ``"1.1"``."""
        return self._text("ver")

    @property
    def rt(self) -> str | None:
        """The resource type (``rt``), e.g. ``"oma.lwm2m"``."""
        return self._text("rt")

    @property
    def ct(self) -> list[int]:
        """The content formats (``ct``, one number or a space-separated quoted list)."""
        value = self._text("ct")
        if value is None:
            return []
        formats: list[int] = []
        for part in value.split():
            if not part.isascii() or not part.isdigit() or len(part) > 5 or int(part) > 0xFFFF:
                raise CodecError(f"link parameter ct has a bad content format {short_repr(part)}")
            formats.append(int(part))
        if not formats:
            raise CodecError("link parameter ct is empty")
        return formats

    @property
    def dim(self) -> int | None:
        """The number of instances of a multiple resource (``dim``)."""
        return self._integer("dim")

    @property
    def pmin(self) -> int | None:
        return self._integer("pmin")

    @property
    def pmax(self) -> int | None:
        return self._integer("pmax")

    @property
    def epmin(self) -> int | None:
        return self._integer("epmin")

    @property
    def epmax(self) -> int | None:
        return self._integer("epmax")

    @property
    def gt(self) -> float | None:
        return self._number("gt")

    @property
    def lt(self) -> float | None:
        return self._number("lt")

    @property
    def st(self) -> float | None:
        return self._number("st")

    def __str__(self) -> str:
        return format_link(self.uri, self.params)


def lwm2m_path(uri: str) -> Path | None:
    """``/3/0`` -> Path; None for a target that is not all numeric segments.

    A numeric target that is still no LwM2M path (an id above 65535, five levels,
    leading zeros) is malformed: CodecError.
    """
    if _NUMERIC_SEGMENTS.fullmatch(uri) is None:
        return None
    try:
        return Path.parse(uri)
    except ValueError:
        raise CodecError(f"link target {short_repr(uri)} is not a valid LwM2M path") from None


# --- parsing ----------------------------------------------------------------------------


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def skip_space(self) -> None:
        match = _SPACE.match(self.text, self.position)
        self.position = match.end() if match else self.position

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def take(self, character: str) -> bool:
        if self.text.startswith(character, self.position):
            self.position += 1
            return True
        return False

    def expect(self, pattern: re.Pattern[str], what: str) -> re.Match[str]:
        match = pattern.match(self.text, self.position)
        if match is None:
            found = short_repr(self.text[self.position : self.position + 20])
            raise CodecError(f"link format: expected {what} at {self.position}, found {found}")
        self.position = match.end()
        return match

    def link(self) -> Link:
        uri = self.expect(_TARGET, "a link target '<...>'")[1]
        params: dict[str, str | None] = {}
        while True:
            self.skip_space()
            if not self.take(";"):
                return Link(uri, params)
            self.skip_space()
            name = self.expect(_NAME, "a parameter name")[0].lower()
            self.skip_space()
            value = self.value() if self.take("=") else None
            params.setdefault(name, value)

    def value(self) -> str:
        self.skip_space()
        if self.text.startswith('"', self.position):
            quoted = self.expect(_QUOTED, "a closing quote")[1]
            return _ESCAPE.sub(r"\1", quoted)
        return self.expect(_TOKEN, "a parameter value")[0]


def parse_link_format(payload: bytes | str) -> list[Link]:
    """Parse a link-format document; malformed input raises CodecError."""
    if isinstance(payload, bytes | bytearray | memoryview):
        try:
            text = bytes(payload).decode("utf-8")
        except UnicodeDecodeError:
            raise CodecError("link format payload is not valid UTF-8") from None
    elif isinstance(payload, str):
        text = payload
    else:
        raise CodecError(f"link format payload must be bytes or str, got {type_name(payload)}")
    links = _parse_whole_links(text)
    return _parse_scanning(text) if links is None else links


def _parse_whole_links(text: str) -> list[Link] | None:
    """The links of ``text``; None when it is malformed (the scanner then explains)."""
    links: list[Link] = []
    position = 0
    separated = True
    for match in _WHOLE_LINK.finditer(text):
        if match.start() != position or not separated:
            return None
        params: dict[str, str | None] = {}
        tail = match[2]
        if tail:
            for param in _ONE_PARAM.finditer(tail):
                name, quoted, token = param.groups()
                if quoted is not None:
                    value: str | None = _ESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted
                else:
                    value = token
                params.setdefault(name.lower(), value)
        links.append(Link(match[1], params))
        separated = bool(match[3])
        position = match.end()
    if links:
        return None if separated or position != len(text) else links
    return links if _SPACE.fullmatch(text) else None


def _parse_scanning(text: str) -> list[Link]:
    scanner = _Scanner(text)
    links: list[Link] = []
    scanner.skip_space()
    while not scanner.at_end():
        if links:
            scanner.expect(_COMMA, "',' between links")
            scanner.skip_space()
        links.append(scanner.link())
        scanner.skip_space()
    return links


# --- formatting -------------------------------------------------------------------------


def _format_value(value: str) -> str:
    if _BARE_NUMBER.fullmatch(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_link(uri: str, params: Mapping[str, str | None]) -> str:
    if not isinstance(uri, str) or _TARGET.fullmatch(f"<{uri}>") is None:
        raise CodecError(f"cannot write link target {short_repr(uri)}")
    if not isinstance(params, Mapping):
        raise CodecError(f"link parameters must be a mapping, got {type_name(params)}")
    parts = [f"<{uri}>"]
    for name, value in params.items():
        if not isinstance(name, str) or _NAME.fullmatch(name) is None:
            raise CodecError(f"cannot write link parameter name {short_repr(name)}")
        if value is None:
            parts.append(name)
        elif isinstance(value, str):
            parts.append(f"{name}={_format_value(value)}")
        else:
            raise CodecError(f"link parameter {name} must be str or None, got {type_name(value)}")
    return ";".join(parts)


def format_link_format(links: Iterable[Link]) -> str:
    return ",".join(format_link(link.uri, link.params) for link in links)


# --- as a codec -------------------------------------------------------------------------


def _root_prefix(links: Iterable[Link]) -> str:
    for link in links:
        if LWM2M_ROOT_TYPE in (link.rt or "").split():
            return link.uri.rstrip("/")
    return ""


def decode(path: Path, payload: bytes, model: ObjectLookup | None) -> dict[Path, Any]:
    return lwm2m_targets(parse_link_format(payload))


def lwm2m_targets(links: list[Link]) -> dict[Path, dict[str, str | None]]:
    """``{Path: params}`` for the links with LwM2M paths (see the module's docstring)."""
    root = _root_prefix(links)
    result: dict[Path, dict[str, str | None]] = {}
    for link in links:
        if link.uri == root:
            relative = "/"
        elif link.uri.startswith(root + "/"):
            relative = link.uri[len(root) :]
        else:
            continue
        target = lwm2m_path(relative)
        if target is not None:
            result.setdefault(target, dict(link.params))
    return result


def encode(path: Path, values: Mapping[Path, Any], model: ObjectLookup | None) -> bytes:
    """Links for ``{Path: params}``, in the mapping's order (params may be None)."""
    if not isinstance(values, Mapping):
        raise CodecError(f"links must be a mapping of paths, got {type_name(values)}")
    parts: list[str] = []
    for target, params in values.items():
        if not isinstance(target, Path):
            raise CodecError(f"link keys must be Path objects, got {type_name(target)}")
        parts.append(format_link(str(target), {} if params is None else params))
    return ",".join(parts).encode("utf-8")
