"""What the credentials preview says about an uploaded CSV, and the file that lists every
problem when there are more than the dialog shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..engine import CredentialsCSVError, DeviceCredentials, ImportSummary
from .text_decoding import WINDOWS_1252

REPORT_FOLDER = "lwm2m"
SHOWN_PROBLEMS = 50


@dataclass(slots=True)
class CsvPreview:
    """An uploaded file read: either the credentials after the import, or its problems."""

    name: str
    encoding: str
    rows: int  # data rows; with problems, every row the file has
    merged: dict[str, DeviceCredentials] | None = None
    summary: ImportSummary | None = None
    problems: CredentialsCSVError | None = None
    problems_file: Path | None = None

    def counts(self) -> str:
        summary = self.summary or ImportSummary()
        return (
            f"{len(summary.added)} added, {len(summary.updated)} updated, "
            f"{len(summary.unchanged)} unchanged"
        )

    def placeholders(self) -> dict[str, str]:
        """For the clean preview (credentials_preview) and the import's end."""
        summary = self.summary or ImportSummary()
        return {
            "rows": _rows(self.rows),
            "added": str(len(summary.added)),
            "updated": str(len(summary.updated)),
            "unchanged": str(len(summary.unchanged)),
            "encoding": self._encoding(),
        }

    def problem_placeholders(self) -> dict[str, str]:
        """For the preview of a file with problems (credentials_problems)."""
        assert self.problems is not None
        lines = self.problems.problem_lines()
        items = [f"- {line}" for line in lines[:SHOWN_PROBLEMS]]
        hidden = len(lines) - SHOWN_PROBLEMS
        if hidden > 0:
            items.append(f"- … and {hidden} more: every problem is listed in {self.problems_file}")
        rows = len(self.problems.rows) or self.rows
        bad = self.problems.rows_with_problems
        return {
            "rows": _rows(rows - bad),
            "rows_bad": str(bad),
            "errors": "\n".join(items),
            "encoding": self._encoding(),
        }

    def _encoding(self) -> str:
        if self.encoding == WINDOWS_1252:
            return (
                "Windows-1252, as Excel writes “CSV (Comma delimited)”: check that names with "
                "accents look right"
            )
        return self.encoding


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def problems_file_name(moment: datetime) -> str:
    return f"credentials_problems_{moment.strftime('%Y%m%d_%H%M%S')}.txt"


def write_problems(folder: Path, preview: CsvPreview, moment: datetime) -> Path:
    """Every problem of the upload, one per line, in ``<folder>/credentials_problems_<time>.txt``
    (blocking)."""
    assert preview.problems is not None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / problems_file_name(moment)
    lines = preview.problems.problem_lines()
    header = f"{len(lines)} problems in {preview.name}, read {moment.isoformat(timespec='seconds')}"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path
