"""DTLS devices against a live entry (the real servers on loopback): credentials that are
changed or removed through the integration end what they had opened, and a full session
table raises a repair issue once and shows in the diagnostics."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any
from unittest.mock import patch

import pytest
from aiocoap.numbers.codes import Code
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import CONF_COAPS_PORT, DOMAIN, EVENT_DEREGISTERED
from custom_components.lwm2m.diagnostics import async_get_config_entry_diagnostics
from custom_components.lwm2m.engine import DeviceCredentials, SecurityMode
from custom_components.lwm2m.engine.dtls import DtlsSettings
from custom_components.lwm2m.engine.lwm2m_engine import lwm2m_dtls_settings
from tests.engine.dtls.client import HandshakeFailedError
from tests.engine.dtls.lwm2m_device import DtlsLwM2MDevice

from .devices import device_of
from .live_network import add_live_entry, expected_lingering_timers, live_entry, loopback

__all__ = ["expected_lingering_timers", "live_entry", "loopback"]


def _record(endpoint: str, key: bytes) -> DeviceCredentials:
    return DeviceCredentials(
        endpoint,
        SecurityMode.PSK,
        lwm2m_psk_id=f"{endpoint}-id",
        lwm2m_psk_key=key,
        bootstrap_psk_id=f"{endpoint}-bs",
        bootstrap_psk_key=key,
    )


async def _import(entry: MockConfigEntry, *records: DeviceCredentials) -> None:
    """What the options flow's credentials import does with its result."""
    hub = entry.runtime_data.hub
    await hub.async_set_credentials({record.endpoint: record for record in records})


async def _device(entry: MockConfigEntry, endpoint: str, key: bytes) -> DtlsLwM2MDevice:
    return await DtlsLwM2MDevice(
        entry.data[CONF_COAPS_PORT], f"{endpoint}-id".encode(), key
    ).connect()


async def test_a_changed_key_ends_the_registration_and_the_session(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> None:
    await _import(live_entry, _record("psk-1", bytes(16)))
    device = await _device(live_entry, "psk-1", bytes(16))
    try:
        assert (await device.register("psk-1")).code == Code.CREATED
        await hass.async_block_till_done()
        assert live_entry.runtime_data.hub.is_available("psk-1")
        gone: list[Event[Any]] = []
        hass.bus.async_listen(EVENT_DEREGISTERED, gone.append)

        await _import(live_entry, _record("psk-1", bytes(range(16))))  # a new key
        async with asyncio.timeout(5):
            await device.closed.wait()
        await hass.async_block_till_done()
        assert not live_entry.runtime_data.hub.is_available("psk-1")
        assert [event.data["reason"] for event in gone] == ["credentials revoked"]
        assert "psk-1" not in live_entry.runtime_data.hub.server.registrations
    finally:
        await device.close()


async def test_deleting_a_device_deletes_its_credentials_and_closes_its_sessions(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> None:
    from custom_components.lwm2m import async_remove_config_entry_device

    await _import(live_entry, _record("psk-2", bytes(16)), _record("psk-3", bytes(16)))
    device = await _device(live_entry, "psk-2", bytes(16))
    try:
        registered = await device.register("psk-2")
        assert registered.code == Code.CREATED
        await hass.async_block_till_done()
        entry = device_of(hass, "psk-2")
        assert entry is not None
        location = tuple(registered.opt.location_path)
        assert (await device.request(Code.DELETE, location)).code == Code.DELETED
        await hass.async_block_till_done()
        # De-registered, so it may be deleted; its DTLS session is still open.
        assert await async_remove_config_entry_device(hass, live_entry, entry)
        async with asyncio.timeout(5):
            await device.closed.wait()
        assert "psk-2" not in live_entry.runtime_data.storage.credentials
        assert "psk-3" in live_entry.runtime_data.storage.credentials
        server = live_entry.runtime_data.hub.server
        assert server.dtls_stats is not None
        assert server.dtls_stats.sessions == 0
    finally:
        await device.close()


async def test_a_full_session_table_raises_a_repair_issue_once(
    hass: HomeAssistant, loopback: None
) -> None:
    def small_table(credentials: Any) -> DtlsSettings:
        return replace(lwm2m_dtls_settings(credentials), max_sessions=1)

    with patch("custom_components.lwm2m.engine.lwm2m_engine.lwm2m_dtls_settings", small_table):
        entry = await add_live_entry(hass)
    try:
        await _import(entry, _record("psk-4", bytes(16)), _record("psk-5", bytes(16)))
        first = await _device(entry, "psk-4", bytes(16))
        with pytest.raises(HandshakeFailedError):  # refused: the table holds one session
            await _device(entry, "psk-5", bytes(16))
        issue = ir.async_get(hass).async_get_issue(DOMAIN, "dtls_table_full_lwm2m")
        assert issue is not None
        assert issue.translation_placeholders == {
            "server": "LwM2M server",
            "port": str(entry.data[CONF_COAPS_PORT]),
            "limit": "1",
        }
        diagnostics = await async_get_config_entry_diagnostics(hass, entry)
        dtls = diagnostics["servers"]["lwm2m"]["dtls"]
        assert dtls["table_full"] is True
        assert dtls["sessions"] == dtls["max_sessions"] == 1
        assert dtls["refused"] == 1
        assert (await first.request(Code.GET, ("nothing",))).code == Code.NOT_FOUND
        server = entry.runtime_data.hub.server
        await _import(entry, _record("psk-5", bytes(16)))  # psk-4's credentials go
        async with asyncio.timeout(5):
            await first.closed.wait()
        await hass.async_block_till_done()
        assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_table_full_lwm2m") is None
        assert server.dtls_stats is not None
        assert not server.dtls_stats.table_full
        await first.close()
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
