"""Setting the entry up: the engine seam, start failures, the DTLS repair, stored data."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.port_owner import PortOwner
from custom_components.lwm2m.storage import LwM2MStorage, StoredDDF
from tests.engine.model.ddf_builder import ddf, item, obj

from .fake_server import LoopbackBootstrap, TableServer

PROBE = "custom_components.lwm2m.port_conflicts.first_taken_port"
OWNER = "custom_components.lwm2m.port_conflicts.udp_port_owner"


async def test_a_taken_port_is_named_with_its_owner_and_repaired(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_engine: TableServer
) -> None:
    """Only the port another program holds is named, with who holds it, in the message and
    in a repair issue that goes once the entry starts."""
    config_entry.add_to_hass(hass)
    with (
        patch.object(TableServer, "start", side_effect=OSError(98, "Address in use")),
        patch(PROBE, return_value=5684),
        patch(OWNER, return_value=PortOwner(4321, "coiotd")),
    ):
        await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert config_entry.error_reason_translation_key == "port_in_use_by"
    placeholders = {"port": "5684", "server": "LwM2M server", "owner": "coiotd (process 4321)"}
    assert config_entry.error_reason_translation_placeholders == placeholders
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "port_in_use")
    assert issue is not None
    assert (issue.translation_key, issue.translation_placeholders) == (
        "port_in_use_by",
        placeholders,
    )
    assert issue.severity is ir.IssueSeverity.ERROR

    assert await hass.config_entries.async_reload(config_entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, "port_in_use") is None


async def _async_setup_with_port_taken(
    hass: HomeAssistant, config_entry: MockConfigEntry, server: type, port: int
) -> None:
    """Set the entry up while another program, whose owner is out of sight, holds ``port``
    of ``server``."""
    config_entry.add_to_hass(hass)
    with (
        patch.object(server, "start", side_effect=OSError(98, "Address in use")),
        patch(PROBE, return_value=port),
        patch(OWNER, return_value=None),
    ):
        await hass.config_entries.async_setup(config_entry.entry_id)


async def test_an_unknown_owner_and_other_bind_errors(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_engine: TableServer
) -> None:
    await _async_setup_with_port_taken(hass, config_entry, TableServer, 5683)
    assert config_entry.error_reason_translation_key == "port_in_use"
    assert config_entry.error_reason_translation_placeholders["port"] == "5683"
    await hass.config_entries.async_unload(config_entry.entry_id)

    refused = OSError(99, "Cannot assign requested address")
    with patch.object(TableServer, "start", side_effect=refused):
        await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.error_reason_translation_key == "server_start_failed"
    assert config_entry.error_reason_translation_placeholders == {
        "ports": "5683, 5684",
        "error": "Cannot assign requested address",  # no raw [Errno 99]
    }


async def test_dtls_problem_raises_one_repair_issue_until_fixed(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_engine: TableServer,
    fake_bootstrap: LoopbackBootstrap,
) -> None:
    """Both servers without DTLS, for the same reason: one issue, both ports, one reason."""
    reason = "DTLS unavailable: the cryptography package is missing"
    fake_engine.refuse_dtls(reason)
    fake_bootstrap.refuse_dtls(reason)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    issues = [issue for (domain, _), issue in ir.async_get(hass).issues.items() if domain == DOMAIN]
    assert len(issues) == 1
    assert issues[0].issue_id == "dtls_unavailable"
    assert issues[0].translation_placeholders == {"ports": "5684, 5784", "reason": reason}

    fake_engine.refuse_dtls(None)
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable")
    assert issue is not None
    assert issue.translation_placeholders == {"ports": "5784", "reason": reason}

    fake_bootstrap.refuse_dtls(None)
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is None


async def test_unloading_stops_both_servers_and_drops_the_issue(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_engine: TableServer,
    fake_bootstrap: LoopbackBootstrap,
) -> None:
    fake_bootstrap.refuse_dtls("no DTLS here")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    assert fake_engine.running
    assert fake_bootstrap.running
    assert fake_bootstrap.listener_count == 1
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is not None

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert not fake_engine.running
    assert not fake_bootstrap.running
    assert fake_bootstrap.listener_count == 0
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is None


async def test_bootstrap_server_that_cannot_bind_is_retried_and_stops_the_other(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_engine: TableServer,
    fake_bootstrap: LoopbackBootstrap,
) -> None:
    await _async_setup_with_port_taken(hass, config_entry, LoopbackBootstrap, 5783)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert config_entry.error_reason_translation_key == "port_in_use"
    assert config_entry.error_reason_translation_placeholders == {
        "port": "5783",
        "server": "bootstrap server",
        "owner": "",
    }
    assert not fake_engine.running
    assert fake_bootstrap.listener_count == 0


async def test_stored_ddfs_rebuild_the_registry(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_engine: TableServer
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
    registry = config_entry.runtime_data.object_registry
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
