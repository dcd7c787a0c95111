"""The shell's fwupdate, parsed: name, version and URL in either form."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.shell.commands import FirmwarePackage, ShellVerb, parse_command

URL = "coap://192.0.2.1:5683/fw/demo.bin"


@pytest.mark.parametrize(
    "text",
    [
        f"fwupdate /demo-fw/1.0.1/{URL}",
        f"  FWUPDATE   /demo-fw/1.0.1/{URL}  ",
        f"fwupdate / demo-fw / 1.0.1 / {URL}",
        f"fwupdate demo-fw 1.0.1 {URL}",
        f"fwupdate\tdemo-fw\t1.0.1\t{URL}",
    ],
)
def test_both_forms_give_name_version_and_url(text: str) -> None:
    command = parse_command(text)
    assert command.operation is ShellVerb.FIRMWARE_UPDATE
    assert command.path == Path.of(5, 0)
    assert command.package == FirmwarePackage("demo-fw", "1.0.1", URL)


def test_the_name_may_hold_blanks_in_the_slash_form() -> None:
    command = parse_command("fwupdate /Demo firmware/2.0 beta/https://example.com/a/b/fw.bin")
    assert command.package == FirmwarePackage(
        "Demo firmware", "2.0 beta", "https://example.com/a/b/fw.bin"
    )


def test_the_url_stays_out_of_the_repr() -> None:
    url = "https://user:secret@example.com/fw.bin?token=abc"
    command = parse_command(f"fwupdate /demo-fw/1.0.1/{url}")
    assert command.package is not None
    assert command.package.url == url
    assert "secret" not in repr(command)
