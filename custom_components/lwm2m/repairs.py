"""Repair issues the integration raises."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

DTLS_UNAVAILABLE = "dtls_unavailable"


def async_update_dtls_issue(hass: HomeAssistant, problem: str | None) -> None:
    """Raise the DTLS issue while ``problem`` says why DTLS cannot run; clear it otherwise."""
    if problem is None:
        ir.async_delete_issue(hass, DOMAIN, DTLS_UNAVAILABLE)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        DTLS_UNAVAILABLE,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=DTLS_UNAVAILABLE,
        translation_placeholders={"reason": problem},
    )
