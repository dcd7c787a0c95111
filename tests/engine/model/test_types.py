"""Model value types: operations and resource types."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine import ObjectDef, Operations, ResourceDef, ResourceType


@pytest.mark.parametrize(
    ("text", "expected", "printed"),
    [
        ("", Operations.NONE, ""),
        ("R", Operations.R, "R"),
        (" rw ", Operations.R | Operations.W, "RW"),
        ("W", Operations.W, "W"),
        ("E", Operations.E, "E"),
    ],
)
def test_operations_parse_and_print(text: str, expected: Operations, printed: str) -> None:
    assert Operations.parse(text) == expected
    assert str(expected) == printed


def test_operations_properties() -> None:
    read_write = Operations.parse("RW")
    assert (read_write.readable, read_write.writable, read_write.executable) == (True, True, False)
    execute = Operations.E
    assert (execute.readable, execute.writable, execute.executable) == (False, False, True)


def test_operations_parse_refuses_unknown_letters() -> None:
    with pytest.raises(ValueError, match="unknown operation letter 'X'"):
        Operations.parse("RX")


def test_numeric_types() -> None:
    numeric = {t for t in ResourceType if t.is_numeric}
    assert numeric == {ResourceType.INTEGER, ResourceType.UNSIGNED_INTEGER, ResourceType.FLOAT}


def test_object_def_resource_lookup() -> None:
    reboot = ResourceDef(4, "Reboot", ResourceType.NONE, Operations.E)
    device = ObjectDef(3, "Device", resources={4: reboot})
    assert device.resource(4) is reboot
    assert device.resource(5) is None
