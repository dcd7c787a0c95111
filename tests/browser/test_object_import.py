"""Options → Import object definitions: a broken file, then a vendor's DDF."""

from __future__ import annotations

from pathlib import Path

from . import files
from .harness.deployment import Deployment
from .harness.flow_dialog import FlowDialog
from .harness.screens import Screens


def test_a_broken_file_then_a_good_one(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens, tmp_path: Path
) -> None:
    flow.open_options(home_assistant.url)
    flow.choose("import_objects")
    first = screens.capture("upload")
    assert not first.shows("Imported so far")

    flow.fill({"file": files.broken_ddf(tmp_path)})
    flow.submit()
    assert flow.errors == {"file": "ddf_invalid"}
    broken = screens.capture("broken-file")
    assert broken.shows("line 2")
    assert not broken.shows("<string>")

    flow.fill({"file": files.vendor_ddf(tmp_path)})
    flow.submit()
    assert not flow.errors
    imported = screens.capture("imported-one")
    assert imported.shows("33000 Boiler")

    flow.submit()
    assert flow.step["reason"] == "objects_imported"
    screens.capture("done")
    assert home_assistant.logged("[custom_components.lwm2m] Imported object definition 33000")
