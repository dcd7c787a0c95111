"""The automation editor's Device trigger, condition and action pickers for demo-1 (a demo
device of script/develop): every entry the integration offers, under its translated name,
before the entries Home Assistant makes of the device's entities (on 2026, which sorts every
entry by name, among them)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from .harness.deployment import Deployment
from .harness.screens import Screens
from .harness.strings import text

# What a demo device offers, in the order the integration lists it (see
# tests/ha/test_device_automation_lists.py, which counts the same for the API).
DEMO_ENTRIES = {
    "trigger": (
        "registered",
        "deregistered",
        "went_offline",
        "firmware_update_finished",
        "firmware_update_failed",
    ),
    "condition": ("is_registered", "is_offline"),
    "action": ("reboot", "factory_reset", "execute", "write", "read", "registration_update"),
}


def _open_device_picker(page: Page, kind: str, names: list[str]) -> tuple[Locator, bool]:
    """Add a Device {kind} for demo-1 and open its list once it holds at least as many
    entries as ``names``; the list's entries, and whether it keeps the integration's order."""
    count = len(names)
    page.get_by_role("button", name=f"Add {kind}").first.click()
    dialog = page.locator("add-automation-element-dialog")
    by_type = dialog.get_by_role("button", name="By type")
    device = dialog.get_by_text("Device", exact=True)
    by_type.or_(device).first.wait_for()
    if by_type.count():
        return _open_device_picker_2026(page, dialog, kind, names), False
    device.first.click()
    field = page.locator("ha-device-picker").last.locator("input").first
    field.click()
    field.fill("demo-1")
    page.locator("vaadin-combo-box-item").first.click()
    picker = page.locator(f"ha-device-{kind}-picker").last
    entries = picker.locator("mwc-list-item, ha-list-item")
    entries.nth(count - 1).wait_for(state="attached")
    picker.click()
    entries.first.wait_for()
    return entries, True


def _open_device_picker_2026(page: Page, dialog: Locator, kind: str, names: list[str]) -> Locator:
    """Home Assistant 2026: the dialog opens on targets; Device is a type, added at once and
    edited in the sidebar, whose pickers list every entry sorted by name. The {kind} picker
    opens once it shows the device's first entry, which it selects by itself."""
    dialog.get_by_role("button", name="By type").first.click()
    dialog.get_by_text("Device", exact=True).first.click()
    dialog.locator("ha-automation-add-items ha-list-item-button").first.click()
    device_picker = page.locator("ha-device-picker").last
    device_picker.locator("ha-picker-field").first.click()
    device_picker.locator("ha-picker-combo-box input").first.fill("demo-1")
    device_picker.locator("ha-picker-combo-box ha-combo-box-item").filter(
        has_text="demo-1"
    ).first.click()
    picker = page.locator(f"ha-device-{kind}-picker").last
    picker.locator("ha-picker-field").filter(has_text=names[0]).first.click()
    entries = picker.locator("ha-picker-combo-box ha-combo-box-item")
    entries.nth(len(names) - 1).wait_for()
    return entries


def test_the_device_pickers_list_each_entry_by_its_translated_name(
    home_assistant: Deployment, page: Page, screens: Screens
) -> None:
    page.goto(f"{home_assistant.url}/config/automation/edit/new")
    page.get_by_role("button", name="Add trigger").first.wait_for()
    for kind, types in DEMO_ENTRIES.items():
        names = [text("device_automation", f"{kind}_type", kind_type) for kind_type in types]
        entries, in_order = _open_device_picker(page, kind, names)
        shown = [entry.strip() for entry in entries.all_inner_texts()]
        if in_order:
            assert shown[: len(names)] == names, (kind, shown)
        else:
            assert set(names) <= set(shown), (kind, shown)
        assert not [entry for entry in shown if "lwm2m" in entry.lower() or "_" in entry]
        docs = "automation_device_triggers.png" if kind == "trigger" else None
        screens.capture(f"device-{kind}s", docs=docs)
        if kind == "action":
            entries.get_by_text(names[types.index("write")], exact=True).click()
        else:
            page.keyboard.press("Escape")
    # The write action asks for the resource (demo-1's writable ones) and the value.
    fields = page.locator("ha-automation-action-device_id").last
    for field in ("path", "value"):
        label = text("device_automation", "extra_fields", field)
        # 2026 marks a required field's label with "*", and names a select's field by it.
        shown = fields.get_by_text(re.compile(rf"^{re.escape(label)}\*?$"))
        shown.or_(fields.locator(f'[aria-label="{label}"]')).first.wait_for()
    screens.capture("write-action-fields")
