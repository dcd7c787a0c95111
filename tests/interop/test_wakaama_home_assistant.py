"""Eclipse Wakaama's example client through Home Assistant: the integration's real servers
on loopback, the client over plain UDP and over DTLS-PSK (tinydtls)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import (
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    DOMAIN,
    EVENT_REGISTERED,
)
from custom_components.lwm2m.device_lookup import endpoint_device
from custom_components.lwm2m.engine import DeviceCredentials, SecurityMode
from tests.ha.live_network import live_entry, state_change

from .wakaama import WakaamaClient
from .wakaama_session import HOST, PSK, TRANSPORTS, StartWakaama

pytestmark = pytest.mark.interop
__all__ = ["live_entry"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """The integration loads from custom_components/."""


@pytest.fixture(params=TRANSPORTS)
async def wakaama(
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    live_entry: MockConfigEntry,
    start_wakaama: StartWakaama,
) -> WakaamaClient:
    """A Wakaama client registered with Home Assistant, its first reads done."""
    secure = request.param == "dtls"
    endpoint = f"wakaama-{request.param}"
    if secure:
        data = live_entry.runtime_data
        record = DeviceCredentials(
            endpoint, SecurityMode.PSK, lwm2m_psk_id=PSK.identity, lwm2m_psk_key=PSK.key
        )
        await data.hub.async_set_credentials({**data.storage.credentials, endpoint: record})
    port = live_entry.data[CONF_COAPS_PORT if secure else CONF_COAP_PORT]
    registered: asyncio.Future[None] = hass.loop.create_future()

    @callback
    def on_registered(event: Event[dict[str, Any]]) -> None:
        if event.data.get("endpoint") == endpoint and not registered.done():
            registered.set_result(None)

    remove = hass.bus.async_listen(EVENT_REGISTERED, on_registered)
    try:
        client = await start_wakaama(endpoint, (HOST, port), psk=PSK if secure else None)
        async with asyncio.timeout(20):
            await registered
    finally:
        remove()
    await hass.async_block_till_done(wait_background_tasks=True)
    return client


def entity(client: WakaamaClient, platform: str, name: str) -> str:
    return f"{platform}.{client.endpoint.replace('-', '_')}_{name}"


async def call(hass: HomeAssistant, client: WakaamaClient, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"endpoint": client.endpoint, **data},
        blocking=True,
        return_response=service in ("read", "command"),
    )


async def test_device_and_entities_appear(
    hass: HomeAssistant, live_entry: MockConfigEntry, wakaama: WakaamaClient
) -> None:
    device = endpoint_device(hass, live_entry.entry_id, wakaama.endpoint)
    assert device is not None
    assert (device.manufacturer, device.model, device.serial_number, device.sw_version) == (
        "Open Mobile Alliance",
        "Lightweight M2M Client",
        "345000123",
        "1.0",
    )
    battery = hass.states.get(entity(wakaama, "sensor", "battery_level"))
    assert battery is not None
    assert (battery.state, battery.attributes["unit_of_measurement"]) == ("100", "%")
    assert hass.states.get(entity(wakaama, "binary_sensor", "device_error")).state == STATE_OFF
    assert hass.states.get(entity(wakaama, "sensor", "firmware_version")).state == "1.0"


async def test_a_notification_changes_a_state(hass: HomeAssistant, wakaama: WakaamaClient) -> None:
    """Device error (/3/0/11) is observed by default; the client reports a new code."""
    error = entity(wakaama, "binary_sensor", "device_error")
    state = await state_change(
        hass, error, lambda state: state.state == STATE_ON, wakaama.command("change /3/0/11 5")
    )
    assert state.attributes["codes"] == [5]


async def test_read_write_execute_and_command_actions(
    hass: HomeAssistant, wakaama: WakaamaClient
) -> None:
    read = await call(hass, wakaama, "read", path="/3/0/0")
    assert read == {"values": {"/3/0/0": "Open Mobile Alliance"}}

    await call(hass, wakaama, "write", path="/31024/10/1", value=77)
    assert await call(hass, wakaama, "read", path="/31024/10/1") == {"values": {"/31024/10/1": 77}}

    mark = wakaama.mark()
    await call(hass, wakaama, "execute", path="/31024/10/2", arguments="5")
    await wakaama.expect(r"Execute on 31024/10/2\s+Parameter \(1 bytes\):\s+35", since=mark)

    result = await call(hass, wakaama, "command", command="read /3/0/9")
    assert result["values"] == {"/3/0/9": 100}
    await call(hass, wakaama, "command", command="write /31024/10/1 12")
    assert await call(hass, wakaama, "read", path="/31024/10/1") == {"values": {"/31024/10/1": 12}}


async def test_deregistration_makes_the_entities_unavailable(
    hass: HomeAssistant, wakaama: WakaamaClient
) -> None:
    battery = entity(wakaama, "sensor", "battery_level")
    state = await state_change(
        hass, battery, lambda state: state.state == STATE_UNAVAILABLE, wakaama.quit()
    )
    assert state.state == STATE_UNAVAILABLE
