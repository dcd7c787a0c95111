"""Repair issues the integration raises."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .engine import DtlsProblem, DtlsStats

DTLS_UNAVAILABLE = "dtls_unavailable"
DTLS_TABLE_FULL = "dtls_table_full"
SERVER_NAMES = {"lwm2m": "LwM2M server", "bootstrap": "bootstrap server"}


class SessionTableOwner(Protocol):
    """What either server offers about its DTLS session table."""

    @property
    def secure_port(self) -> int | None: ...

    @property
    def dtls_stats(self) -> DtlsStats | None: ...

    def add_capacity_listener(self, listener: Callable[[bool], None]) -> Callable[[], None]: ...


def async_watch_session_table(
    hass: HomeAssistant, server: SessionTableOwner, name: str
) -> CALLBACK_TYPE:
    """An issue while ``server`` refuses new DTLS sessions for want of room; returns the
    function that stops watching (and withdraws the issue)."""
    issue_id = f"{DTLS_TABLE_FULL}_{name}"

    @callback
    def _changed(full: bool) -> None:
        if not full:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
            return
        stats = server.dtls_stats
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=DTLS_TABLE_FULL,
            translation_placeholders={
                "server": SERVER_NAMES[name],
                "port": str(server.secure_port),
                "limit": str(stats.max_sessions if stats is not None else "?"),
            },
        )

    remove = server.add_capacity_listener(_changed)

    @callback
    def _stop() -> None:
        remove()
        ir.async_delete_issue(hass, DOMAIN, issue_id)

    return _stop


def async_update_dtls_issue(hass: HomeAssistant, problems: Sequence[DtlsProblem]) -> None:
    """One issue while any secure port is closed because DTLS cannot run; none otherwise.

    The LwM2M and the bootstrap server run the same DTLS code, so they fail for the
    same reason: the issue names the closed ports and each distinct reason once.
    """
    if not problems:
        ir.async_delete_issue(hass, DOMAIN, DTLS_UNAVAILABLE)
        return
    reasons = list(dict.fromkeys(problem.reason for problem in problems))
    ir.async_create_issue(
        hass,
        DOMAIN,
        DTLS_UNAVAILABLE,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=DTLS_UNAVAILABLE,
        translation_placeholders={
            "ports": ", ".join(str(problem.port) for problem in problems),
            "reason": "; ".join(reasons),
        },
    )
