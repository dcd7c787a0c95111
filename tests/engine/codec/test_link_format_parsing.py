"""Link-format parsing: the one-match-per-link path against the scanner, on the RFC 6690
forms LwM2M devices send and on generated text, valid or not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.lwm2m.engine import CodecError, Link
from custom_components.lwm2m.engine.codec import parse_link_format
from custom_components.lwm2m.engine.codec.link_format import (
    _parse_scanning,
    _parse_whole_links,
)


def _scanned(text: str) -> list[Link] | None:
    try:
        return _parse_scanning(text)
    except CodecError:
        return None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # Wakaama: root with its content format, versions on objects
            '</>;rt="oma.lwm2m";ct=11543,</1/0>,</3>;ver=1.1,</3/0>,</3303/0>',
            [
                Link("/", {"rt": "oma.lwm2m", "ct": "11543"}),
                Link("/1/0"),
                Link("/3", {"ver": "1.1"}),
                Link("/3/0"),
                Link("/3303/0"),
            ],
        ),
        (  # Anjay: quoted versions, an alternate root
            '</lwm2m>;rt="oma.lwm2m",</lwm2m/1>;ver="1.1",</lwm2m/1/1>',
            [
                Link("/lwm2m", {"rt": "oma.lwm2m"}),
                Link("/lwm2m/1", {"ver": "1.1"}),
                Link("/lwm2m/1/1"),
            ],
        ),
        (  # Discover: the Server instance's short server id, attributes, dim
            "</1/0>;ssid=101,</1/0/1>;pmin=10;pmax=60,</3/0/7>;dim=2;gt=20.5;lt=-3;st=0.5",
            [
                Link("/1/0", {"ssid": "101"}),
                Link("/1/0/1", {"pmin": "10", "pmax": "60"}),
                Link("/3/0/7", {"dim": "2", "gt": "20.5", "lt": "-3", "st": "0.5"}),
            ],
        ),
        (  # a list of content formats, several resource types, a flag
            '</>;rt="oma.lwm2m core.rd";ct="60 110 112 11542 11543";obs',
            [
                Link(
                    "/",
                    {"rt": "oma.lwm2m core.rd", "ct": "60 110 112 11542 11543", "obs": None},
                )
            ],
        ),
        (  # separators and escapes inside quotes, an empty quoted value
            r'</3/0>;title="a,b;c \"d\" \\e";if=""',
            [Link("/3/0", {"title": 'a,b;c "d" \\e', "if": ""})],
        ),
        (  # whitespace around every separator, names in any case (the first one counts)
            " \r\n</3/0> ; VER = 1.0 ;ver=2.0 ,\t</5/0>\n",
            [Link("/3/0", {"ver": "1.0"}), Link("/5/0")],
        ),
        (  # values RFC 6690 allows bare: URIs, ranges, signs
            "</3/0>;anchor=coap://[::1]:5683/x?y=1;range=-5..+5",
            [Link("/3/0", {"anchor": "coap://[::1]:5683/x?y=1", "range": "-5..+5"})],
        ),
        ("", []),
        ("  ", []),
    ],
)
def test_device_forms_parse_in_one_match_per_link(text: str, expected: list[Link]) -> None:
    assert _parse_whole_links(text) == expected
    assert _parse_scanning(text) == expected
    assert parse_link_format(text.encode()) == expected


@pytest.mark.parametrize(
    "text",
    ["</3/0>,", "</3/0>;", '</3/0>;ver="1', "</3/0></1/0>", "</3/0>;a=b c", "</3 0>", ",</1>"],
)
def test_malformed_text_goes_to_the_scanner_which_refuses_it(text: str) -> None:
    assert _parse_whole_links(text) is None
    with pytest.raises(CodecError, match="link format: expected"):
        parse_link_format(text)


_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "</3/0>",
        "</>",
        "/1/0",
        ";",
        ",",
        "=",
        '"',
        "\\",
        " ",
        "\t",
        "\n",
        "ver",
        "1.1",
        "rt",
        '"oma.lwm2m"',
        "ssid",
        "101",
        "obs",
        "a,b",
        "-",
        "?",
        "é",
        "\x00",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=24).map("".join))
def test_generated_text_parses_as_the_scanner_parses_it(text: str) -> None:
    whole = _parse_whole_links(text)
    scanned = _scanned(text)
    if scanned is None:
        assert whole is None
    else:
        assert whole is None or whole == scanned
    try:
        parsed: list[Link] | None = parse_link_format(text)
    except CodecError:
        parsed = None
    assert parsed == scanned


_NAMES = st.from_regex(r"[A-Za-z0-9!#$&+\-.^_`|~*]{1,8}", fullmatch=True)
_VALUES = st.one_of(
    st.none(),
    st.from_regex(r"[!#$%&'()*+\-./0-9:<=>?@A-Za-z\[\]^_`{|}~]{1,8}", fullmatch=True),
    st.text(max_size=8).map(
        lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    ),
)
_SPACES = st.sampled_from(["", " ", "\t", "\r\n"])


@st.composite
def _documents(draw: st.DrawFn) -> str:
    links = []
    for _ in range(draw(st.integers(0, 5))):
        target = draw(st.from_regex(r"[!#-;=?-~]{0,10}", fullmatch=True))
        parts = [f"<{target}>"]
        for _ in range(draw(st.integers(0, 4))):
            name, value = draw(_NAMES), draw(_VALUES)
            space = draw(_SPACES)
            parts.append(
                f"{space};{space}{name}" + ("" if value is None else f"{space}={space}{value}")
            )
        links.append("".join(parts))
    return (draw(_SPACES) + ",").join(links)


@settings(max_examples=150, deadline=None)
@given(_documents())
def test_well_formed_documents_parse_in_one_match_per_link_as_the_scanner_does(
    text: str,
) -> None:
    whole = _parse_whole_links(text)
    assert whole is not None
    assert whole == _parse_scanning(text)
