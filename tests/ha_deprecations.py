"""Home Assistant's reports of deprecated calls, so that the suite can fail on them.

Home Assistant does not raise when a custom integration calls something deprecated: its
frame helper logs "Detected that custom integration ... This will stop working in Home
Assistant <version>", its deprecation helper logs "The deprecated ... was used ...", and the
call goes on working until that release. ``tests/conftest.py`` fails every test during
which such a record was logged, on the pinned release and on the newest alike.
"""

from __future__ import annotations

import logging
import re

# Every warning these two modules log reports a deprecated or unsupported call.
REPORTING_MODULES = ("homeassistant/helpers/frame.py", "homeassistant/helpers/deprecation.py")
WORDING = re.compile(r"This will stop working in Home Assistant|\bdeprecated\b", re.IGNORECASE)


def is_deprecation_report(record: logging.LogRecord) -> bool:
    """Whether Home Assistant logged ``record`` to report a deprecated call."""
    if record.levelno < logging.WARNING:
        return False
    if record.pathname.replace("\\", "/").endswith(REPORTING_MODULES):
        return True
    return record.name.split(".")[0] == "homeassistant" and bool(
        WORDING.search(record.getMessage())
    )


class DeprecationReports(logging.Handler):
    """Keeps the deprecation reports logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if is_deprecation_report(record):
            self.records.append(record)

    def summary(self) -> str:
        lines = [f"{record.name}: {record.getMessage()}" for record in self.records]
        return "Home Assistant reported deprecated calls:\n" + "\n".join(lines)
