"""Options → Import device credentials: a good file, bad rows, many bad rows, Excel's CSV."""

from __future__ import annotations

from pathlib import Path

from . import files
from .harness.deployment import Deployment
from .harness.flow_dialog import FlowDialog
from .harness.screens import Screens


def _upload(home_assistant: Deployment, flow: FlowDialog, screens: Screens, file: Path) -> None:
    flow.open_options(home_assistant.url)
    flow.choose("import_credentials")
    screens.capture("upload")
    flow.fill({"file": file})
    flow.submit()


def test_a_good_file_is_previewed_then_imported(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens, tmp_path: Path
) -> None:
    _upload(home_assistant, flow, screens, files.good_csv(tmp_path))
    assert flow.step_id == "credentials_preview"
    preview = screens.capture("preview", docs="credentials_preview.png")
    assert preview.shows("3 rows OK")
    assert not flow.errors
    flow.submit()
    assert flow.step["reason"] == "credentials_imported"
    screens.capture("imported")
    assert home_assistant.logged("[custom_components.lwm2m] Imported device credentials from")


def test_a_bad_row_is_named_and_the_good_ones_counted(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens, tmp_path: Path
) -> None:
    _upload(home_assistant, flow, screens, files.csv_with_a_bad_row(tmp_path))
    assert flow.step_id == "credentials_problems"
    preview = screens.capture("preview-with-a-bad-row")
    assert preview.shows("3 rows OK, 1 with problems")
    assert preview.shows("valve-3")
    assert not preview.shows("nothing was imported")
    flow.submit()
    assert flow.step_id == "import_credentials"
    screens.capture("upload-again")


def test_every_error_of_a_long_list_is_written_to_a_file(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens, tmp_path: Path
) -> None:
    _upload(home_assistant, flow, screens, files.csv_with_many_bad_rows(tmp_path, 60))
    preview = screens.capture("preview-with-60-bad-rows")
    assert preview.shows("0 rows OK, 60 with problems")
    written = sorted((home_assistant.config_dir / "lwm2m").glob("credentials_problems_*.txt"))
    assert written, "no problem file under <config>/lwm2m/"
    assert preview.shows(written[-1].name)
    lines = written[-1].read_text(encoding="utf-8").splitlines()
    assert sum("sensor-" in line for line in lines) >= 60


def test_a_windows_excel_file_with_umlauts_is_read(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens, tmp_path: Path
) -> None:
    _upload(home_assistant, flow, screens, files.windows_csv(tmp_path))
    assert flow.step_id == "credentials_preview", flow.errors
    preview = screens.capture("preview-windows-1252")
    assert preview.shows("Windows-1252")
    flow.submit()
    assert flow.step["reason"] == "credentials_imported"
    screens.capture("imported-windows-1252")


def test_another_windows_code_page_gets_a_precise_hint(
    home_assistant: Deployment, flow: FlowDialog, screens: Screens, tmp_path: Path
) -> None:
    _upload(home_assistant, flow, screens, files.central_european_csv(tmp_path))
    assert flow.errors == {"file": "csv_not_utf8"}
    refused = screens.capture("refused-windows-1250")
    assert refused.shows("Line 2 holds a byte (0xB3, column 20)")
    assert refused.shows("CSV UTF-8 (Comma delimited)")
