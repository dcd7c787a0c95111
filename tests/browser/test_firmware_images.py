"""Options → Firmware images: the empty list, adding an image, removing it."""

from __future__ import annotations

from pathlib import Path

from . import files
from .harness.deployment import Deployment
from .harness.flow_dialog import FlowDialog
from .harness.screens import Screens


def test_add_and_remove_an_image(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens, tmp_path: Path
) -> None:
    flow.open_options(home_assistant.url)
    flow.choose("firmware_images")
    screens.capture("no-images")
    flow.choose("firmware_add")
    screens.capture("add")
    flow.fill(
        {
            "file": files.firmware_image(tmp_path),
            "version": "1.0.1",
            "name": "SIM-100 firmware",
            "models": "SIM-100",
        }
    )
    flow.submit()
    assert flow.step["reason"] == "firmware_added"
    screens.capture("added")

    flow.open_options(home_assistant.url)
    flow.choose("firmware_images")
    listing = screens.capture("one-image")
    assert listing.shows("SIM-100 firmware")
    flow.choose("firmware_remove")
    screens.capture("remove")
    flow.fill({"image": "SIM-100 firmware 1.0.1"})
    flow.submit()
    assert flow.step["reason"] == "firmware_removed"
    screens.capture("removed")
