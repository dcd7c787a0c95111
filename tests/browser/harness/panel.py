"""The LwM2M panel as a test drives it: its pages, a device's tabs, its rows and buttons.

Playwright's CSS locators pierce the panel's shadow roots, so a locator names what a
person sees: a resource row by its path, a button by its action.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Locator, Page, expect

TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)  # a loaded machine may take seconds for a first page
# Clicks a button in a row and waits, in the page, for the row's status to read ``done``:
# the time between them is what a person waits for the answer (no test tooling in it).
TIMED_CLICK = """
(row, [action, done]) => new Promise((resolve, reject) => {
  const button = row.querySelector(`[data-action="${action}"]`);
  const started = performance.now();
  button.click();
  const deadline = started + 30000;
  const look = () => {
    const status = row.querySelector("[data-status]");
    if (status && status.textContent.trim() === done) resolve(performance.now() - started);
    else if (performance.now() > deadline) reject(new Error(`no "${done}" in ${row.dataset.path}`));
    else requestAnimationFrame(look);
  };
  look();
})
"""


@dataclass
class Figures:
    """Measurements of the run, written beside the screenshots (never asserted)."""

    values: dict[str, float] = field(default_factory=dict)

    def record(self, name: str, milliseconds: float) -> None:
        self.values[name] = round(milliseconds, 1)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "panel-figures.json"
        known = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps({**known, **self.values}, indent=2))


class PanelPage:
    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        page.set_default_timeout(TIMEOUT_MS)
        page.on("dialog", lambda dialog: dialog.accept())

    def open_list(self) -> None:
        self.page.goto(f"{self.url}/lwm2m")
        expect(self.page.locator("lwm2m-device-list .device").first).to_be_visible()

    def device_rows(self) -> Locator:
        return self.page.locator("lwm2m-device-list .device")

    def open_device(self, endpoint: str, tab: str = "objects") -> None:
        self.page.goto(f"{self.url}/lwm2m/device/{quote(endpoint)}/{tab}")
        expect(self.page.locator(f'[data-tab="{tab}"][aria-selected="true"]')).to_be_visible()

    def tab(self, name: str) -> None:
        self.page.locator(f'[data-tab="{name}"]').click()
        expect(self.page.locator(f'[data-tab="{name}"][aria-selected="true"]')).to_be_visible()

    def resource(self, path: str) -> Locator:
        return self.page.locator(f'lwm2m-objects-tab tr[data-path="{path}"]')

    def value(self, path: str) -> Locator:
        return self.page.locator(f'lwm2m-objects-tab [data-value="{path}"]')

    def status(self, path: str) -> Locator:
        return self.page.locator(f'lwm2m-objects-tab [data-status="{path}"]')

    def act(self, path: str, action: str) -> None:
        self.resource(path).locator(f'[data-action="{action}"]').click()

    def timed(self, path: str, action: str, done: str) -> float:
        """Milliseconds from the click on ``action`` to the row's status reading ``done``."""
        elapsed: float = self.resource(path).evaluate(TIMED_CLICK, [action, done])
        return elapsed

    def form(self) -> Locator:
        return self.page.locator("lwm2m-objects-tab .form")
