"""Driving Home Assistant's flow dialog (config, options and reconfigure flows) as a user.

Fields are named by their keys in the flow's schema (``("alarm", "severity")`` inside a
section); the dialog finds the element Home Assistant's form renders for that key and types,
picks, switches or uploads the way a user does. Menu options are clicked by their English
label from ``strings.json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from playwright.sync_api import ElementHandle, Locator, Page

from .strings import menu_label

DIALOG = "dialog-data-entry-flow"
FIND_FIELD = """(dialog, path) => {
  function* deep(node) {
    const children = [...(node.shadowRoot ? node.shadowRoot.children : []), ...node.children];
    for (const child of children) { yield child; yield* deep(child); }
  }
  let scope = dialog;
  for (const name of path) {
    let found = null;
    for (const el of deep(scope)) {
      if (el.schema && !Array.isArray(el.schema) && el.schema.name === name) { found = el; break; }
    }
    if (!found) return null;
    scope = found;
  }
  return scope;
}"""
STEP = (
    "dialog => dialog._step ? {step_id: dialog._step.step_id, type: dialog._step.type,"
    " errors: dialog._step.errors, reason: dialog._step.reason} : null"
)


class FlowDialog:
    """The flow dialog on ``page``; ``flow`` is "config" or "options" (for the labels)."""

    def __init__(self, page: Page, flow: str = "options") -> None:
        self.page = page
        self.flow = flow
        self.dialog: Locator = page.locator(DIALOG)

    # Where the flow is

    @property
    def step(self) -> dict[str, Any]:
        step = self.dialog.evaluate(STEP)
        assert step is not None, "no flow step is shown"
        return dict(step)

    @property
    def step_id(self) -> str:
        return str(self.step["step_id"])

    @property
    def errors(self) -> dict[str, str]:
        return dict(self.step.get("errors") or {})

    def _mark(self) -> None:
        self.dialog.evaluate("dialog => { dialog.__harnessStep = dialog._step; }")

    def _wait_for_next_step(self) -> None:
        self.page.wait_for_function(
            f"() => {{ const d = document.querySelector('home-assistant').shadowRoot"
            f".querySelector('{DIALOG}'); return d && d._step && !d._loading"
            f" && d._step !== d.__harnessStep; }}"
        )
        self.page.wait_for_timeout(250)  # the dialog's resize transition

    # Starting a flow

    def open_options(self, base_url: str) -> None:
        """The integration page's Configure button: the options flow's first step."""
        self.page.goto(f"{base_url}/config/integrations/integration/lwm2m")
        self.page.get_by_role("button", name="Configure").first.click()
        self.dialog.locator("step-flow-menu, step-flow-form, step-flow-abort").first.wait_for()
        self.page.wait_for_timeout(250)

    def open_setup(self, base_url: str, domain: str = "lwm2m") -> None:
        """Add integration → LwM2M: the config flow's first step."""
        self.flow = "config"
        self.page.goto(f"{base_url}/config/integrations/dashboard/add?domain={domain}")
        # "Set up LwM2M?" → OK: the actions' last button, the footer's primary one on 2026.
        self.page.locator("dialog-box").locator(
            "[slot=actions] mwc-button, [slot=actions] ha-button, ha-button[slot=primaryAction]"
        ).last.click()
        self.dialog.locator("step-flow-form, step-flow-abort").first.wait_for()
        self.page.wait_for_timeout(250)

    def open_reconfigure(self, base_url: str) -> None:
        """The entry's menu on the integration page → Reconfigure."""
        self.flow = "config"
        self.page.goto(f"{base_url}/config/integrations/integration/lwm2m")
        self.page.locator(
            "ha-md-list-item ha-md-button-menu ha-icon-button,"
            " ha-config-entry-row ha-dropdown ha-icon-button[slot=trigger]"
        ).first.click()
        self.page.locator("ha-md-menu-item, ha-dropdown-item").filter(
            has_text="Reconfigure"
        ).first.click()
        self.dialog.locator("step-flow-form, step-flow-abort").first.wait_for()
        self.page.wait_for_timeout(250)

    # Acting on the current step

    def choose(self, option: str) -> None:
        """Click the menu option ``option`` (its key) by its label."""
        label = menu_label(self.flow, self.step_id, option)
        self._mark()
        self.dialog.locator("step-flow-menu mwc-list-item, step-flow-menu ha-list-item").filter(
            has_text=label
        ).first.click()
        self._wait_for_next_step()

    def field(self, *path: str) -> ElementHandle:
        handle = self.dialog.evaluate_handle(FIND_FIELD, list(path)).as_element()
        assert handle is not None, f"no field {'/'.join(path)} on step {self.step_id}"
        return handle

    def fill(self, values: Mapping[str | Sequence[str], Any]) -> None:
        """Enter ``values`` by field key (a tuple of keys for a field inside a section)."""
        for key, value in values.items():
            path = (key,) if isinstance(key, str) else tuple(key)
            if len(path) > 1:
                self._expand(path[0])
            self._enter(self.field(*path), value)

    def _expand(self, section: str) -> None:
        panel = self.field(section).query_selector("ha-expansion-panel")
        if panel is not None and not panel.evaluate("p => p.expanded"):
            panel.query_selector(".summary, #summary").click()  # type: ignore[union-attr]
            self.page.wait_for_timeout(300)

    def _enter(self, field: ElementHandle, value: Any) -> None:
        kind = field.evaluate(
            "el => el.schema.selector ? Object.keys(el.schema.selector)[0] : el.schema.type"
        )
        config = field.evaluate(
            "el => el.schema.selector ? Object.values(el.schema.selector)[0] || {} : {}"
        )
        if kind == "file":
            self._upload(field, value)
        elif kind == "boolean":
            switch = field.query_selector("ha-switch")
            assert switch is not None
            if bool(switch.evaluate("s => s.checked")) != bool(value):
                switch.click()
        elif kind == "select" and config.get("custom_value"):
            self._combo(field, str(value))
        elif kind == "select" and config.get("multiple"):
            for item in value:
                self._pick_many(field, str(item))
        elif kind == "select":
            self._pick(field, str(value))
        else:
            box = field.query_selector("input, textarea")
            assert box is not None, f"no input in {kind} field"
            box.fill("" if value is None else str(value))
        self.page.wait_for_timeout(100)

    def _upload(self, field: ElementHandle, file: Path | None) -> None:
        box = field.query_selector("input[type=file]")
        assert box is not None
        if file is None:
            return
        with self.page.expect_response(lambda response: "/api/file_upload" in response.url):
            box.set_input_files(str(file))
        self.page.wait_for_timeout(200)

    def _pick(self, field: ElementHandle, label: str) -> None:
        """A dropdown: open it, click the option; a list: click the radio button's label."""
        dropdown = field.query_selector("ha-select")
        if dropdown is None:
            option = field.query_selector(
                f"ha-formfield:has-text({label!r}), ha-radio-option:has-text({label!r})"
            )
            assert option is not None, f"no option {label!r}"
            option.click()
            return
        dropdown.click()
        item = dropdown.wait_for_selector(
            f"mwc-list-item:has-text({label!r}), ha-list-item:has-text({label!r}), "
            f"ha-dropdown-item:has-text({label!r})",
            state="visible",
        )
        assert item is not None
        item.click()

    def _pick_many(self, field: ElementHandle, label: str) -> None:
        check = field.query_selector(
            f"ha-formfield:has-text({label!r}) ha-checkbox, ha-checkbox:has-text({label!r})"
        )
        if check is not None:
            if not check.evaluate("c => c.checked"):
                check.click()
            return
        self._combo(field, label)

    def _combo(self, field: ElementHandle, text: str) -> None:
        """A searchable picker: type, then click the first match."""
        box = field.query_selector("ha-combo-box input, vaadin-combo-box-light input")
        if box is None:
            self._search_picker(field, text)
            return
        box.click()
        box.fill(text)
        item = self.page.wait_for_selector(
            f"vaadin-combo-box-item:has-text({text!r})", state="visible"
        )
        assert item is not None
        item.click()

    def _search_picker(self, field: ElementHandle, text: str) -> None:
        """The 2026 frontend's searchable picker: open its popover, search, click the first
        match (a typed custom value is offered last)."""
        opener = field.query_selector(
            "ha-generic-picker ha-picker-field, ha-generic-picker ha-button"
        )
        assert opener is not None, "no searchable picker"
        opener.click()
        search = field.wait_for_selector(
            "ha-picker-combo-box ha-input-search input", state="visible"
        )
        assert search is not None
        search.fill(text)
        item = field.wait_for_selector(
            f"ha-picker-combo-box .combo-box-row:has-text({text!r})", state="visible"
        )
        assert item is not None
        item.click()

    def submit(self) -> None:
        self._mark()
        self._step_button().click()
        self._wait_for_next_step()

    def _step_button(self) -> Locator:
        """The button that submits a form or closes an abort: in the dialog's footer since
        the 2026 frontend (a step's own buttons, such as a file field's, are not it), in the
        step before."""
        footer = self.dialog.locator("ha-dialog-footer ha-button")
        if footer.count():
            return footer.last
        return self.dialog.locator(
            "step-flow-form mwc-button, step-flow-form ha-button, step-flow-abort mwc-button"
        ).last

    def close(self) -> None:
        self.dialog.locator("ha-icon-button[dialogaction=cancel], ha-icon-button").last.click()
        self.page.wait_for_timeout(250)
