"""Hostile DDF documents: entity tricks are refused and nothing outside the bytes is read."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from custom_components.lwm2m.engine import DDFError, parse_ddf
from custom_components.lwm2m.engine.model.safe_xml import hardened_parser
from tests.engine.model.ddf_builder import ddf, item, obj

SECRET = "not-for-your-eyes-4711"


def _with_doctype(doctype: str, name: str = "Sensor") -> bytes:
    return ddf(obj("3303", name=name), prolog=f'<?xml version="1.0"?>\n{doctype}\n')


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET, encoding="utf-8")
    document = _with_doctype(
        f'<!DOCTYPE LWM2M [<!ENTITY leak SYSTEM "{secret_file.as_uri()}">]>', name="&leak;"
    )
    with pytest.raises(DDFError) as caught:
        parse_ddf(document)
    assert caught.value.element == "DOCTYPE"
    assert "entities" in caught.value.reason
    assert SECRET not in str(caught.value)


def test_hardened_parser_alone_does_not_substitute_external_entities(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET, encoding="utf-8")
    document = (
        f'<!DOCTYPE LWM2M [<!ENTITY leak SYSTEM "{secret_file.as_uri()}">]>'
        "<LWM2M><Name>&leak;</Name></LWM2M>"
    ).encode()
    root = etree.fromstring(document, hardened_parser())
    assert SECRET not in etree.tostring(root, encoding="unicode")


def test_external_parameter_entity_is_never_read(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret.dtd"
    secret_file.write_text(f'<!ENTITY leak "{SECRET}">', encoding="utf-8")
    document = _with_doctype(
        f'<!DOCTYPE LWM2M [<!ENTITY % remote SYSTEM "{secret_file.as_uri()}"> %remote;]>',
        name="&leak;",
    )
    with pytest.raises(DDFError, match="DOCTYPE") as caught:
        parse_ddf(document)
    assert SECRET not in str(caught.value)


def test_entity_expansion_bomb_is_refused() -> None:
    levels = ['<!ENTITY e0 "lol">']
    levels += [f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10)]
    document = _with_doctype(f"<!DOCTYPE LWM2M [{''.join(levels)}]>", name="&e9;")
    with pytest.raises(DDFError, match="DOCTYPE"):
        parse_ddf(document)


def test_quadratic_blowup_entity_is_refused() -> None:
    document = _with_doctype(
        f'<!DOCTYPE LWM2M [<!ENTITY big "{"x" * 50_000}">]>', name="&big;" * 2_000
    )
    with pytest.raises(DDFError, match="DOCTYPE"):
        parse_ddf(document)


@pytest.mark.parametrize(
    "doctype",
    [
        "<!DOCTYPE LWM2M>",
        "<!DOCTYPE LWM2M []>",
        '<!DOCTYPE LWM2M SYSTEM "http://127.0.0.1:9/lwm2m.dtd">',
        '<!DOCTYPE LWM2M PUBLIC "-//Example//DTD//EN" "lwm2m.dtd">',
    ],
)
def test_any_doctype_is_refused(doctype: str) -> None:
    with pytest.raises(DDFError, match="DOCTYPE declarations are refused"):
        parse_ddf(_with_doctype(doctype))


def test_undeclared_entity_reference_is_not_xml() -> None:
    with pytest.raises(DDFError, match="not well-formed"):
        parse_ddf(ddf(obj(name="&undeclared;")))


def test_xinclude_is_not_processed(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET, encoding="utf-8")
    include = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'href="{secret_file.as_uri()}" parse="text"/>'
    )
    (parsed,) = parse_ddf(ddf(obj(name=f"Name{include}")))
    assert SECRET not in parsed.name


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_objects_or_ddf_error(data: bytes) -> None:
    with contextlib.suppress(DDFError):
        assert isinstance(parse_ddf(data), list)


_valid = ddf(obj("3", items=[item("0", type_="String"), item("4", operations="E", type_="")]))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(_valid) - 1), st.integers(1, 20), st.binary(max_size=8))
def test_damaged_documents_give_objects_or_ddf_error(start: int, length: int, junk: bytes) -> None:
    damaged = _valid[:start] + junk + _valid[start + length :]
    with contextlib.suppress(DDFError):
        assert isinstance(parse_ddf(damaged), list)
