"""One device's credentials as the cells of a credentials CSV row, and back.

An installer who edits a device's bootstrap parameters edits the cells of its row: the
edited row is read by the CSV import itself, so an edit obeys every rule an import does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from enum import StrEnum

from .columns import Column
from .csv_import import parse_credentials_csv
from .records import DeviceCredentials

# The record's field for each column (the names match but for TYPE).
FIELDS: dict[Column, str] = {
    column: "device_type" if column is Column.TYPE else column.name.lower() for column in Column
}
# Columns whose cells are written but never shown again.
WRITE_ONLY = frozenset({Column.CREDENTIALS, Column.LWM2M_PSK_KEY, Column.BOOTSTRAP_PSK_KEY})


def cells_of(record: DeviceCredentials) -> dict[Column, str]:
    """Every column's cell for ``record``; an empty cell means "not given"."""
    return {column: _cell(getattr(record, name)) for column, name in FIELDS.items()}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def record_of(cells: Mapping[Column, str]) -> DeviceCredentials:
    """The record a CSV with this one row imports; raises CredentialsCSVError (line 2)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.value for column in Column])
    writer.writerow([cells.get(column, "") for column in Column])
    (record,) = parse_credentials_csv(buffer.getvalue())
    return record
