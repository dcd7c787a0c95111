"""The LwM2M panel: the Devices list and every tab and action of a device, against the
simulated demo devices, a queue-mode device that stops answering and, where the interop
peers are built, Eclipse Wakaama's client."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from .conftest import SCREENS
from .harness.api import websocket
from .harness.deployment import Deployment
from .harness.flow_dialog import FlowDialog
from .harness.panel import Figures, PanelPage
from .harness.screens import Screens

FIGURES = Figures()


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    FIGURES.save(SCREENS)


@pytest.fixture
def panel(page: Page, home_assistant: Deployment) -> PanelPage:
    return PanelPage(page, home_assistant.url)


def test_the_devices_list(panel: PanelPage, screens: Screens) -> None:
    panel.open_list()
    demo = panel.device_rows().filter(has_text="demo-")
    expect(demo).to_have_count(3)
    listing = screens.capture("devices", docs="panel_devices.png")
    assert listing.shows("Registered")
    total = panel.device_rows().count()  # other tests import devices into the same instance
    assert listing.shows(f"{total} of {total} devices")

    panel.page.get_by_label("Search devices").fill("demo-2")
    expect(panel.device_rows()).to_have_count(1)
    expect(panel.device_rows().first).to_have_attribute("data-endpoint", "demo-2")
    panel.page.get_by_label("Search devices").fill("demo-")
    panel.page.locator('[data-sort="endpoint"]').click()  # ascending already: now descending
    expect(panel.device_rows().first).to_have_attribute("data-endpoint", "demo-3")
    screens.capture("devices-sorted")

    panel.device_rows().first.click()
    expect(panel.page.locator('[data-tab="objects"][aria-selected="true"]')).to_be_visible()
    assert panel.page.url.endswith("/lwm2m/device/demo-3/objects")


def test_reads_and_writes(panel: PanelPage, screens: Screens) -> None:
    panel.open_device("demo-1")
    expect(panel.value("/3/0/0")).to_have_text("Simulated Devices Ltd")
    panel.page.locator('[data-object="3"]').scroll_into_view_if_needed()
    screens.capture("objects", docs="panel_objects.png")
    description = panel.resource("/3/0/0").locator("[title]").first.get_attribute("title")
    assert description is not None
    assert "String" in description

    FIGURES.record("read_click_to_value_ms", panel.timed("/3/0/13", "read", "Read"))
    expect(panel.value("/3/0/13")).not_to_be_empty()
    panel.page.locator('[data-instance="/3303/0"] [data-action="read-instance"]').click()
    expect(panel.page.locator('[data-status="/3303/0"]')).to_have_text("Read")
    panel.page.locator('[data-object="3"] [data-action="read-object"]').click()
    expect(panel.page.locator('[data-status="/3"]')).to_have_text("Read")

    panel.act("/3303/0/5750", "write")
    panel.form().get_by_label("New value of /3303/0/5750").fill("Attic")
    panel.form().locator('[data-action="save"]').click()
    expect(panel.status("/3303/0/5750")).to_have_text("Written")
    expect(panel.value("/3303/0/5750")).to_have_text("Attic")

    panel.act("/3311/0/5851", "write")
    panel.form().get_by_label("New value of /3311/0/5851").fill("250")
    panel.form().locator('[data-action="save"]').click()
    expect(panel.status("/3311/0/5851")).to_contain_text("outside 0..100")
    screens.capture("write-refused")


def test_a_validation_rule_refuses_a_write(
    panel: PanelPage, flow: FlowDialog, home_assistant: Deployment, screens: Screens
) -> None:
    flow.open_options(home_assistant.url)
    flow.choose("device_protocols")
    flow.fill({"object": "3311 Light Control"})
    flow.submit()
    flow.choose("rules_pick")
    flow.fill({"resource": "5750 Application Type"})
    flow.submit()
    flow.fill({"rule_type": "Text", "operator": "Not equals", "value": "Garage"})
    flow.submit()
    flow.submit()
    flow.choose("protocol_done")
    assert flow.step["reason"] == "protocol_saved"

    panel.open_device("demo-1")
    panel.act("/3311/0/5750", "write")
    panel.form().get_by_label("New value of /3311/0/5750").fill("Garage")
    panel.form().locator('[data-action="save"]').click()
    expect(panel.status("/3311/0/5750")).to_contain_text("breaks")
    # The refusal names the rule in the picker's words ("text"), not the stored "string".
    expect(panel.status("/3311/0/5750")).to_contain_text('text ≠ "Garage"')
    screens.capture("rule-refused")


def test_execute_observe_and_attributes(panel: PanelPage, screens: Screens) -> None:
    panel.open_device("demo-1")
    panel.act("/3/0/4", "execute")
    panel.form().get_by_label("Arguments for /3/0/4").fill("0='now'")
    screens.capture("execute-form")
    panel.form().locator('[data-action="run"]').click()
    expect(panel.status("/3/0/4")).to_have_text("Executed")

    dimmer = "/3311/0/5851"
    if panel.resource(dimmer).locator('[data-action="cancel-observation"]').count():
        panel.act(dimmer, "cancel-observation")
        expect(panel.status(dimmer)).to_have_text("Observation cancelled")
    panel.act(dimmer, "observe")
    expect(panel.status(dimmer)).to_have_text("Observing")
    expect(panel.resource(dimmer).locator(".observed")).to_be_visible()
    before = panel.value(dimmer).inner_text()
    expect(panel.value(dimmer)).not_to_have_text(before, timeout=30_000)  # animated every 5 s
    screens.capture("observed")

    panel.act("/3303/0/5700", "attributes")
    panel.form().get_by_label("pmin of /3303/0/5700").fill("1")
    panel.form().get_by_label("pmax of /3303/0/5700").fill("30")
    panel.form().get_by_label("gt of /3303/0/5700").fill("25.5")
    screens.capture("attributes-form")
    panel.form().locator('[data-action="write-attributes"]').click()
    expect(panel.status("/3303/0/5700")).to_have_text(
        "Attributes written (pmin=1, pmax=30, gt=25.5)"
    )

    panel.act(dimmer, "cancel-observation")
    expect(panel.status(dimmer)).to_have_text("Observation cancelled")


def test_create_and_delete_an_instance(panel: PanelPage, screens: Screens) -> None:
    panel.open_device("demo-2")
    temperature = panel.page.locator('[data-object="3303"]')
    temperature.locator('[data-action="create"]').click()
    form = panel.page.locator('[data-create="3303"]')
    form.get_by_label("Application Type").fill("Cellar")
    screens.capture("create-form")
    form.locator('[data-action="create-save"]').click()
    expect(panel.page.locator('[data-instance="/3303/1"]')).to_be_visible()
    expect(panel.value("/3303/1/5750")).to_have_text("Cellar")
    panel.page.locator('[data-instance="/3303/1"] [data-action="delete"]').click()
    expect(panel.page.locator('[data-instance="/3303/1"]')).to_have_count(0)


def test_a_request_for_a_sleeping_device_waits_and_is_cancelled(
    panel: PanelPage, home_assistant: Deployment, screens: Screens
) -> None:
    sleepy = home_assistant.add_devices(1, "sleepy-", queue=True)
    sleepy.kill()  # it stops answering without deregistering
    panel.open_device("sleepy-1")
    panel.act("/3/0/0", "read")  # unanswered: the device is taken to sleep, the read waits
    expect(panel.page.locator(".toolbar .badge")).to_have_text("Asleep")
    panel.tab("operations")
    pending = panel.page.locator('[data-section="pending"] [data-request]')
    mine = pending.filter(has_text="/3/0/0")
    expect(mine).to_have_count(1)
    screens.capture("pending", docs="panel_operations.png")
    mine.locator('[data-action="cancel-request"]').click()
    expect(mine).to_have_count(0)
    history = panel.page.locator('[data-section="history"]')
    expect(history).to_contain_text("cancelled")
    screens.capture("cancelled")


def test_the_history(panel: PanelPage, screens: Screens) -> None:
    panel.open_device("demo-1", "operations")
    history = panel.page.locator('[data-section="history"]')
    expect(history).to_contain_text("Write attributes")
    expect(history).to_contain_text("/3303/0/5750")
    expect(history).to_contain_text("Installer")  # the user who asked
    expect(history.locator("td.ok").first).to_have_text(re.compile(r"2\.0\d"))
    screens.capture("history")


def test_the_shell(panel: PanelPage, screens: Screens) -> None:
    panel.open_device("demo-1", "shell")
    prompt = panel.page.get_by_label("Shell command")
    prompt.fill("read /3/0/0")
    prompt.press("Enter")
    output = panel.page.locator("lwm2m-shell-tab .output")
    expect(output).to_contain_text("Simulated Devices Ltd")
    prompt.fill("write /3303/0/5750 Kitchen")
    prompt.press("Enter")
    expect(output).to_contain_text('"command": "write"')
    prompt.fill("jump /3")
    prompt.press("Enter")
    expect(output).to_contain_text("jump")
    expect(panel.page.locator("lwm2m-shell-tab .output .error")).to_have_count(1)

    prompt.press("ArrowUp")
    expect(prompt).to_have_value("jump /3")
    prompt.press("ArrowUp")
    expect(prompt).to_have_value("write /3303/0/5750 Kitchen")

    prompt.fill("rea")
    prompt.press("Tab")
    expect(prompt).to_have_value("read ")
    prompt.fill("read /331")
    prompt.press("Tab")
    expect(prompt).to_have_value("read /3311")
    prompt.fill("read /3311/0/585")
    prompt.press("Tab")
    expect(panel.page.locator("[data-hint]")).to_contain_text("/3311/0/5850")
    prompt.fill("read /3311/0/5851")
    prompt.press("Enter")
    expect(output).to_contain_text('"/3311/0/5851"')
    screens.capture("shell", docs="panel_shell.png")


def test_bootstrap_parameters(panel: PanelPage, screens: Screens) -> None:
    panel.open_device("demo-3", "bootstrap")
    tab = panel.page.locator("lwm2m-bootstrap-tab")
    key = tab.get_by_label("lwm2m psk_key")
    expect(key).to_have_attribute("type", "password")
    tab.get_by_label("NAME").fill("Boiler room")
    tab.get_by_label("registrationLifetime").fill("600")
    tab.locator('[data-action="save-bootstrap"]').click()
    expect(tab.locator("[data-message]")).to_contain_text("Saved")

    tab.get_by_label("securityMode").fill("PSK")
    key.fill("zz")
    tab.locator('[data-action="save-bootstrap"]').click()
    expect(tab.locator('[data-problem="lwm2m psk_key"]')).to_be_visible()
    expect(tab.locator('[data-problem="lwm2m psk_id"]')).to_be_visible()
    problems = tab.locator("[data-problem]").all_inner_texts()
    assert all("zz" not in text for text in problems)  # a key never comes back
    screens.capture("bootstrap-problems")

    panel.open_device("demo-3", "bootstrap")
    expect(tab.get_by_label("NAME")).to_have_value("Boiler room")
    expect(tab.get_by_label("securityMode")).to_have_value("NO_SEC")  # nothing was saved
    screens.capture("bootstrap", docs="panel_bootstrap.png")
    tab.locator('[data-action="bootstrap-again"]').click()
    expect(tab.locator("[data-message]")).to_contain_text("/1/0/9 executed")


def test_audit_compare_and_sync(panel: PanelPage, screens: Screens) -> None:
    panel.open_device("demo-2", "audit")
    websocket(
        panel.page,
        {"type": "lwm2m/write", "endpoint": "demo-3", "path": "/3303/0/5750", "value": "Loft"},
    )
    tab = panel.page.locator("lwm2m-audit-tab")
    tab.get_by_label("Reference device").select_option("demo-3")
    tab.locator('[data-action="compare"]').click()
    instance = tab.locator('tr[data-instance="/3303/0"]')
    expect(instance).to_be_visible()
    instance.click()
    row = tab.locator('tr[data-path="/3303/0/5750"]')
    expect(row).to_contain_text("Loft")
    row.get_by_label("Sync /3303/0/5750").check()
    screens.capture("audit", docs="panel_audit.png")
    tab.locator('[data-action="sync"]').click()
    expect(tab.locator('[data-result="/3303/0/5750"]')).to_have_text("Synced")
    screens.capture("audit-synced")
    panel.tab("objects")
    expect(panel.value("/3303/0/5750")).to_have_text("Loft")


def test_a_wakaama_device(panel: PanelPage, home_assistant: Deployment, screens: Screens) -> None:
    home_assistant.add_wakaama("wakaama-1")
    panel.open_list()
    expect(panel.page.locator('[data-endpoint="wakaama-1"]')).to_be_visible()
    panel.open_device("wakaama-1")
    panel.act("/3/0/0", "read")
    expect(panel.value("/3/0/0")).to_have_text("Open Mobile Alliance")
    panel.page.locator('[data-instance="/31024/10"] [data-action="read-instance"]').click()
    panel.act("/31024/10/1", "write")
    panel.form().get_by_label("New value of /31024/10/1").fill("77")
    panel.form().locator('[data-action="save"]').click()
    expect(panel.status("/31024/10/1")).to_have_text("Written")
    panel.act("/31024/10/1", "read")
    expect(panel.value("/31024/10/1")).to_have_text("77")
    screens.capture("wakaama-objects")
    panel.tab("shell")  # /31024 has no definition here: its executable resource is typed in
    prompt = panel.page.get_by_label("Shell command")
    prompt.fill("execute /31024/10/2 5")
    prompt.press("Enter")
    expect(panel.page.locator("lwm2m-shell-tab .output")).to_contain_text('"command": "execute"')
    expect(panel.page.locator("lwm2m-shell-tab .output .error")).to_have_count(0)
    panel.tab("operations")
    expect(panel.page.locator('[data-section="history"]')).to_contain_text("/31024/10/1")


def test_dark_mode_follows_home_assistant(panel: PanelPage, screens: Screens) -> None:
    panel.page.emulate_media(color_scheme="dark")  # Home Assistant's default theme follows it
    panel.open_list()
    card = panel.page.locator("lwm2m-device-list .card")
    background = card.evaluate("card => getComputedStyle(card).backgroundColor")
    text = card.evaluate("card => getComputedStyle(card).color")
    assert _luminance(background) < 0.2, background
    assert _luminance(text) > 0.6, text
    screens.capture("devices-dark")


def _luminance(css_color: str) -> float:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255
