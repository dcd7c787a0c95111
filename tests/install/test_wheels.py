"""Every manifest requirement installs from a wheel wherever Home Assistant runs."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement

from .wheels import (
    PickError,
    home_assistant_constraints,
    markdown,
    picked_version,
    pins_for_home_assistant,
    platform_tags,
    wheel_table,
)


def test_platform_tags_cover_older_wheels_the_platform_runs() -> None:
    assert platform_tags("musllinux_1_2_aarch64") == [
        "musllinux_1_2_aarch64",
        "musllinux_1_1_aarch64",
        "musllinux_1_0_aarch64",
    ]
    glibc = platform_tags("manylinux_2_28_x86_64")
    assert glibc[:2] == ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64"]
    assert "manylinux_2_5_x86_64" in glibc
    assert "manylinux_2_4_x86_64" not in glibc
    assert {"manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"} <= set(glibc)
    assert "manylinux1_aarch64" not in platform_tags("manylinux_2_28_aarch64")


def test_the_version_is_home_assistants_pin_else_ours() -> None:
    constraints = {"cryptography": Requirement("cryptography==44.0.1")}
    assert picked_version(Requirement("cryptography>=44.0.1"), constraints) == "44.0.1"
    assert picked_version(Requirement("cbor2==5.7.1"), constraints) == "5.7.1"
    with pytest.raises(PickError, match="conflicts"):
        picked_version(Requirement("cryptography>=45"), constraints)
    with pytest.raises(PickError, match="neither pinned"):
        picked_version(Requirement("lxml>=6"), constraints)


def test_home_assistant_pins_cryptography() -> None:
    assert "cryptography" in home_assistant_constraints()


def test_every_requirement_has_wheels_for_every_platform_and_python() -> None:
    """pip, isolated from this machine's configuration, asks the real index for wheels only."""
    pins = pins_for_home_assistant()
    table = wheel_table(pins)
    failures = [
        f"{pin} on {platform} cp{python}: {download.error}"
        for (pin, platform, python), download in table.items()
        if download.wheel is None
    ]
    assert not failures, markdown(table, pins) + "\n" + "\n".join(failures)
