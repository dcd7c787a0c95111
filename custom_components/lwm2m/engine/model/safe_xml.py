"""Parsing untrusted XML: no DOCTYPE, no entities, no network, no size blow-ups."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .errors import DDFError

DOCUMENT = "(document)"
_WHERE = re.compile(r"(, line \d+, column \d+)?( \(<string>, line \d+\))?$")
_DOCTYPE_REFUSED = "DOCTYPE declarations are refused (they can declare entities)"


class _ScanStoppedError(Exception):
    def __init__(self, *, at_doctype: bool) -> None:
        super().__init__()
        self.at_doctype = at_doctype


class _PrologScanner:
    """A parser target that stops the parse at the DOCTYPE, or else at the root element.

    The DOCTYPE event comes before any entity declaration in it is read, so a refused
    document costs nothing however its entities are built.
    """

    def doctype(self, name: str, public_id: str | None, system_url: str | None) -> None:
        raise _ScanStoppedError(at_doctype=True)

    def start(self, tag: str | bytes, attrib: dict[Any, Any]) -> None:
        raise _ScanStoppedError(at_doctype=False)

    def comment(self, text: str | bytes) -> None: ...

    def data(self, data: str | bytes) -> None: ...

    def end(self, tag: str | bytes) -> None: ...

    def close(self) -> None: ...


def hardened_parser(target: _PrologScanner | None = None) -> etree.XMLParser:
    """An lxml parser that resolves no entities, loads no DTD and touches no network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        target=target,
    )


def _parse(data: bytes, parser: etree.XMLParser) -> Any:
    try:
        # Hardened parser; DOCTYPEs (and with them all entities) are refused first.
        return etree.fromstring(data, parser)  # noqa: S320
    except etree.XMLSyntaxError as err:
        raise DDFError(DOCUMENT, _syntax_reason(err)) from None


def _syntax_reason(err: etree.XMLSyntaxError) -> str:
    """lxml's message without where it parsed from: "line 2 is not well-formed XML: ..."."""
    message = _WHERE.sub("", str(err.msg or "")).strip() or "the document ends too early"
    line = err.lineno or err.position[0]
    return f"line {line} is not well-formed XML: {message}" if line else message


def parse_untrusted_xml(data: bytes) -> etree._Element:
    """The root element of ``data``; DDFError if it is not XML or carries a DOCTYPE.

    DDF files need no DOCTYPE, and a DOCTYPE is the only place entities can be declared,
    so refusing every DOCTYPE rules out entity expansion bombs and external entities
    reading local files or URLs. The parser itself never resolves entities either.
    """
    if not isinstance(data, bytes):
        raise DDFError(DOCUMENT, f"expected bytes, got {type(data).__name__}")
    try:
        _parse(data, hardened_parser(_PrologScanner()))
    except _ScanStoppedError as stop:
        if stop.at_doctype:
            raise DDFError("DOCTYPE", _DOCTYPE_REFUSED) from None
    root: etree._Element = _parse(data, hardened_parser())
    return root


def local_name(element: etree._Element) -> str:
    """The tag without its namespace: some DDF files declare a default namespace."""
    return etree.QName(element).localname
