"""Screens of a test: each one read, checked, photographed; frontend errors collected."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Error, Locator, Page

from .checks import ScreenContent, Verdict, check
from .home_assistant import lines_after

PAGE_TEXT = (Path(__file__).with_name("page_text.js")).read_text(encoding="utf-8")
# Home Assistant's proxy of map tiles (since 2026); its requests go out to the internet.
MAP_TILES = "/api/map_tiles/"
# Its proxy of integration brand icons (since 2026); 404 for those it cannot fetch offline.
BRAND_ICONS = "/api/brands/"
# Where the frontend looks for the sources of a page error's stack to log it; never served.
# The page error itself is reported.
STACK_SOURCES = "/unknown/node_modules/"
# A race in Home Assistant's own frontend at page load, whatever the integrations: the default
# dashboard, whose code every page loads, can read the core configuration before it arrived.
FRONTEND_START_RACE = "Cannot read properties of null (reading 'recovery_mode')"
FRONTEND_LOGGER = re.compile(r"\[frontend\.js[^\]]*\] (?P<message>.*)")
INTEGRATION_ERROR = re.compile(r" ERROR \([^)]*\) \[(?P<logger>[^\]]*)\] (?P<message>.*lwm2m.*)")
FLOW_DIALOG = "dialog-data-entry-flow"
SHOWING_TIMEOUT = 30.0


@dataclass
class Tally:
    """Screens and checks of the whole run, for the summary line."""

    screens: int = 0
    checks: int = 0
    findings: list[str] = field(default_factory=list)


class Screens:
    """Reads, checks and photographs the screens one test shows.

    ``capture`` reads the open flow dialog if there is one, else the whole page, runs every
    check of ``checks.py`` on it, saves ``<folder>/<test>/<NN>-<name>.png``, and collects
    the frontend errors Home Assistant logged and the browser reported meanwhile.
    """

    def __init__(
        self, page: Page, folder: Path, log_path: Path, base_url: str, tally: Tally
    ) -> None:
        self.page = page
        self.folder = folder
        self.base_url = base_url
        self.tally = tally
        self.findings: list[str] = []
        self.verdicts: list[Verdict] = []
        self.docs: Path | None = None  # set: pictures named for docs/ are refreshed there
        self._log_path = log_path
        self._log_offset = log_path.stat().st_size if log_path.exists() else 0
        self._console: list[str] = []
        page.on("console", self._console_message)
        page.on("pageerror", self._page_error)

    def _page_error(self, error: Error) -> None:
        if error.message != FRONTEND_START_RACE:
            self._console.append(f"page error: {error.message}")

    def _console_message(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        # Requests off this Home Assistant (brand icons, map tiles) are refused on purpose, and
        # so fail the map tiles and brand icons that Home Assistant 2026 fetches for the browser
        # (its /api/map_tiles/ answers 502 Bad Gateway, its /api/brands/ 404, offline).
        offline = not source.startswith(self.base_url) or source.startswith(
            (f"{self.base_url}{MAP_TILES}", f"{self.base_url}{BRAND_ICONS}")
        )
        offline = offline or source.startswith(f"{self.base_url}{STACK_SOURCES}")
        if message.text.startswith("Failed to load resource") and offline:
            return
        where = f" ({source})" if source else ""
        self._console.append(f"browser console: {message.text.splitlines()[0]}{where}")

    def capture(
        self,
        name: str,
        *,
        root: Locator | None = None,
        allowed: Iterable[str] = (),
        docs: str | None = None,
        showing: str | None = None,
    ) -> ScreenContent:
        """Check and photograph what the page shows now (also as ``docs/<docs>`` when the
        run refreshes the documentation's pictures). With ``showing``, wait until the
        screen shows that text first: a page that flips between states (an entry retrying
        its setup) is read in the state the test is about."""
        self.page.wait_for_load_state("networkidle")
        content = self._read(root)
        deadline = time.monotonic() + SHOWING_TIMEOUT
        while showing is not None and not content.shows(showing):
            if time.monotonic() > deadline:
                break  # the test's own assertion says what is missing
            self.page.wait_for_timeout(200)
            content = self._read(root)
        verdict = check(name, content, allowed)
        verdict.findings += self._frontend_errors()
        verdict.checks += 1
        self.verdicts.append(verdict)
        self.findings += [f"{name}: {finding}" for finding in verdict.findings]
        self.tally.screens += 1
        self.tally.checks += verdict.checks
        self.tally.findings += [f"{name}: {finding}" for finding in verdict.findings]
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.folder / f"{len(self.verdicts):02d}-{name}.png")
        if docs is not None and self.docs is not None:
            self.page.screenshot(path=self.docs / docs)
        return content

    def _read(self, root: Locator | None) -> ScreenContent:
        target = root if root is not None else self._default_root()
        return ScreenContent.from_page(target.evaluate(PAGE_TEXT))

    def _default_root(self) -> Locator:
        dialog = self.page.locator(FLOW_DIALOG)
        if dialog.count() and dialog.locator("ha-dialog").count():
            return dialog.locator("ha-dialog").first
        return self.page.locator("home-assistant")

    def _frontend_errors(self) -> list[str]:
        lines, self._log_offset = lines_after(self._log_path, self._log_offset)
        found = [
            f"frontend error in Home Assistant's log: {match['message']}"
            for line in lines
            if (match := FRONTEND_LOGGER.search(line))
        ]
        found += [
            f"error in Home Assistant's log ({match['logger']}): {match['message']}"
            for line in lines
            if (match := INTEGRATION_ERROR.search(line)) and not FRONTEND_LOGGER.search(line)
        ]
        found += self._console
        self._console = []
        return found

    def report(self) -> str:
        return json.dumps([verdict.__dict__ for verdict in self.verdicts], indent=2)
