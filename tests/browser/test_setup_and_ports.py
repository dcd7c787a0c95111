"""The first setup on a Home Assistant without the integration: a taken port found before
the entry is made, a pending device accepted, and a port taken away at startup (as Shelly's
CoIoT listener takes UDP 5683) repaired with Reconfigure."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import pytest_socket
from playwright.sync_api import Page, Playwright

from .harness.api import websocket
from .harness.deployment import Deployment, deployment
from .harness.devices import SimulatedDevices
from .harness.flow_dialog import FlowDialog
from .harness.home_assistant import free_udp_ports, held_udp_port
from .harness.screens import Screens


@pytest.fixture(scope="module")
def home_assistant(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """A Home Assistant of this module's own, onboarded, without the integration."""
    pytest_socket.enable_socket()  # set up before the first test's socket_enabled
    with deployment(playwright, tmp_path_factory.mktemp("fresh"), with_entry=False) as running:
        yield running


def _entry_id(home_assistant: Deployment) -> str:
    entry = home_assistant.api.entry()
    assert entry is not None
    return str(entry["entry_id"])


def test_first_setup_finds_a_taken_port_and_proposes_a_free_one(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens
) -> None:
    coaps, bootstrap, bootstraps = free_udp_ports(3)
    with held_udp_port() as taken:
        flow.open_setup(home_assistant.url)
        assert flow.step_id == "user"
        screens.capture("setup", docs="setup.png")
        flow.fill(
            {
                "bind_address": "127.0.0.1",
                "coap_port": taken,
                "coaps_port": coaps,
                "bootstrap_port": bootstrap,
                "bootstraps_port": bootstraps,
                "server_uri": f"coap://127.0.0.1:{taken}",
                "security_policy": "Pending: unknown devices wait until you accept them",
            }
        )
        flow.submit()
        assert flow.errors == {"coap_port": "port_in_use_by"}
        refused = screens.capture("port-taken")
        assert refused.shows(f"UDP port {taken}")
        assert refused.shows(f"process {os.getpid()}")
        proposed = int(flow.field("coap_port").query_selector("input").input_value())  # type: ignore[union-attr]
        assert proposed != taken
        flow.fill({"server_uri": f"coap://127.0.0.1:{proposed}"})
        flow.submit()
    assert flow.step["type"] == "create_entry"
    screens.capture("created")
    home_assistant.ports.update(
        coap_port=proposed, coaps_port=coaps, bootstrap_port=bootstrap, bootstraps_port=bootstraps
    )


def test_a_pending_device_is_accepted(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens
) -> None:
    devices = SimulatedDevices(
        home_assistant.ports["coap_port"], 1, "field-", home_assistant.config_dir / "field.log"
    )
    devices.start()
    try:
        flow.open_options(home_assistant.url)
        home_assistant.api.wait_for(
            "field-1 to wait for acceptance",
            lambda: "field-1" in (home_assistant.config_dir / "home-assistant.log").read_text(),
        )
        flow.choose("pending")
        screens.capture("pending")
        flow.fill({"endpoint": "field-1", "decision": "Accept"})
        flow.submit()
        assert flow.step["reason"] == "pending_accepted"
        screens.capture("accepted")
        # Stopped while its registration is in flight, the device would not deregister and
        # the next test would find field-1 still registered.
        home_assistant.api.wait_for(
            "field-1 to see its registration answered",
            lambda: devices.registrations("field-1") == 1,
        )
    finally:
        devices.stop()
    home_assistant.api.wait_for(
        "field-1 to deregister",
        lambda: home_assistant.logged("field-1 is unavailable: deregistered") == 1,
    )


def test_a_port_taken_at_startup_is_repaired_with_reconfigure(
    home_assistant: Deployment, page: Page, flow: FlowDialog, screens: Screens
) -> None:
    """As after a restart with Shelly's CoIoT listener on the port: the entry retries and
    names only that port and its owner, a repair issue says so, and Reconfigure moves the
    server to a free port, where script/develop's demo devices follow it."""
    entry_id = _entry_id(home_assistant)
    port = home_assistant.ports["coap_port"]
    log = home_assistant.config_dir / "following.log"
    # field-1, accepted before: the entry lets only accepted devices in.
    demo = SimulatedDevices.following(
        home_assistant.config_dir, home_assistant.home_assistant.pid, 1, "field-", log
    )
    deregistered = "field-1 is unavailable: deregistered"
    deregistrations = home_assistant.logged(deregistered)
    demo.start()
    try:
        home_assistant.api.wait_for(
            "the demo devices to register", lambda: demo.registrations("field-1") == 1
        )
        home_assistant.wait_registered("field-1")
        _signed_in(page, home_assistant)
        websocket(
            page, {"type": "config_entries/disable", "entry_id": entry_id, "disabled_by": "user"}
        )
        with held_udp_port(port):
            websocket(
                page, {"type": "config_entries/disable", "entry_id": entry_id, "disabled_by": None}
            )
            home_assistant.api.wait_for(
                "the entry to retry",
                lambda: (home_assistant.api.entry() or {}).get("state") == "setup_retry",
            )
            home_assistant.api.wait_for(
                "the demo devices to name the port's owner",
                lambda: f"UDP port {port} is held by" in log.read_text(encoding="utf-8"),
            )
            assert f"(process {os.getpid()}), not by Home Assistant" in log.read_text("utf-8")
            page.goto(f"{home_assistant.url}/config/integrations/integration/lwm2m")
            retrying = screens.capture("retrying", showing="will retry")
            assert retrying.shows(f"UDP port {port} is in use by")
            assert retrying.shows("Reconfigure")
            assert not retrying.shows("Errno")
            assert not retrying.shows(str(home_assistant.ports["coaps_port"]))  # only the taken one

            page.goto(f"{home_assistant.url}/config/repairs")
            page.get_by_text("LwM2M").first.wait_for()
            screens.capture("repairs")
            page.get_by_text(f"UDP port {port} is taken").first.click()
            page.get_by_text("so the integration cannot start").wait_for()
            issue = screens.capture("repair-issue", docs="port_repair.png")
            assert issue.shows(f"process {os.getpid()}")

            (free,) = free_udp_ports(1)
            flow.open_reconfigure(home_assistant.url)
            screens.capture("reconfigure")
            flow.fill({"coap_port": free, "server_uri": f"coap://127.0.0.1:{free}"})
            flow.submit()
            assert flow.step["reason"] == "reconfigure_successful"
            screens.capture("reconfigured")
        home_assistant.api.wait_for(
            "the entry to load",
            lambda: (home_assistant.api.entry() or {}).get("state") == "loaded",
        )
        # Stopping the old devices (they deregister), a new interpreter and a registration:
        # on a busy 2-core machine that took over a minute, so the wait is a hang guard only.
        home_assistant.api.wait_for(
            "the demo devices to follow the server to its new port",
            lambda: demo.registrations("field-1") >= 2,
            timeout=180,
        )
        assert f"moved to coap://127.0.0.1:{free}" in log.read_text("utf-8")
        home_assistant.wait_registered("field-1")
    finally:
        demo.stop()
    home_assistant.api.wait_for(
        "the deregistration's line in the log",
        lambda: home_assistant.logged(deregistered) > deregistrations,
    )
    page.goto(f"{home_assistant.url}/config/repairs")
    page.wait_for_timeout(1000)
    assert not screens.capture("repairs-after").shows(f"UDP port {port}")


def _signed_in(page: Page, home_assistant: Deployment) -> Page:
    page.goto(f"{home_assistant.url}/config/integrations/integration/lwm2m")
    page.locator("home-assistant").wait_for()
    page.wait_for_function("() => document.querySelector('home-assistant')?.hass?.connection")
    return page
