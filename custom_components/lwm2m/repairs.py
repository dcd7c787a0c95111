"""Repair issues the integration raises."""

from __future__ import annotations

from collections.abc import Sequence

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .engine_link import DtlsProblem

DTLS_UNAVAILABLE = "dtls_unavailable"


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
