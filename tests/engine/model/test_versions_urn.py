"""Version numbers and default object URNs."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine.model.urn import default_urn, urn_label
from custom_components.lwm2m.engine.model.versions import normalize_version, version_key


@pytest.mark.parametrize(
    ("text", "key", "normal"),
    [
        ("1.0", (1, 0), "1.0"),
        (" 1.1 ", (1, 1), "1.1"),
        ("2", (2, 0), "2.0"),
        ("1.10", (1, 10), "1.10"),
        ("01.2", (1, 2), "1.2"),
    ],
)
def test_versions(text: str, key: tuple[int, int], normal: str) -> None:
    assert version_key(text) == key
    assert normalize_version(text) == normal


def test_versions_order_numerically() -> None:
    assert sorted(["1.10", "1.2", "2.0", "1.0"], key=version_key) == ["1.0", "1.2", "1.10", "2.0"]


@pytest.mark.parametrize("text", ["", "v1", "1.", ".1", "1.0.0", "1,0", "\uff11.0", "1.\u0662"])
def test_invalid_versions(text: str) -> None:
    with pytest.raises(ValueError, match="not a version number"):
        version_key(text)


@pytest.mark.parametrize(
    ("object_id", "label"),
    [
        (0, "oma"),
        (1023, "oma"),
        (1024, "x"),
        (2047, "x"),
        (2048, "ext"),
        (3303, "ext"),
        (10240, "ext"),
        (10241, "x"),
        (32769, "x"),
        (42800, "x"),
        (65535, "x"),
    ],
)
def test_urn_labels(object_id: int, label: str) -> None:
    assert urn_label(object_id) == label


def test_default_urn_carries_the_version_unless_1_0() -> None:
    assert default_urn(3) == "urn:oma:lwm2m:oma:3"
    assert default_urn(3, "1.0") == "urn:oma:lwm2m:oma:3"
    assert default_urn(3, "1.2") == "urn:oma:lwm2m:oma:3:1.2"
    assert default_urn(3303, "1.1") == "urn:oma:lwm2m:ext:3303:1.1"
    assert default_urn(10262, "2.0") == "urn:oma:lwm2m:x:10262:2.0"
