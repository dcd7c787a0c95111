"""Diagnostics of the config entry and of one device, with every secret redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN
from .data import LwM2MConfigEntry
from .device_state import DeviceState
from .engine import DtlsStats, LwM2MEngine
from .values.json_forms import to_response

TO_REDACT = {
    "credentials",
    "lwm2m_psk_id",
    "lwm2m_psk_key",
    "bootstrap_psk_id",
    "bootstrap_psk_key",
    "external_bootstrap_psk_id",
    "security_identity",
    "server_public_key",
}


def _device(state: DeviceState, credentials: dict[str, Any] | None) -> dict[str, Any]:
    registration = state.registration
    return {
        "endpoint": state.endpoint,
        "available": state.available,
        "registered": registration is not None,
        "registration": state.summary,
        "address": list(registration.address) if registration is not None else None,
        "values": {str(path): to_response(value) for path, value in sorted(state.values.items())},
        "credentials_record": credentials,
    }


def _servers(engine: LwM2MEngine) -> dict[str, Any]:
    """The ports each server serves, why a secure one is closed, and its DTLS sessions."""
    servers: dict[str, Any] = {
        "bind_host": engine.host,
        "lwm2m": {
            "port": engine.server.port,
            "secure_port": engine.server.secure_port,
            "dtls_unavailable_reason": engine.server.dtls_unavailable_reason,
            "dtls": _dtls(engine.server.dtls_stats),
        },
    }
    servers["bootstrap"] = {
        "port": engine.bootstrap.port,
        "secure_port": engine.bootstrap.secure_port,
        "dtls_unavailable_reason": engine.bootstrap.dtls_unavailable_reason,
        "dtls": _dtls(engine.bootstrap.dtls_stats),
    }
    return servers


def _dtls(stats: DtlsStats | None) -> dict[str, Any] | None:
    """Session table figures: counts only, no addresses or identities."""
    return None if stats is None else {**asdict(stats), "counters": dict(stats.counters)}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: LwM2MConfigEntry
) -> dict[str, Any]:
    data = entry.runtime_data
    storage = data.storage
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "device_credentials": {
                ep: record.to_dict() for ep, record in storage.credentials.items()
            },
            "imported_objects": [ddf.objects for ddf in storage.ddfs],
            "device_protocols": storage.protocols.to_dict(),
            "devices": {ep: _device(state, None) for ep, state in data.hub.devices.items()},
            "pending": data.hub.pending_endpoints(),
            "queued_requests": {ep: len(items) for ep, items in storage.queue.items()},
            "servers": _servers(data.hub.engine),
            "bootstraps": data.bootstraps.outcomes(),
        },
        TO_REDACT,
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: LwM2MConfigEntry, device: dr.DeviceEntry
) -> dict[str, Any]:
    data = entry.runtime_data
    endpoint = next((ident for domain, ident in device.identifiers if domain == DOMAIN), "")
    state = data.hub.devices.get(endpoint, DeviceState(endpoint))
    record = data.storage.credentials.get(endpoint)
    diagnostics = _device(state, record.to_dict() if record is not None else None)
    diagnostics["last_bootstrap"] = data.bootstraps.last(endpoint)
    return async_redact_data(diagnostics, TO_REDACT)
