"""The screen checks on text as the browser reads it (no browser needed)."""

from __future__ import annotations

from .harness.checks import Block, Heading, ScreenContent, check


def findings(**content: object) -> list[str]:
    return check("screen", ScreenContent(**content)).findings  # type: ignore[arg-type]


def test_a_clean_screen_has_no_findings() -> None:
    screen = ScreenContent(
        lines=("Device protocol", "Entities and observation"),
        headings=(Heading("h2", "Device protocol"),),
        items=("Entities and observation",),
        markdown=((Block("p", "3303 Temperature: the protocol applies."),),),
    )
    assert check("screen", screen).findings == []
    assert check("screen", screen).checks == 5


def test_a_translation_error_and_its_placeholder() -> None:
    title = 'Translation Error: The intl string context variable "object" was not provided'
    found = findings(lines=(title + ' to the string "Device protocol of {object}"',))
    assert any(finding.startswith("translation error") for finding in found)
    assert any("unfilled placeholder '{object}'" in finding for finding in found)


def test_raw_translation_keys() -> None:
    found = findings(
        lines=("component.lwm2m.options.step.init.title",), items=("import_credentials",)
    )
    assert found == [
        "raw translation key: 'component.lwm2m.options.step.init.title'",
        "raw translation key: 'import_credentials'",
    ]
    assert findings(lines=("sensor.demo_1_temperature", "c8y_Temperature")) == []


def test_headings_over_nothing_empty_bullets_and_dashes() -> None:
    found = findings(
        markdown=(
            (Block("h2", "Configured resources:"),),
            (Block("p", "Problems (0):"), Block("ul", items=1), Block("li", "")),
            (Block("p", "Imported so far: -"),),
        )
    )
    assert found == [
        "heading with nothing under it: 'Configured resources:'",
        "heading of an empty list: 'Problems (0):'",
        "empty bullet",
        "a dash or nothing standing for an empty value: 'Imported so far: -'",
    ]
    assert findings(markdown=((Block("p", "Rows:"), Block("ul", items=1), Block("li", "a")),)) == []


def test_cut_and_empty_titles() -> None:
    found = findings(
        headings=(Heading("h2", "Validation rules of /3303/…", cut=True), Heading("h2", ""))
    )
    assert found == ["empty heading <h2>", "title cut off: 'Validation rules of /3303/…'"]


def test_allowed_findings_are_dropped() -> None:
    screen = ScreenContent(items=("no_error",))
    assert check("screen", screen, allowed=("no_error",)).findings == []
