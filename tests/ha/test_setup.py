"""Setting the entry up: the engine seam, start failures, the DTLS repair, stored data."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.storage import LwM2MStorage, StoredDDF
from tests.engine.ddf_builder import ddf, item, obj

from .fake_server import FakeBootstrap, FakeServer


async def test_server_that_cannot_bind_is_retried(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_engine: FakeServer
) -> None:
    config_entry.add_to_hass(hass)
    with patch.object(FakeServer, "start", side_effect=OSError(98, "Address in use")):
        await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert config_entry.error_reason_translation_key == "server_start_failed"
    assert config_entry.error_reason_translation_placeholders == {
        "ports": "5683, 5684",
        "error": "[Errno 98] Address in use",
    }


async def test_dtls_problem_raises_one_repair_issue_until_fixed(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_engine: FakeServer,
    fake_bootstrap: FakeBootstrap,
) -> None:
    """Both servers without DTLS, for the same reason: one issue, both ports, one reason."""
    reason = "DTLS unavailable: the cryptography package is missing"
    fake_engine.dtls_unavailable_reason = reason
    fake_bootstrap.dtls_unavailable_reason = reason
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    issues = [issue for (domain, _), issue in ir.async_get(hass).issues.items() if domain == DOMAIN]
    assert len(issues) == 1
    assert issues[0].issue_id == "dtls_unavailable"
    assert issues[0].translation_placeholders == {"ports": "5684, 5784", "reason": reason}

    fake_engine.dtls_unavailable_reason = None
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable")
    assert issue is not None
    assert issue.translation_placeholders == {"ports": "5784", "reason": reason}

    fake_bootstrap.dtls_unavailable_reason = None
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is None


async def test_unloading_stops_both_servers_and_drops_the_issue(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_engine: FakeServer,
    fake_bootstrap: FakeBootstrap,
) -> None:
    fake_bootstrap.dtls_unavailable_reason = "no DTLS here"
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    assert fake_engine.started
    assert fake_bootstrap.started
    assert len(fake_bootstrap.listeners) == 1
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is not None

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert not fake_engine.started
    assert not fake_bootstrap.started
    assert fake_bootstrap.listeners == []
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is None


async def test_bootstrap_server_that_cannot_bind_is_retried_and_stops_the_other(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_engine: FakeServer,
    fake_bootstrap: FakeBootstrap,
) -> None:
    config_entry.add_to_hass(hass)
    with patch.object(FakeBootstrap, "start", side_effect=OSError(98, "Address in use")):
        await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert config_entry.error_reason_translation_key == "bootstrap_start_failed"
    assert config_entry.error_reason_translation_placeholders == {
        "ports": "5783, 5784",
        "error": "[Errno 98] Address in use",
    }
    assert not fake_engine.started
    assert fake_bootstrap.listeners == []


async def test_stored_ddfs_rebuild_the_registry(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_engine: FakeServer
) -> None:
    storage = LwM2MStorage(hass)
    latin = (
        ddf(obj("30002", name="Caf\xe9", items=[item("1")]))
        .replace(b"UTF-8", b"ISO-8859-1")
        .replace("Caf\xe9".encode(), "Caf\xe9".encode("latin-1"))
    )
    storage.ddfs = [
        StoredDDF("good.xml", ddf(obj("30001", name="Pump", items=[item("1")])), ["30001:1.0"]),
        StoredDDF("latin.xml", latin, ["30002:1.0"]),
        StoredDDF("broken.xml", b"<LWM2M>", []),
    ]
    await storage.async_save_ddfs()

    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    registry = config_entry.runtime_data.registry
    assert registry.get(30001) is not None
    assert registry.get(30002).name == "Caf\xe9"


async def test_removing_the_entry_deletes_its_files(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict
) -> None:
    await loaded_entry.runtime_data.storage.async_save_protocols()
    assert "lwm2m.protocols" in hass_storage
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert "lwm2m.protocols" not in hass_storage


async def test_unreadable_stored_records_are_skipped(
    hass: HomeAssistant, hass_storage: dict, caplog: pytest.LogCaptureFixture
) -> None:
    hass_storage["lwm2m.credentials"] = {
        "version": 1,
        "key": "lwm2m.credentials",
        "data": {
            "devices": {"bad": {"endpoint": "bad", "security_mode": "PSK", "lwm2m_psk_id": 5}}
        },
    }
    hass_storage["lwm2m.objects"] = {
        "version": 1,
        "key": "lwm2m.objects",
        "data": {"ddfs": [{"file_name": "x.xml", "base64": "!!"}]},
    }
    storage = LwM2MStorage(hass)
    await storage.async_load()
    assert storage.credentials == {}
    assert storage.ddfs == []
    assert "Stored credentials of bad are unreadable" in caplog.text
