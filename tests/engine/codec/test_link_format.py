"""CoRE Link Format (40): registration payloads, Discover attributes, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.lwm2m.engine import CodecError, ContentFormat, Link, Path
from custom_components.lwm2m.engine.codec import (
    decode,
    encode,
    format_link_format,
    parse_link_format,
)
from tests.engine.codec.models import MODEL

LINKS = ContentFormat.LINK_FORMAT


def test_registration_with_root_content_format_and_versions() -> None:
    payload = b'</>;rt="oma.lwm2m";ct=11543,</1/0>,</3/0>,</3303/0>;ver=1.1,</5>'
    assert decode(LINKS, Path(), payload, MODEL) == {
        Path(): {"rt": "oma.lwm2m", "ct": "11543"},
        Path.of(1, 0): {},
        Path.of(3, 0): {},
        Path.of(3303, 0): {"ver": "1.1"},
        Path.of(5): {},
    }
    links = parse_link_format(payload)
    assert links[0].rt == "oma.lwm2m"
    assert links[0].ct == [11543]
    assert links[0].path == Path()
    assert links[3].ver == "1.1"
    assert links[4].ver is None


def test_quoted_version() -> None:
    payload = b'</1/0>,</3/0>,</10>;ver="1.1"'
    assert decode(LINKS, Path(), payload, MODEL) == {
        Path.of(1, 0): {},
        Path.of(3, 0): {},
        Path.of(10): {"ver": "1.1"},
    }


def test_list_of_content_formats() -> None:
    (link,) = parse_link_format(b'</>;rt="oma.lwm2m";ct="60 110 112 11542 11543"')
    assert link.ct == [60, 110, 112, 11542, 11543]


def test_alternate_root_path() -> None:
    payload = b'</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>,</lwm2m/1/0>,</other/3>,</lwm2mx/4>'
    assert decode(LINKS, Path(), payload, MODEL) == {
        Path(): {"rt": "oma.lwm2m"},
        Path.of(3, 0): {},
        Path.of(1, 0): {},
    }


def test_discover_attributes() -> None:
    payload = (
        b"</3/0>;pmin=10;pmax=60,</3/0/7>;dim=2;gt=50.5;lt=-3;st=1e1;epmin=1;epmax=5,</3/0/9>;obs"
    )
    links = parse_link_format(payload)
    assert (links[0].pmin, links[0].pmax) == (10, 60)
    assert (links[1].dim, links[1].gt, links[1].lt, links[1].st) == (2, 50.5, -3.0, 10.0)
    assert (links[1].epmin, links[1].epmax) == (1, 5)
    assert links[2].params == {"obs": None}
    assert (links[2].pmin, links[2].gt, links[2].ct, links[2].rt) == (None, None, [], None)
    assert decode(LINKS, Path.of(3, 0), payload, MODEL)[Path.of(3, 0, 9)] == {"obs": None}


def test_quoted_values_with_separators_escapes_and_whitespace() -> None:
    payload = b' </a> ; title = "x, y; \\"z\\"" ;Flag ,\r\n </b>;if=core.b '
    assert parse_link_format(payload) == [
        Link("/a", {"title": 'x, y; "z"', "flag": None}),
        Link("/b", {"if": "core.b"}),
    ]


def test_first_of_repeated_parameters_and_paths_counts() -> None:
    assert parse_link_format(b"</a>;x=1;x=2")[0].params == {"x": "1"}
    assert decode(LINKS, Path(), b"</3/0>;ver=1.0,</3/0>;ver=2.0", MODEL) == {
        Path.of(3, 0): {"ver": "1.0"}
    }


def test_non_lwm2m_targets() -> None:
    links = parse_link_format(b"</.well-known/core>,<coap://host/3>,</3/x>,<>")
    assert [link.path for link in links] == [None, None, None, None]
    assert decode(LINKS, Path(), b"</.well-known/core>,</3>", MODEL) == {Path.of(3): {}}
    assert parse_link_format(b"") == []
    assert parse_link_format("  ") == []


@pytest.mark.parametrize(
    "payload",
    [
        b"</3/0",
        b"/3/0",
        b"</3/0>;",
        b"</3/0>;=1",
        b"</3/0>;ver=",
        b'</3/0>;ver="1.1',
        b"</3/0>,",
        b"</3/0></1/0>",
        b"</3/0>;a=b c",
        b"</3 0>",
        b"\xff",
        b"</3/70000>",
        b"</3/0/1/2/3>",
        b"</03>",
    ],
)
def test_malformed_link_format(payload: bytes) -> None:
    with pytest.raises(CodecError):
        decode(LINKS, Path(), payload, MODEL)


@pytest.mark.parametrize(
    ("params", "accessor"),
    [
        ({"ct": "x"}, "ct"),
        ({"ct": "70000"}, "ct"),
        ({"ct": "  "}, "ct"),
        ({"pmin": "-1"}, "pmin"),
        ({"dim": "two"}, "dim"),
        ({"gt": "high"}, "gt"),
        ({"st": "nan"}, "st"),
        ({"lt": "inf"}, "lt"),
    ],
)
def test_malformed_attribute_values(params: dict[str, str | None], accessor: str) -> None:
    with pytest.raises(CodecError):
        getattr(Link("/3/0", params), accessor)


def test_parse_refuses_other_types() -> None:
    with pytest.raises(CodecError, match="bytes or str"):
        parse_link_format(42)  # type: ignore[arg-type]


def test_encoding_links() -> None:
    values = {
        Path(): {"rt": "oma.lwm2m", "ct": "60 110"},
        Path.of(3, 0): None,
        Path.of(3303, 0): {"ver": "1.1", "obs": None, "title": 'a "b"\\'},
        Path.of(3, 0, 9): {"gt": "-2.5", "pmin": "10"},
    }
    payload = encode(LINKS, Path(), values, MODEL)
    assert payload == (
        b'</>;rt="oma.lwm2m";ct="60 110",</3/0>,</3303/0>;ver=1.1;obs;title="a \\"b\\"\\\\",'
        b"</3/0/9>;gt=-2.5;pmin=10"
    )
    decoded = decode(LINKS, Path(), payload, MODEL)
    assert decoded == {path: params or {} for path, params in values.items()}
    assert str(Link("/1/0", {"ver": "1.1"})) == "</1/0>;ver=1.1"
    assert format_link_format(parse_link_format(payload)) == payload.decode()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "mapping"),
        ({"/3/0": None}, "Path objects"),
        ({Path.of(3): {"bad name": "1"}}, "parameter name"),
        ({Path.of(3): {"ver": 1.1}}, "str or None"),
        ({Path.of(3): ["ver"]}, "mapping"),
    ],
)
def test_encoding_refuses(values: object, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        encode(LINKS, Path(), values, MODEL)  # type: ignore[arg-type]


def test_formatting_refuses_bad_targets() -> None:
    with pytest.raises(CodecError, match="target"):
        format_link_format([Link("/a>b")])


names = st.from_regex(r"[a-z][a-z0-9._-]{0,8}", fullmatch=True)
values = st.none() | st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 65535), max_size=4).map(lambda ids: Path(tuple(ids))),
            st.dictionaries(names, values, max_size=4),
        ),
        max_size=5,
        unique_by=lambda item: item[0],
    )
)
def test_links_round_trip(links: list[tuple[Path, dict[str, str | None]]]) -> None:
    payload = encode(LINKS, Path(), dict(links), MODEL)
    assert decode(LINKS, Path(), payload, MODEL) == dict(links)
