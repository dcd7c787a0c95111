"""Firmware pieces without a device: version order, failure keys and their translations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.lwm2m.engine import ErrorKey, FirmwareStatus, Phase
from custom_components.lwm2m.firmware.library import StoredImage, newest, parse_models
from custom_components.lwm2m.firmware.updates import failure_key
from custom_components.lwm2m.firmware.versions import compare_versions, is_newer

STRINGS = Path(__file__).resolve().parents[3] / "custom_components" / "lwm2m" / "strings.json"


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.9.0", "1.10.0"),
        ("1.0", "1.0.1"),
        ("1.0.beta", "1.0.1"),
        ("2.0-rc1", "2.0"),
        ("v2.0-rc1", "v2.0-rc2"),
        ("1-0", "1.0"),
    ],
)
def test_versions_order_number_by_number(older: str, newer: str) -> None:
    assert compare_versions(older, newer) == -1
    assert compare_versions(newer, older) == 1
    assert is_newer(newer, older)
    assert not is_newer(older, newer)


def test_a_version_equals_itself() -> None:
    assert compare_versions("1.4.0", "1.4.0") == 0
    assert not is_newer("1.4.0", "1.4.0")


def test_the_newest_image_wins_and_the_later_added_among_equals() -> None:
    def image(version: str, added: float) -> StoredImage:
        return StoredImage(f"{version}-{added}", "fw", version, (), 1024, added)

    assert newest([]) is None
    assert newest([image("1.2", 1), image("1.10", 0), image("1.9", 2)]) == image("1.10", 0)
    assert newest([image("1.0", 5), image("1.0", 7)]) == image("1.0", 7)
    assert parse_models(" A, B ,, A ") == ("A", "B")


def test_every_failure_has_a_translated_message_and_attribute_state() -> None:
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    attribute = strings["entity"]["update"]["firmware"]["state_attributes"]["error"]["state"]
    for error in ErrorKey:
        key = failure_key(FirmwareStatus(phase=Phase.FAILED, error=error))
        assert key == f"firmware_{error.value}"
        assert "{endpoint}" in strings["exceptions"][key]["message"], key
        assert error.value in attribute, error
    assert failure_key(FirmwareStatus(phase=Phase.FAILED)) == "firmware_unknown_result"
    assert failure_key(FirmwareStatus(phase=Phase.SUCCEEDED)) is None
