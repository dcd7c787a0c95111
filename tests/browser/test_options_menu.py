"""The options flow's menu, and a menu entry with nothing to do yet."""

from __future__ import annotations

from .harness.deployment import Deployment
from .harness.flow_dialog import FlowDialog
from .harness.screens import Screens


def test_the_menu_and_no_pending_devices(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens
) -> None:
    flow.open_options(home_assistant.url)
    menu = screens.capture("menu", docs="options_menu.png")
    assert menu.shows("Import device credentials (CSV)")
    flow.choose("pending")
    assert flow.step["reason"] == "no_pending_devices"
    screens.capture("no-pending-devices")
