"""End to end over real loopback UDP: Home Assistant, the real server, simulated devices."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
    DEFAULT_BIND_ADDRESS,
    DOMAIN,
)
from custom_components.lwm2m.device_protocols.settings import ObjectProtocol, ResourceSettings
from custom_components.lwm2m.engine import DeviceCredentials, Path, SecurityMode
from custom_components.lwm2m.storage import StoredDDF
from simulator import SimulatedDevice
from tests.engine.dtls.client import PskClient, UdpPeer, handshake_over_udp
from tests.engine.dtls.coap import decode, get
from tests.engine.model.ddf_builder import ddf, item, obj

from .devices import device_of
from .live_network import (
    device,
    expected_lingering_timers,
    free_udp_ports,
    live_entry,
    loopback,
    state_change,
)

__all__ = ["device", "expected_lingering_timers", "live_entry", "loopback"]

TEMPERATURE = "sensor.sim_1_temperature"
LIGHT = "switch.sim_1_light_control"
REBOOT = "button.sim_1_reboot"
PUMP_DDF = ddf(obj("30001", name="Pump", version="1.0", items=[item("1", name="Speed")]))


async def _call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"endpoint": "sim-1", **data},
        blocking=True,
        return_response=service in ("read", "discover", "create", "command"),
    )


async def test_registration_makes_a_device_with_sensors(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    entry = device_of(hass, "sim-1")
    assert entry is not None
    assert (entry.manufacturer, entry.model, entry.serial_number) == (
        "Simulated Devices Ltd",
        "SIM-100",
        "SN-sim-1",
    )
    assert entry.sw_version == "1.0.0"
    assert entry.hw_version == "1.2"
    temperature = hass.states.get(TEMPERATURE)
    assert temperature is not None
    assert temperature.state == "21.5"
    assert temperature.attributes["unit_of_measurement"] == "°C"
    assert temperature.attributes["device_class"] == "temperature"
    signal = hass.states.get("sensor.sim_1_signal_strength")
    assert signal is not None
    assert (signal.state, signal.attributes["unit_of_measurement"]) == ("-87", "dBm")


async def test_notification_changes_the_sensor(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    async def notify() -> None:
        device.set_value(Path.of(3303, 0, 5700), 24.75)

    state = await state_change(hass, TEMPERATURE, lambda s: s.state == "24.75", notify())
    assert state.state == "24.75"


async def test_switch_writes_and_button_executes(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    assert hass.states.get(LIGHT).state == "on"
    await hass.services.async_call("switch", "turn_off", {"entity_id": LIGHT}, blocking=True)
    assert device.value(Path.of(3311, 0, 5850)) is False
    assert hass.states.get(LIGHT).state == "off"

    await hass.services.async_call("button", "press", {"entity_id": REBOOT}, blocking=True)
    assert [path for path, _ in device.executed] == [Path.of(3, 0, 4)]


async def test_every_action_against_a_real_device(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    device.set_value(Path.of(3303, 0, 5601), 17.5)
    assert await _call(hass, "read", path="/3303/0/5601") == {"values": {"/3303/0/5601": 17.5}}

    await _call(hass, "write", path="/3303/0/5750", value="Bedroom")
    assert device.value(Path.of(3303, 0, 5750)) == "Bedroom"

    await _call(hass, "execute", path="/3303/0/5605")
    assert (Path.of(3303, 0, 5605), "") in device.executed

    await _call(hass, "write_attributes", path="/3303/0/5602", pmin=1, pmax=30)
    await _call(hass, "observe", path="/3303/0/5602")
    await _call(hass, "cancel_observation", path="/3303/0/5602")

    discovered = await _call(hass, "discover", path="/3303/0")
    assert "/3303/0/5700" in [link["link"] for link in discovered["links"]]

    created = await _call(hass, "create", path="/3303", values={"5750": "Attic"})
    assert created == {"path": "/3303/1"}
    assert device.value(Path.of(3303, 1, 5750)) == "Attic"
    await _call(hass, "delete", path="/3303/1")

    result = await _call(hass, "command", command="read /3/0/0")
    assert result["values"] == {"/3/0/0": "Simulated Devices Ltd"}
    await _call(hass, "command", command="writeattr /3303/0/5700 pmin=2&pmax=60&step=0.5")
    await _call(hass, "command", command="write /3311/0/5851 40")
    assert device.value(Path.of(3311, 0, 5851)) == 40


async def test_deregistration_makes_entities_unavailable(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    state = await state_change(
        hass, TEMPERATURE, lambda s: s.state == STATE_UNAVAILABLE, device.deregister()
    )
    assert state.state == STATE_UNAVAILABLE


async def test_restart_restores_devices_entities_and_imports(
    hass: HomeAssistant, live_entry: MockConfigEntry, device: SimulatedDevice
) -> None:
    storage = live_entry.runtime_data.storage
    storage.credentials["sim-2"] = DeviceCredentials("sim-2", SecurityMode.NO_SEC)
    await storage.async_save_credentials()
    storage.ddfs.append(StoredDDF("pump.xml", PUMP_DDF, ["30001:1.0"]))
    await storage.async_save_ddfs()
    storage.protocols.objects[3303] = ObjectProtocol({5700: ResourceSettings(observe=True)})
    await storage.async_save_protocols()
    assert await hass.config_entries.async_unload(live_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(live_entry.entry_id)
    await hass.async_block_till_done()

    assert device_of(hass, "sim-1") is not None
    assert hass.states.get(TEMPERATURE).state == "21.5"
    data = live_entry.runtime_data
    assert "sim-2" in data.storage.credentials
    assert data.object_registry.get(30001) is not None
    assert data.storage.protocols.get(3303) is not None
    async with asyncio.timeout(10):
        await device.register(("127.0.0.1", live_entry.data[CONF_COAP_PORT]))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert live_entry.runtime_data.hub.devices["sim-1"].registration is not None


async def test_default_bind_address_serves_dtls(
    hass: HomeAssistant, hass_storage: dict[str, Any], loopback: None
) -> None:
    """0.0.0.0, the setup default, serves coaps:// too: no repair issue, handshakes complete."""
    key = b"any-address-key!"
    record = DeviceCredentials(
        "dtls-1", SecurityMode.PSK, lwm2m_psk_id="dtls-1-id", lwm2m_psk_key=key
    )
    hass_storage[f"{DOMAIN}.credentials"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.credentials",
        "data": {"devices": {"dtls-1": record.to_dict()}},
    }
    coap, coaps, bootstrap, bootstraps = free_udp_ports(4)
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={
            CONF_BIND_ADDRESS: DEFAULT_BIND_ADDRESS,
            CONF_COAP_PORT: coap,
            CONF_COAPS_PORT: coaps,
            CONF_BOOTSTRAP_PORT: bootstrap,
            CONF_BOOTSTRAPS_PORT: bootstraps,
            CONF_SERVER_URI: f"coaps://127.0.0.1:{coaps}",
            CONF_SECURITY_POLICY: "strict",
        },
    )
    entry.add_to_hass(hass)
    assert DEFAULT_BIND_ADDRESS == "0.0.0.0"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    try:
        assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is None
        peer = await UdpPeer.connect(coaps)  # connected: answers must come from 127.0.0.1
        client = PskClient(b"dtls-1-id", key)
        try:
            await handshake_over_udp(peer, client)
            peer.send(client.application_data(get("nothing-here")))
            while not (answers := client.take_application_data()):
                client.receive(await peer.receive())
            peer.send(client.close_notify())
        finally:
            peer.close()
        assert str(decode(answers[0]).code) == "4.04 Not Found"
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
