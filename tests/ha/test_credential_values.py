"""Security object (/0) values a device reports are never stored or shown: not in the
hub's state, the stored device state, the entry's or the device's diagnostics; a read
of /0 through an action returns its secret resources masked."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.diagnostics import (
    async_get_config_entry_diagnostics,
    async_get_device_diagnostics,
)

from .devices import device_of
from .fake_server import TableServer

SECURITY_VALUES = {
    "/0/0/0": "coaps://192.0.2.1:5684",
    "/0/0/2": 0,
    "/0/0/3": b"psk-identity-in-security-object",
    "/0/0/5": b"\x5e\xc7\xe7\x00psk-key-in-security-object",
    "/21/0/0": b"oscore-master-secret",
}
SECRETS = ("psk-identity-in-security-object", "psk-key-in-security-object", "oscore-master")


def _texts(value: Any) -> str:
    return json.dumps(value, default=lambda item: item.hex() + repr(item))


async def test_security_object_values_are_never_stored_or_shown(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    fake_server.notify("dev-1", "/0", SECURITY_VALUES)  # a device may report them
    await hass.async_block_till_done()

    hub = loaded_entry.runtime_data.hub
    assert not [path for path in hub.devices["dev-1"].values if path.ids[0] in (0, 21)]
    result = await hass.services.async_call(
        DOMAIN, "read", {"endpoint": "dev-1", "path": "/0"}, blocking=True, return_response=True
    )
    assert result is not None
    assert result["values"]["/0/0/3"] == result["values"]["/0/0/5"] == "**REDACTED**"
    assert result["values"]["/0/0/0"] == "coaps://192.0.2.1:5684"  # not a secret
    command = await hass.services.async_call(
        DOMAIN,
        "command",
        {"endpoint": "dev-1", "command": "read /21/0"},
        blocking=True,
        return_response=True,
    )
    assert command is not None
    assert command["values"]["/21/0/0"] == "**REDACTED**"

    device = device_of(hass, "dev-1")
    assert device is not None
    shown = [
        await async_get_config_entry_diagnostics(hass, loaded_entry),
        await async_get_device_diagnostics(hass, loaded_entry, device),
        result,
        command,
    ]
    await hass.config_entries.async_unload(loaded_entry.entry_id)  # writes the devices file
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.devices"]
    assert stored["data"]["devices"]["dev-1"]["values"]["/3/0/0"] == "Acme"
    for where in (*shown, stored):
        text = _texts(where)
        for secret in SECRETS:
            assert secret not in text
            assert secret.encode().hex() not in text
