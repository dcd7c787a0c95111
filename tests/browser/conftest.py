"""Browser tests: a real Home Assistant with the integration and simulated devices, driven
through Debian's Chromium. One Home Assistant serves the whole session; a module that needs
one of its own (the first setup) starts it with ``deployment()``.

Fixtures: ``home_assistant`` (the running deployment), ``page`` (a signed-in page),
``screens`` (checks and photographs each screen; a test fails on any finding) and ``flow``
(the flow dialog). Screenshots go to ``tests/browser/screens/`` (not committed);
``LWM2M_DOCS_SCREENSHOTS=1`` also refreshes the pictures in ``docs/``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import pytest_socket
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from .harness.deployment import Deployment, deployment, launch_browser
from .harness.flow_dialog import FlowDialog
from .harness.screens import Screens, Tally

SCREENS = Path(__file__).with_name("screens")
DOCS = Path(__file__).resolve().parents[2] / "docs"
TALLY = Tally()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Browser tests talk to Home Assistant's processes over loopback."""


# Playwright's synchronous API keeps its own event loop running in this thread while the
# package's tests run: the Home Assistant test plugin's per-test event loop checks cannot
# run beside it (these tests have no event loop of their own to check).
@pytest.fixture(autouse=True)
def verify_cleanup() -> None:
    """No per-test event loop to verify."""


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """No per-test event loop to debug."""


@pytest.fixture(autouse=True)
def configure_event_loop() -> None:
    """No per-test event loop to configure (the newest releases of the plugin do)."""


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    pytest_socket.enable_socket()  # set up inside a test whose sockets are off
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_browser(playwright)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def home_assistant(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """Home Assistant with the LwM2M entry (open policy) and demo-1 .. demo-3 registered."""
    pytest_socket.enable_socket()
    with deployment(playwright, tmp_path_factory.mktemp("home-assistant")) as running:
        yield running


@pytest.fixture
def page(home_assistant: Deployment, browser: Browser) -> Iterator[Page]:
    context = home_assistant.new_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screens(request: pytest.FixtureRequest, page: Page, home_assistant: Deployment) -> Screens:
    """Each test's screens; the test fails when any of them has a finding."""
    folder = SCREENS / request.node.module.__name__.rpartition(".")[2] / request.node.name
    result = Screens(
        page, folder, home_assistant.home_assistant.log_path, home_assistant.url, TALLY
    )
    if os.environ.get("LWM2M_DOCS_SCREENSHOTS"):
        result.docs = DOCS
    request.node.stash[SCREENS_KEY] = result
    return result


@pytest.fixture
def flow(page: Page) -> FlowDialog:
    return FlowDialog(page)


SCREENS_KEY = pytest.StashKey[Screens]()


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """A test that went through fails on the findings of its screens."""
    result = yield
    screens = pyfuncitem.stash.get(SCREENS_KEY, None)
    if screens is not None and screens.findings:
        raise AssertionError(
            f"{len(screens.findings)} finding(s) on the screens:\n- "
            + "\n- ".join(screens.findings)
        )
    return result


def pytest_sessionstart(session: pytest.Session) -> None:
    if not _is_worker(session.config):
        for old in SCREENS.glob("tally-*.json"):
            old.unlink()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Each process's tally in a file of its own: the summary adds them up."""
    if TALLY.screens:
        SCREENS.mkdir(exist_ok=True)
        name = getattr(session.config, "workerinput", {}).get("workerid", "main")
        (SCREENS / f"tally-{name}.json").write_text(
            json.dumps(
                {"screens": TALLY.screens, "checks": TALLY.checks, "findings": TALLY.findings}
            )
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _is_worker(terminalreporter.config):
        return
    tallies = [json.loads(path.read_text()) for path in sorted(SCREENS.glob("tally-*.json"))]
    if not tallies:
        return
    total = {
        "screens": sum(tally["screens"] for tally in tallies),
        "checks": sum(tally["checks"] for tally in tallies),
        "findings": [finding for tally in tallies for finding in tally["findings"]],
    }
    terminalreporter.write_line(
        f"browser: {total['screens']} screens, {total['checks']} checks, "
        f"{len(total['findings'])} findings; screenshots in {SCREENS}"
    )
    (SCREENS / "summary.json").write_text(json.dumps(total, indent=2))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")
