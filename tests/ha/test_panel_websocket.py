"""The panel's websocket API against the real server and simulated devices over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from homeassistant.components import frontend
from homeassistant.core import Context, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.lwm2m.const import CONF_COAP_PORT
from custom_components.lwm2m.device_protocols.settings import ObjectProtocol, ResourceSettings
from custom_components.lwm2m.device_protocols.validation import (
    Operator,
    RuleSet,
    RuleType,
    ValidationRule,
)
from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.panel import PANEL_URL_PATH
from simulator import SimulatedDevice

from .live_network import expected_lingering_timers, live_entry, loopback

__all__ = ["expected_lingering_timers", "live_entry", "loopback"]


async def _device(
    hass: HomeAssistant, entry: MockConfigEntry, endpoint: str, **options: Any
) -> SimulatedDevice:
    simulated = SimulatedDevice(endpoint, auto_update=False, **options)
    await simulated.start()
    await simulated.register(("127.0.0.1", entry.data[CONF_COAP_PORT]))
    await hass.async_block_till_done(wait_background_tasks=True)
    return simulated


@pytest.fixture
async def devices(
    hass: HomeAssistant, live_entry: MockConfigEntry
) -> AsyncIterator[list[SimulatedDevice]]:
    started = [await _device(hass, live_entry, name) for name in ("sim-1", "sim-2")]
    yield started
    for device in started:
        await device.stop()


class Panel:
    """A websocket client of the panel: ``call`` returns the result or raises on an error."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def call(self, message_type: str, **fields: Any) -> Any:
        await self.client.send_json_auto_id({"type": message_type, **fields})
        reply = await self.client.receive_json()
        if not reply["success"]:
            raise PanelError(reply["error"])
        return reply["result"]


class PanelError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error["message"])
        self.error = error


@pytest.fixture
async def panel(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> Panel:
    return Panel(await hass_ws_client(hass))


async def test_the_panel_is_registered_for_admins_and_served_from_the_integration(
    hass: HomeAssistant, live_entry: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    panel = hass.data[frontend.DATA_PANELS][PANEL_URL_PATH]
    assert panel.require_admin
    assert panel.sidebar_title == "LwM2M"
    module_url = panel.config["_panel_custom"]["module_url"]
    client = await hass_client()
    response = await client.get(module_url)
    assert response.status == 200
    assert "lwm2m-panel" in await response.text()

    await hass.config_entries.async_unload(live_entry.entry_id)
    assert PANEL_URL_PATH not in hass.data[frontend.DATA_PANELS]
    assert await hass.config_entries.async_setup(live_entry.entry_id)  # registered again
    assert PANEL_URL_PATH in hass.data[frontend.DATA_PANELS]


async def test_users_who_are_not_admins_are_refused(
    hass: HomeAssistant,
    devices: list[SimulatedDevice],
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    panel = Panel(await hass_ws_client(hass, hass_read_only_access_token))
    with pytest.raises(PanelError) as refused:
        await panel.call("lwm2m/devices")
    assert refused.value.error["code"] == "unauthorized"
    with pytest.raises(PanelError):
        await panel.call("lwm2m/read", endpoint="sim-1", path="/3/0/0")


async def test_the_devices_list(devices: list[SimulatedDevice], panel: Panel) -> None:
    rows = {row["endpoint"]: row for row in (await panel.call("lwm2m/devices"))["devices"]}
    assert set(rows) == {"sim-1", "sim-2"}
    row = rows["sim-1"]
    assert row["state"] == "registered"
    assert row["lwm2m_version"] == "1.1"
    assert row["binding"] == "U"
    assert row["secure"] is False
    assert row["address"].startswith("127.0.0.1:")
    assert row["device_id"]
    assert row["last_seen"] > 0


async def test_the_device_view_has_the_object_tree_and_values(
    devices: list[SimulatedDevice], panel: Panel
) -> None:
    view = await panel.call("lwm2m/device", endpoint="sim-1")
    objects = {obj["id"]: obj for obj in view["objects"]}
    assert objects[3]["name"] == "Device"
    assert objects[3]["instances"] == [0]
    manufacturer = next(r for r in objects[3]["resources"] if r["id"] == 0)
    assert manufacturer["operations"] == "R"
    assert manufacturer["type"] == "String"
    assert objects[3303]["instances"] == [0]
    assert view["values"]["/3/0/0"] == "Simulated Devices Ltd"
    assert view["bootstrap_trigger"] == "/1/0/9"
    assert "/3303/0/5700" in view["observed"]

    with pytest.raises(PanelError) as unknown:
        await panel.call("lwm2m/device", endpoint="nobody")
    assert unknown.value.error["translation_key"] == "unknown_endpoint"
    assert unknown.value.error["message"].startswith("No LwM2M device nobody is known")


async def test_operations_and_their_history(
    hass: HomeAssistant, devices: list[SimulatedDevice], panel: Panel, hass_admin_user: Any
) -> None:
    device = devices[0]
    read = await panel.call("lwm2m/read", endpoint="sim-1", path="/3/0/0")
    assert read == {"values": {"/3/0/0": "Simulated Devices Ltd"}}
    await panel.call("lwm2m/write", endpoint="sim-1", path="/3303/0/5750", value="Attic")
    assert device.value(Path.parse("/3303/0/5750")) == "Attic"
    await panel.call("lwm2m/execute", endpoint="sim-1", path="/3/0/4", arguments="0='x'")
    assert device.executed[-1] == (Path.parse("/3/0/4"), "0='x'")
    await panel.call(
        "lwm2m/write_attributes", endpoint="sim-1", path="/3303/0/5700", pmin=5, pmax=60, gt=30
    )
    created = await panel.call(
        "lwm2m/create", endpoint="sim-1", path="/3303", values={"5750": "Cellar"}
    )
    assert created == {"path": "/3303/1"}
    assert device.value(Path.parse("/3303/1/5750")) == "Cellar"
    await panel.call("lwm2m/delete", endpoint="sim-1", path="/3303/1")
    with pytest.raises(PanelError) as missing:
        await panel.call("lwm2m/read", endpoint="sim-1", path="/3303/7")
    assert missing.value.error["translation_key"] == "request_failed"

    history = (await panel.call("lwm2m/history", endpoint="sim-1"))["history"]
    newest_first = [(entry["operation"], entry["path"], entry["result"]) for entry in history]
    assert newest_first[:7] == [
        ("read", "/3303/7", "4.04"),
        ("delete", "/3303/1", "2.02"),
        ("create", "/3303", "2.01"),
        ("write_attributes", "/3303/0/5700", "2.04"),
        ("execute", "/3/0/4", "2.04"),
        ("write", "/3303/0/5750", "2.04"),
        ("read", "/3/0/0", "2.05"),
    ]
    assert {entry["user"] for entry in history[:7]} == {hass_admin_user.name}
    assert all(entry["duration"] >= 0 for entry in history)


async def test_validation_rules_apply_to_writes(
    hass: HomeAssistant, devices: list[SimulatedDevice], panel: Panel
) -> None:
    with pytest.raises(PanelError) as wrong_type:
        await panel.call("lwm2m/write", endpoint="sim-1", path="/3311/0/5851", value="bright")
    assert wrong_type.value.error["translation_key"] == "invalid_value"


async def test_observe_sends_live_values_and_cancel_stops_them(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, devices: list[SimulatedDevice]
) -> None:
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "lwm2m/device/subscribe", "endpoint": "sim-1"})
    subscription = await client.receive_json()
    assert subscription["success"]
    panel = Panel(client)
    await client.send_json_auto_id(
        {"type": "lwm2m/observe", "endpoint": "sim-1", "path": "/3311/0/5851"}
    )
    devices[0].set_value(Path.parse("/3311/0/5851"), 42)
    seen: dict[str, Any] = {}
    async with asyncio.timeout(10):
        while seen.get("/3311/0/5851") != 42:
            message = await client.receive_json()
            if message.get("type") == "event":
                seen.update(message["event"].get("values", {}))
    del panel


async def test_a_request_to_a_sleeping_device_waits_and_can_be_cancelled(
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    panel: Panel,
    hass_ws_client: WebSocketGenerator,
) -> None:
    sleepy = await _device(hass, live_entry, "sleepy-1", queue_mode=True)
    await sleepy.stop()  # gone without a word: requests go unanswered
    waiting = Panel(await hass_ws_client(hass))
    read = asyncio.ensure_future(waiting.call("lwm2m/read", endpoint="sleepy-1", path="/3/0/0"))
    queued: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while not queued:
            rows = {r["endpoint"]: r for r in (await panel.call("lwm2m/devices"))["devices"]}
            if rows["sleepy-1"]["state"] == "asleep":
                queued = (await panel.call("lwm2m/requests", endpoint="sleepy-1"))["requests"]
            await asyncio.sleep(0.05)
    assert [(r["operation"], r["path"], r["awaited"]) for r in queued] == [("read", "/3/0/0", True)]
    await panel.call("lwm2m/requests/cancel", endpoint="sleepy-1", request_id=queued[0]["id"])
    with pytest.raises(PanelError) as cancelled:
        await read
    assert cancelled.value.error["translation_key"] == "request_cancelled"
    assert (await panel.call("lwm2m/requests", endpoint="sleepy-1"))["requests"] == []
    history = (await panel.call("lwm2m/history", endpoint="sleepy-1"))["history"]
    assert history[0]["result"] == "cancelled"
    with pytest.raises(PanelError) as gone:
        await panel.call("lwm2m/requests/cancel", endpoint="sleepy-1", request_id=queued[0]["id"])
    assert gone.value.error["translation_key"] == "request_not_queued"


async def test_the_shell(devices: list[SimulatedDevice], panel: Panel) -> None:
    result = await panel.call("lwm2m/shell", endpoint="sim-1", command="read /3/0/1")
    assert result["values"] == {"/3/0/1": "SIM-100"}
    with pytest.raises(PanelError) as wrong:
        await panel.call("lwm2m/shell", endpoint="sim-1", command="jump /3")
    assert wrong.value.error["translation_key"] == "command_unknown"


async def test_bootstrap_parameters_are_edited_under_the_import_rules(
    hass: HomeAssistant, devices: list[SimulatedDevice], panel: Panel, live_entry: MockConfigEntry
) -> None:
    shown = await panel.call("lwm2m/bootstrap", endpoint="sim-1")
    assert not shown["stored"]
    assert shown["trigger"] == "/1/0/9"
    rejected = await panel.call(
        "lwm2m/bootstrap/update",
        endpoint="sim-1",
        changes={"securityMode": "PSK", "lwm2m psk_key": "zz"},
    )
    assert not rejected["saved"]
    await panel.call("lwm2m/bootstrap/trigger", endpoint="sim-1")
    assert devices[0].executed[-1][0] == Path.parse("/1/0/9")
    problems = {problem["column"] for problem in rejected["problems"]}
    assert {"lwm2m psk_key", "lwm2m psk_id", "lwm2m server url"} <= problems
    assert all("zz" not in problem["message"] for problem in rejected["problems"])

    saved = await panel.call(
        "lwm2m/bootstrap/update",
        endpoint="sim-1",
        changes={
            "securityMode": "PSK",
            "lwm2m server url": "coaps://192.0.2.1:5684",
            "lwm2m psk_id": "sim-1-id",
            "lwm2m psk_key": "00112233",
            "bootstrap psk_id": "sim-1-bs",
            "bootstrap psk_key": "44556677",
            "registrationLifetime": "600",
        },
    )
    assert saved["saved"], saved["problems"]
    record = live_entry.runtime_data.storage.credentials["sim-1"]
    assert record.lwm2m_psk_key == bytes.fromhex("00112233")
    assert record.registration_lifetime == 600
    cells = {row["column"]: row for row in saved["parameters"]}
    assert cells["lwm2m psk_key"] == {
        "column": "lwm2m psk_key",
        "value": None,
        "write_only": True,
        "set": True,
    }
    assert cells["lwm2m psk_id"]["value"] == "sim-1-id"

    kept = await panel.call(
        "lwm2m/bootstrap/update", endpoint="sim-1", changes={"NAME": "Boiler room"}
    )
    assert kept["saved"]
    record = live_entry.runtime_data.storage.credentials["sim-1"]
    assert record.name == "Boiler room"
    assert record.lwm2m_psk_key == bytes.fromhex("00112233")  # a key left alone stays
    # A device registered without DTLS is not admitted with PSK credentials: it is let go.
    rows = {row["endpoint"]: row for row in (await panel.call("lwm2m/devices"))["devices"]}
    assert rows["sim-1"]["state"] == "offline"


async def test_audit_compares_and_syncs(devices: list[SimulatedDevice], panel: Panel) -> None:
    await panel.call("lwm2m/write", endpoint="sim-2", path="/3303/0/5750", value="Garage")
    audit = await panel.call("lwm2m/audit", endpoint="sim-1", reference="sim-2")
    instances = {row["path"]: row for row in audit["instances"]}
    temperature = instances["/3303/0"]
    assert temperature["different"] >= 1
    differing = {row["path"]: row for row in temperature["values"] if not row["equal"]}
    assert differing["/3303/0/5750"]["value"] == "Living room"
    assert differing["/3303/0/5750"]["reference"] == "Garage"
    assert "/0/0" not in instances  # security objects are never compared

    synced = await panel.call(
        "lwm2m/audit/sync",
        endpoint="sim-1",
        reference="sim-2",
        paths=["/3303/0/5750", "/3/0/0"],
    )
    results = {row["path"]: row for row in synced["results"]}
    assert results["/3303/0/5750"]["ok"]
    assert devices[0].value(Path.parse("/3303/0/5750")) == "Garage"
    assert not results["/3/0/0"]["ok"]  # read-only: the device refuses
    again = await panel.call("lwm2m/audit", endpoint="sim-1", reference="sim-2")
    after = {row["path"]: row for row in again["instances"]}["/3303/0"]
    assert after["different"] == temperature["different"] - 1


async def test_actions_and_entities_are_recorded_with_their_user(
    hass: HomeAssistant, devices: list[SimulatedDevice], panel: Panel, hass_admin_user: Any
) -> None:
    context = Context(user_id=hass_admin_user.id)
    await hass.services.async_call(
        "lwm2m",
        "read",
        {"endpoint": "sim-1", "path": "/3/0/1"},
        blocking=True,
        return_response=True,
        context=context,
    )
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": "switch.sim_1_light_control"},
        blocking=True,
        context=context,
    )
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.sim_1_reboot"}, blocking=True, context=context
    )
    history = (await panel.call("lwm2m/history", endpoint="sim-1"))["history"]
    assert [(e["operation"], e["path"], e["user"]) for e in history[:3]] == [
        ("execute", "/3/0/4", hass_admin_user.name),
        ("write", "/3311/0/5850", hass_admin_user.name),
        ("read", "/3/0/1", hass_admin_user.name),
    ]


async def test_sync_applies_the_validation_rules(
    devices: list[SimulatedDevice], live_entry: MockConfigEntry, panel: Panel
) -> None:
    await panel.call("lwm2m/write", endpoint="sim-2", path="/3303/0/5750", value="Garage")
    refuse_garage = RuleSet(((ValidationRule(RuleType.STRING, Operator.NOT_EQUALS, "Garage"),),))
    protocols = live_entry.runtime_data.storage.protocols
    protocols.objects[3303] = ObjectProtocol({5750: ResourceSettings(rules=refuse_garage)})
    synced = await panel.call(
        "lwm2m/audit/sync", endpoint="sim-1", reference="sim-2", paths=["/3303/0/5750"]
    )
    (result,) = synced["results"]
    assert not result["ok"]
    assert "breaks the validation rules" in result["error"]
    assert devices[0].value(Path.parse("/3303/0/5750")) == "Living room"
