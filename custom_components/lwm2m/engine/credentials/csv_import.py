"""Import of device credentials from a CSV file, all rows or none.

The file:

* The first non-blank line is the header; ``credentials_columns`` says how its
  names are matched. Unknown and duplicate columns are errors. A column with an
  empty header is tolerated as long as every cell under it is empty.
* Cells are separated by ``,`` or ``;``, whichever the header line has more of.
  Quoting follows the usual CSV rules, so a quoted cell may hold the delimiter
  or even line breaks.
* Lines are numbered from 1 as they appear in the file, the header included;
  a row that spans several lines is reported at its first line.
* Blank lines are skipped; cells are stripped; an empty cell means "not given".
* Booleans are ``true``/``false``, ``yes``/``no`` or ``1``/``0`` in any case.
* PSK keys are hex (``credentials_cells.parse_hex_key``); PSK identities are text.
* ``disableTimeout`` is in seconds, as the Server object resource it configures;
  for files that follow its ``(true/false)`` label, ``true`` stands for the LwM2M
  default of 86400 s and ``false`` for "not set".
* ``TYPE`` is kept as written whatever it says; this integration does not use it.

A row must give an endpoint and a security mode. PSK rows must give the LwM2M
and the bootstrap identity and key; NO_SEC rows must give none of the PSK
columns. A row sets up bootstrap when it is PSK or sets
``generateBootstrapServerConfig``; it then needs the LwM2M server URL, which the
bootstrap server hands to the device. A URL, when given, must use ``coaps://``
for PSK and ``coap://`` for NO_SEC. Endpoints must be unique in the file, and so
must LwM2M PSK identities and bootstrap PSK identities (``bootstrap psk_id`` and
``external-c8y_BootstrapPskId`` share one namespace): an identity picks exactly
one device.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from .cells import (
    MAX_INSTANCE_ID,
    MAX_SHORT_SERVER_ID,
    UINT32_MAX,
    parse_binding_mode,
    parse_bool,
    parse_disable_timeout,
    parse_hex_key,
    parse_int,
    parse_security_mode,
    parse_server_url,
)
from .columns import (
    PSK_COLUMNS,
    REQUIRED_COLUMNS,
    REQUIRED_FOR_PSK,
    CredentialsColumn,
    match_column,
)
from .merge import ImportSummary, merge_credentials
from .records import (
    BindingMode,
    CredentialsCSVError,
    CredentialsProblem,
    DeviceCredentials,
    SecurityMode,
)

if TYPE_CHECKING:
    from _csv import _reader

__all__ = [
    "BindingMode",
    "CredentialsCSVError",
    "CredentialsProblem",
    "DeviceCredentials",
    "ImportSummary",
    "SecurityMode",
    "merge_credentials",
    "parse_credentials_csv",
]

_T = TypeVar("_T")


def parse_credentials_csv(text: str) -> list[DeviceCredentials]:
    """Parse a credentials CSV; raises CredentialsCSVError listing every problem."""
    text = text.removeprefix("\ufeff")
    problems: list[CredentialsProblem] = []
    records: list[DeviceCredentials] = []
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=True
    )
    header: _Header | None = None
    unique = _UniqueKeys()
    rows: dict[int, str] = {}
    try:
        for line, cells in _numbered_rows(reader):
            if header is None:
                header = _read_header(line, cells, problems)
                continue
            row = _Row(line, header, cells, problems)
            rows[line] = row.text(CredentialsColumn.ENDPOINT) or ""
            unique.check(row)
            record = _read_record(row)
            if record is not None:
                records.append(record)
    except _MalformedRowError as exc:
        problems.append(CredentialsProblem(exc.line, "", f"malformed CSV: {exc}"))
    if header is None and not problems:
        problems.append(CredentialsProblem(1, "", "the file has no header line"))
    if problems:
        raise CredentialsCSVError(_in_reading_order(problems, header), rows)
    return records


def _in_reading_order(
    problems: list[CredentialsProblem], header: _Header | None
) -> list[CredentialsProblem]:
    """Sorted by line, then by column from left to right; row-wide problems last."""
    names = [] if header is None else header.names
    positions = {name: n for n, name in enumerate(names) if name}
    return sorted(
        problems, key=lambda problem: (problem.line, positions.get(problem.field, len(names)))
    )


def _sniff_delimiter(text: str) -> str:
    first_line = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    return ";" if first_line.count(";") > first_line.count(",") else ","


class _MalformedRowError(Exception):
    """The row starting at ``line`` breaks the CSV syntax; nothing after it can be read."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _numbered_rows(reader: _reader) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with stripped cells, each with the line it starts on."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _MalformedRowError(line, str(exc)) from exc
        stripped = [cell.strip() for cell in cells]
        if any(stripped):
            yield line, stripped


@dataclass(slots=True)
class _Header:
    names: list[str]
    columns: list[CredentialsColumn | None] = field(default_factory=list)
    written: dict[CredentialsColumn, str] = field(default_factory=dict)


def _read_header(line: int, names: list[str], problems: list[CredentialsProblem]) -> _Header:
    header = _Header(names)
    for name in names:
        column = match_column(name) if name else None
        if name and column is None:
            problems.append(CredentialsProblem(line, name, "unknown column"))
        elif column is not None and column in header.written:
            problems.append(
                CredentialsProblem(line, name, f"duplicate of column {header.written[column]!r}")
            )
            column = None
        elif column is not None:
            header.written[column] = name
        header.columns.append(column)
    for column in REQUIRED_COLUMNS:
        if column not in header.written:
            problems.append(CredentialsProblem(line, column.value, "required column is missing"))
    return header


class _Row:
    """The cells of one data row by column, and the problems found in them."""

    def __init__(
        self, line: int, header: _Header, cells: list[str], problems: list[CredentialsProblem]
    ) -> None:
        self.line = line
        self.values: dict[CredentialsColumn, str] = {}
        self._header = header
        self._problems = problems
        self._problems_before = len(problems)
        for position, cell in enumerate(cells):
            column = header.columns[position] if position < len(header.columns) else None
            if column is not None and cell:
                self.values[column] = cell
            elif cell and (position >= len(header.names) or not header.names[position]):
                self.problem(None, f"a value in column {position + 1}, which has no header")

    @property
    def has_problems(self) -> bool:
        return len(self._problems) > self._problems_before

    def has_column(self, column: CredentialsColumn) -> bool:
        return column in self._header.written

    def problem(self, column: CredentialsColumn | None, message: str) -> None:
        name = "" if column is None else self._header.written.get(column, column.value)
        self._problems.append(CredentialsProblem(self.line, name, message))

    def text(self, column: CredentialsColumn) -> str | None:
        return self.values.get(column)

    def parsed(self, column: CredentialsColumn, parse: Callable[[str], _T]) -> _T | None:
        text = self.values.get(column)
        if text is None:
            return None
        try:
            return parse(text)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None

    def flag(self, column: CredentialsColumn) -> bool:
        return self.parsed(column, parse_bool) or False

    def integer(self, column: CredentialsColumn, minimum: int, maximum: int) -> int | None:
        return self.parsed(column, lambda text: parse_int(text, minimum, maximum))


def _read_record(row: _Row) -> DeviceCredentials | None:
    mode = row.parsed(CredentialsColumn.SECURITY_MODE, parse_security_mode)
    record = DeviceCredentials(
        endpoint=row.text(CredentialsColumn.ENDPOINT) or "",
        security_mode=mode or SecurityMode.NO_SEC,
        device_id=row.text(CredentialsColumn.DEVICE_ID),
        id_type=row.text(CredentialsColumn.ID_TYPE),
        credentials=row.text(CredentialsColumn.CREDENTIALS),
        name=row.text(CredentialsColumn.NAME),
        device_type=row.text(CredentialsColumn.TYPE),
        shell=row.flag(CredentialsColumn.SHELL),
        cumulocity_agent=row.flag(CredentialsColumn.CUMULOCITY_AGENT),
        server_url=row.parsed(
            CredentialsColumn.SERVER_URL, lambda text: parse_server_url(text, mode)
        ),
        server_public_key=row.text(CredentialsColumn.SERVER_PUBLIC_KEY),
        generate_bootstrap_server_config=row.flag(
            CredentialsColumn.GENERATE_BOOTSTRAP_SERVER_CONFIG
        ),
        security_instance_offset=_or_default(
            row.integer(CredentialsColumn.SECURITY_INSTANCE_OFFSET, 0, MAX_INSTANCE_ID), 0
        ),
        bootstrap_short_server_id=_or_default(
            row.integer(CredentialsColumn.BOOTSTRAP_SHORT_SERVER_ID, 0, MAX_SHORT_SERVER_ID), 0
        ),
        lwm2m_short_server_id=_or_default(
            row.integer(CredentialsColumn.LWM2M_SHORT_SERVER_ID, 1, MAX_SHORT_SERVER_ID), 1
        ),
        registration_lifetime=row.integer(CredentialsColumn.REGISTRATION_LIFETIME, 1, UINT32_MAX),
        default_minimum_period=row.integer(CredentialsColumn.DEFAULT_MINIMUM_PERIOD, 0, UINT32_MAX),
        default_maximum_period=row.integer(CredentialsColumn.DEFAULT_MAXIMUM_PERIOD, 0, UINT32_MAX),
        binding_mode=row.parsed(CredentialsColumn.BINDING_MODE, parse_binding_mode)
        or BindingMode.UQ,
        notification_if_disabled=row.parsed(CredentialsColumn.NOTIFICATION_IF_DISABLED, parse_bool),
        disable_timeout=row.parsed(CredentialsColumn.DISABLE_TIMEOUT, parse_disable_timeout),
        lwm2m_psk_id=row.text(CredentialsColumn.LWM2M_PSK_ID),
        lwm2m_psk_key=row.parsed(CredentialsColumn.LWM2M_PSK_KEY, parse_hex_key),
        bootstrap_psk_id=row.text(CredentialsColumn.BOOTSTRAP_PSK_ID),
        bootstrap_psk_key=row.parsed(CredentialsColumn.BOOTSTRAP_PSK_KEY, parse_hex_key),
        external_bootstrap_psk_id=row.text(CredentialsColumn.EXTERNAL_BOOTSTRAP_PSK_ID),
    )
    _check_presence(row, mode, record.generate_bootstrap_server_config)
    _check_periods(row, record)
    return None if row.has_problems else record


def _or_default(value: int | None, default: int) -> int:
    return default if value is None else value


def _check_presence(row: _Row, mode: SecurityMode | None, generate_config: bool) -> None:
    for column in REQUIRED_COLUMNS:
        if row.has_column(column) and column not in row.values:
            row.problem(column, "required")
    if mode is SecurityMode.PSK:
        for column in REQUIRED_FOR_PSK:
            if column not in row.values:
                row.problem(column, "required for PSK")
    elif mode is SecurityMode.NO_SEC:
        for column in PSK_COLUMNS:
            if column in row.values:
                row.problem(column, "not allowed with NO_SEC")
    if CredentialsColumn.SERVER_URL not in row.values and (
        mode is SecurityMode.PSK or generate_config
    ):
        row.problem(
            CredentialsColumn.SERVER_URL,
            "required for bootstrap (PSK or generateBootstrapServerConfig)",
        )


def _check_periods(row: _Row, record: DeviceCredentials) -> None:
    minimum, maximum = record.default_minimum_period, record.default_maximum_period
    if minimum is not None and maximum is not None and minimum > maximum:
        row.problem(
            CredentialsColumn.DEFAULT_MINIMUM_PERIOD,
            f"{minimum} exceeds the default maximum period {maximum}",
        )


class _UniqueKeys:
    """Endpoints and PSK identities seen so far, each with the line that claimed it."""

    _IDENTITY_NAMESPACES = (
        ("lwm2m identity", (CredentialsColumn.LWM2M_PSK_ID,)),
        (
            "bootstrap identity",
            (CredentialsColumn.BOOTSTRAP_PSK_ID, CredentialsColumn.EXTERNAL_BOOTSTRAP_PSK_ID),
        ),
    )

    def __init__(self) -> None:
        self._lines: dict[tuple[str, str], int] = {}

    def check(self, row: _Row) -> None:
        endpoint = row.text(CredentialsColumn.ENDPOINT)
        if endpoint is not None:
            line = self._claim("endpoint", endpoint, row.line)
            if line is not None:
                row.problem(
                    CredentialsColumn.ENDPOINT, f"endpoint {endpoint!r} is already on line {line}"
                )
        for namespace, columns in self._IDENTITY_NAMESPACES:
            for column in columns:
                identity = row.text(column)
                if identity is None:
                    continue
                line = self._claim(namespace, identity, row.line)
                if line is not None:
                    row.problem(column, f"this PSK identity is already used on line {line}")

    def _claim(self, namespace: str, value: str, line: int) -> int | None:
        """The earlier line that claimed ``value``, if any; otherwise claim it."""
        first = self._lines.setdefault((namespace, value), line)
        return first if first != line else None
