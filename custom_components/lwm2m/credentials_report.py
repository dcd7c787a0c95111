"""What the credentials preview says about an uploaded CSV, and the file that lists every
problem when there are more than the dialog shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .engine.credentials.csv_import import CredentialsCSVError, DeviceCredentials, ImportSummary
from .text_decoding import UTF8

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
        summary = self.summary or ImportSummary()
        problems = self.problems
        lines = problems.problem_lines() if problems is not None else []
        shown = lines[:SHOWN_PROBLEMS]
        rows = len(problems.rows) if problems is not None and problems.rows else self.rows
        bad = problems.rows_with_problems if problems is not None else 0
        return {
            "rows_ok": str(rows - bad),
            "rows_bad": str(bad),
            "added": str(len(summary.added)),
            "updated": str(len(summary.updated)),
            "unchanged": str(len(summary.unchanged)),
            "error_count": str(len(lines)),
            "errors": "\n".join(f"- {line}" for line in shown),
            "more": str(len(lines) - len(shown)),
            "problems_file": str(self.problems_file or ""),
            "encoding": "utf8" if self.encoding == UTF8 else "windows_1252",
        }


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
