"""The Devices list with a fleet: 1,000 imported devices beside the registered demo ones.

The times a person waits are measured in the page and written to
``tests/browser/screens/panel-figures.json`` (figures for the README, never asserted).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_socket
from playwright.sync_api import Browser, Page, Playwright, expect

from custom_components.lwm2m.engine import DeviceCredentials, SecurityMode

from .conftest import SCREENS
from .harness.deployment import Deployment, deployment
from .harness.panel import Figures, PanelPage

FLEET = 1000
SHOWN = FLEET + 3  # the three demo devices are registered too
# Finds an element through every shadow root (the panel nests its parts).
DEEP_QUERY = """
function deep(root, selector) {
  const found = root.querySelector(selector);
  if (found) return found;
  for (const element of root.querySelectorAll("*")) {
    if (element.shadowRoot) {
      const inner = deep(element.shadowRoot, selector);
      if (inner) return inner;
    }
  }
  return null;
}
function inList(selector) {
  const list = deep(document, "lwm2m-device-list");
  return list ? list.shadowRoot.querySelector(selector) : null;
}
"""
# From a click to the list showing its count and its first rows.
TIMED_LIST = (
    """([clickSelector, expected]) => {"""
    + DEEP_QUERY
    + """
return new Promise((resolve, reject) => {
  const started = performance.now();
  deep(document, "lwm2m-device-view").shadowRoot.querySelector(clickSelector).click();
  const look = () => {
    const count = inList(".count");
    const row = inList(".device");
    if (count && row && count.textContent.trim() === expected) resolve(performance.now() - started);
    else if (performance.now() - started > 60000) reject(new Error("the list did not show"));
    else requestAnimationFrame(look);
  };
  look();
});
}
"""
)
# From typing into the search box to the filtered list.
TIMED_SEARCH = (
    """([text, expected]) => {"""
    + DEEP_QUERY
    + """
return new Promise((resolve) => {
  const input = inList("input[type=search]");
  const started = performance.now();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
  const look = () => {
    const count = inList(".count");
    if (count && count.textContent.trim() === expected) resolve(performance.now() - started);
    else requestAnimationFrame(look);
  };
  look();
});
}
"""
)
# From scrolling to the end to the last row on the screen.
TIMED_SCROLL = (
    """(last) => {"""
    + DEEP_QUERY
    + """
return new Promise((resolve) => {
  const scroller = inList(".scroller");
  const started = performance.now();
  scroller.scrollTop = scroller.scrollHeight;
  const look = () => {
    const row = inList(`[data-endpoint="${last}"]`);
    if (row) resolve(performance.now() - started);
    else requestAnimationFrame(look);
  };
  look();
});
}
"""
)
# The time since the page's navigation began when the list shows ``expected``.
SHOWN_SINCE_NAVIGATION = (
    """(expected) => {"""
    + DEEP_QUERY
    + """
return new Promise((resolve) => {
  const look = () => {
    const count = inList(".count");
    if (count && count.textContent.trim() === expected) resolve(performance.now());
    else requestAnimationFrame(look);
  };
  look();
});
}
"""
)
FIGURES = Figures()


def fleet_credentials() -> dict[str, object]:
    records = [
        DeviceCredentials(f"fleet-{number:04d}", SecurityMode.NO_SEC, name=f"Meter {number}")
        for number in range(1, FLEET + 1)
    ]
    return {"devices": {record.endpoint: record.to_dict() for record in records}}


@pytest.fixture(scope="module")
def fleet(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    pytest_socket.enable_socket()
    stored = {"lwm2m.credentials": fleet_credentials()}
    with deployment(playwright, tmp_path_factory.mktemp("fleet"), stored=stored) as running:
        yield running
    FIGURES.save(SCREENS)


@pytest.fixture
def fleet_page(fleet: Deployment, browser: Browser) -> Iterator[Page]:
    context = fleet.new_context(browser)
    yield context.new_page()
    context.close()


def test_a_thousand_devices(fleet: Deployment, fleet_page: Page, tmp_path: Path) -> None:
    panel = PanelPage(fleet_page, fleet.url)
    fleet_page.goto(f"{fleet.url}/lwm2m")
    FIGURES.record(
        "list_1000_devices_page_load_ms",
        fleet_page.evaluate(SHOWN_SINCE_NAVIGATION, f"{SHOWN} of {SHOWN} devices"),
    )
    count = fleet_page.locator("lwm2m-device-list .count")
    expect(count).to_have_text(f"{SHOWN} of {SHOWN} devices")
    rendered = panel.device_rows().count()
    assert rendered < 100, f"{rendered} rows in the page: the list should render what is in view"

    panel.device_rows().first.click()  # to a device, then back: the list is built anew
    expect(fleet_page.locator('[data-tab="objects"][aria-selected="true"]')).to_be_visible()
    elapsed = fleet_page.evaluate(
        TIMED_LIST, ['button[aria-label="Back to the devices"]', f"{SHOWN} of {SHOWN} devices"]
    )
    FIGURES.record("list_1000_devices_shown_ms", elapsed)
    FIGURES.record(
        "list_1000_devices_search_ms",
        fleet_page.evaluate(TIMED_SEARCH, ["Meter 99", "11 of 1003 devices"]),
    )
    FIGURES.record(
        "list_1000_devices_search_cleared_ms",
        fleet_page.evaluate(TIMED_SEARCH, ["", f"{SHOWN} of {SHOWN} devices"]),
    )
    FIGURES.record(
        "list_1000_devices_scroll_to_end_ms", fleet_page.evaluate(TIMED_SCROLL, "fleet-1000")
    )
    expect(fleet_page.locator('[data-endpoint="fleet-1000"]')).to_be_visible()
    fleet_page.screenshot(path=tmp_path / "fleet.png")
    (SCREENS / "test_panel_fleet").mkdir(parents=True, exist_ok=True)
    fleet_page.screenshot(path=SCREENS / "test_panel_fleet" / "fleet-end.png")
