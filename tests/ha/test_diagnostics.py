"""Diagnostics never contain PSK keys, identities or the CSV's credentials."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.diagnostics import (
    async_get_config_entry_diagnostics,
    async_get_device_diagnostics,
)
from custom_components.lwm2m.engine import DeviceCredentials, SecurityMode

from .devices import device_of

SECRETS = ("id-secret", "0a0b0c0d", "bs-secret", "ext-secret", "csv-secret", "secret-identity")


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    register_sensor_device: Callable[..., Any],
) -> None:
    storage = loaded_entry.runtime_data.storage
    storage.credentials["dev-1"] = DeviceCredentials(
        "dev-1",
        SecurityMode.PSK,
        credentials="csv-secret",
        server_url="coaps://192.0.2.1:5684",
        lwm2m_psk_id="id-secret",
        lwm2m_psk_key=bytes.fromhex("0a0b0c0d"),
        bootstrap_psk_id="bs-secret",
        bootstrap_psk_key=bytes.fromhex("0a0b0c0d"),
        external_bootstrap_psk_id="ext-secret",
    )
    await register_sensor_device()

    entry_diagnostics = await async_get_config_entry_diagnostics(hass, loaded_entry)
    device = device_of(hass, "dev-1")
    assert device is not None
    device_diagnostics = await async_get_device_diagnostics(hass, loaded_entry, device)

    for diagnostics in (entry_diagnostics, device_diagnostics):
        text = json.dumps(diagnostics, default=str)
        for secret in SECRETS:
            assert secret not in text
    assert entry_diagnostics["device_credentials"]["dev-1"]["lwm2m_psk_key"] == "**REDACTED**"
    assert entry_diagnostics["devices"]["dev-1"]["values"]["/3/0/0"] == "Acme"
    assert device_diagnostics["credentials_record"]["credentials"] == "**REDACTED**"
    assert device_diagnostics["registered"] is True
