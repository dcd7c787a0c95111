"""LwM2M paths: parsing, printing, levels, ordering and relations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.engine.path import MAX_ID

ids = st.integers(0, MAX_ID)
paths = st.lists(ids, max_size=4).map(lambda parts: Path(tuple(parts)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/", ()),
        ("/3", (3,)),
        ("/3/0", (3, 0)),
        ("/3/0/1", (3, 0, 1)),
        ("/3/0/7/1", (3, 0, 7, 1)),
        ("/3/0/", (3, 0)),
        ("/0", (0,)),
        ("/65535", (65535,)),
    ],
)
def test_parse(text: str, expected: tuple[int, ...]) -> None:
    assert Path.parse(text).ids == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "must start with '/'"),
        ("3/0", "must start with '/'"),
        ("/a", "non-numeric segment"),
        ("/3//0", "non-numeric segment"),
        ("//", "non-numeric segment"),
        ("/3//", "non-numeric segment"),
        ("/65536", "outside 0..65535"),
        ("/1/2/3/4/5", "at most 4 levels"),
        ("/03", "leading zero"),
        ("/3/00", "leading zero"),
        ("/-1", "non-numeric segment"),
        ("/+1", "non-numeric segment"),
        ("/ 3", "non-numeric segment"),
        ("/3 ", "non-numeric segment"),
        ("/\uff13", "non-numeric segment"),
        ("/3.0", "non-numeric segment"),
    ],
)
def test_bad_paths(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Path.parse(text)


def test_parse_needs_a_string() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        Path.parse(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ids_", "reason"),
    [
        ((1, 2, 3, 4, 5), "at most 4 levels"),
        ((65536,), "outside"),
        ((-1,), "outside"),
        ((True,), "must be an integer"),
        (("3",), "must be an integer"),
        ((1.0,), "must be an integer"),
    ],
)
def test_bad_ids(ids_: tuple[object, ...], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Path(ids_)  # type: ignore[arg-type]


@given(paths)
def test_text_round_trip(path: Path) -> None:
    assert Path.parse(str(path)) == path


def test_str_and_repr() -> None:
    assert str(Path()) == "/"
    assert str(Path.of(3, 0, 1)) == "/3/0/1"
    assert repr(Path.of(3303, 0)) == "Path('/3303/0')"


def test_levels() -> None:
    root, obj, inst, res, res_inst = (
        Path.parse(t) for t in ("/", "/3", "/3/0", "/3/0/1", "/3/0/1/2")
    )
    levels = (root, obj, inst, res, res_inst)
    assert [p.is_root for p in levels] == [True, False, False, False, False]
    assert [p.is_object for p in levels] == [False, True, False, False, False]
    assert [p.is_instance for p in levels] == [False, False, True, False, False]
    assert [p.is_resource for p in levels] == [False, False, False, True, False]
    assert [p.is_resource_instance for p in levels] == [False, False, False, False, True]
    assert [len(p) for p in (root, obj, inst, res, res_inst)] == [0, 1, 2, 3, 4]
    assert list(res_inst) == [3, 0, 1, 2]
    assert (res_inst.object_id, res_inst.instance_id) == (3, 0)
    assert (res_inst.resource_id, res_inst.resource_instance_id) == (1, 2)
    assert (obj.object_id, obj.instance_id, obj.resource_id, obj.resource_instance_id) == (
        3,
        None,
        None,
        None,
    )
    assert root.object_id is None


def test_ordering() -> None:
    texts = ["/3/0/1", "/3", "/1/0", "/", "/3/0", "/3/0/0/5", "/10", "/3/0/1/0"]
    ordered = sorted(Path.parse(t) for t in texts)
    assert [str(p) for p in ordered] == [
        "/",
        "/1/0",
        "/3",
        "/3/0",
        "/3/0/0/5",
        "/3/0/1",
        "/3/0/1/0",
        "/10",
    ]
    assert Path.of(3) < Path.of(3, 0)
    assert Path.of(3, 0) <= Path.of(3, 0)
    assert Path.of(10) > Path.of(9, 65535)
    assert Path.of(3) >= Path.of(2)


def test_comparison_with_other_types() -> None:
    assert Path.of(3) != (3,)
    assert Path.of(3).__lt__((3,)) is NotImplemented
    with pytest.raises(TypeError):
        _ = Path.of(3) < (3,)  # type: ignore[operator]


@given(paths, paths)
def test_ordering_follows_the_ids(a: Path, b: Path) -> None:
    assert (a < b) == (a.ids < b.ids)
    assert (a == b) == (a.ids == b.ids)


def test_paths_are_hashable_values() -> None:
    assert {Path.parse("/3/0"), Path.of(3, 0)} == {Path.of(3, 0)}


def test_startswith_and_is_prefix_of() -> None:
    resource = Path.parse("/3/0/1")
    assert resource.startswith(Path.parse("/"))
    assert resource.startswith(Path.parse("/3"))
    assert resource.startswith(Path.parse("/3/0"))
    assert resource.startswith(resource)
    assert not resource.startswith(Path.parse("/3/1"))
    assert not resource.startswith(Path.parse("/3/0/1/0"))
    assert not Path.parse("/30").startswith(Path.parse("/3"))
    assert Path.parse("/3").is_prefix_of(resource)
    assert not resource.is_prefix_of(Path.parse("/3"))


@given(paths, paths)
def test_startswith_matches_tuple_prefixes(a: Path, b: Path) -> None:
    assert a.startswith(b) == (a.ids[: len(b.ids)] == b.ids)
    assert b.is_prefix_of(a) == a.startswith(b)


def test_parent_and_child() -> None:
    assert Path.parse("/3/0/1").parent == Path.parse("/3/0")
    assert Path.parse("/3").parent == Path()
    with pytest.raises(ValueError, match="no parent"):
        _ = Path().parent
    assert Path().child(3).child(0) == Path.parse("/3/0")
    with pytest.raises(ValueError, match="at most 4 levels"):
        Path.parse("/3/0/1/2").child(0)
    with pytest.raises(ValueError, match="outside"):
        Path.parse("/3").child(MAX_ID + 1)


@given(paths.filter(lambda p: len(p) < 4), ids)
def test_child_then_parent_is_identity(path: Path, child_id: int) -> None:
    child = path.child(child_id)
    assert child.parent == path
    assert child.startswith(path)
    assert len(child) == len(path) + 1


def test_resource_path() -> None:
    assert Path.parse("/3/0/7/1").resource_path() == Path.parse("/3/0/7")
    assert Path.parse("/3/0/7").resource_path() == Path.parse("/3/0/7")
    with pytest.raises(ValueError, match="does not name a resource"):
        Path.parse("/3/0").resource_path()
