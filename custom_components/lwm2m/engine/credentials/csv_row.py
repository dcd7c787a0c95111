"""One device's credentials as the cells of a credentials CSV row, and back.

An installer who edits a device's bootstrap parameters edits the cells of its row: the
edited row is read by the CSV import itself, so an edit obeys every rule an import does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from enum import StrEnum

from .columns import CredentialsColumn
from .csv_import import parse_credentials_csv
from .records import DeviceCredentials

# The record's field for each column (the names match but for TYPE).
FIELDS: dict[CredentialsColumn, str] = {
    column: "device_type" if column is CredentialsColumn.TYPE else column.name.lower()
    for column in CredentialsColumn
}
# Columns whose cells are written but never shown again.
WRITE_ONLY_COLUMNS = frozenset(
    {
        CredentialsColumn.CREDENTIALS,
        CredentialsColumn.LWM2M_PSK_KEY,
        CredentialsColumn.BOOTSTRAP_PSK_KEY,
    }
)


def credentials_cells(record: DeviceCredentials) -> dict[CredentialsColumn, str]:
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


def credentials_from_cells(cells: Mapping[CredentialsColumn, str]) -> DeviceCredentials:
    """The record a CSV with this one row imports; raises CredentialsCSVError (line 2)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.value for column in CredentialsColumn])
    writer.writerow([cells.get(column, "") for column in CredentialsColumn])
    (record,) = parse_credentials_csv(buffer.getvalue())
    return record
