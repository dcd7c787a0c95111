"""Actions carried out by a simulated device over loopback: what it was sent, what it holds."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.engine import LwM2MEvent, Path, Updated
from simulator import RequestRecord, SimulatedDevice

from .devices import device_of
from .live_network import device, expected_lingering_timers, live_entry, loopback

__all__ = ["device", "expected_lingering_timers", "live_entry", "loopback"]


async def _call(hass: HomeAssistant, service: str, *, response: bool = False, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, {"endpoint": "sim-1", **data}, blocking=True, return_response=response
    )


def _sent(device: SimulatedDevice, method: str, path: str) -> list[RequestRecord]:
    return [
        record for record in device.log.records if (record.method, record.path) == (method, path)
    ]


def _objects_announced(entry: MockConfigEntry) -> asyncio.Future[None]:
    """Done when the device's next registration update changes its objects."""
    announced: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def _heard(event: LwM2MEvent) -> None:
        if isinstance(event, Updated) and "objects" in event.changed and not announced.done():
            announced.set_result(None)
            remove()

    remove = entry.runtime_data.hub.server.add_listener(_heard)
    return announced


async def test_read_returns_values_and_updates_states(
    hass: HomeAssistant, device: SimulatedDevice
) -> None:
    temperature = Path.parse("/3303/0/5700")
    device.store.set(temperature, 30.5)  # changed without a notification
    result = await _call(hass, "read", response=True, path="/3303/0/5700")
    assert result == {"values": {"/3303/0/5700": 30.5}}
    assert hass.states.get("sensor.sim_1_temperature").state == "30.5"


async def test_device_id_targets_the_device(hass: HomeAssistant, device: SimulatedDevice) -> None:
    registered = device_of(hass, "sim-1")
    assert registered is not None
    result = await hass.services.async_call(
        DOMAIN,
        "read",
        {"device_id": registered.id, "path": "/3/0/0"},
        blocking=True,
        return_response=True,
    )
    assert result == {"values": {"/3/0/0": "Simulated Devices Ltd"}}


async def test_execute_observe_cancel_attributes_delete(
    hass: HomeAssistant, live_entry: MockConfigEntry, device: SimulatedDevice
) -> None:
    server = live_entry.runtime_data.hub.server
    minimum = Path.parse("/3303/0/5601")
    await _call(hass, "execute", path="/3/0/4", arguments="0='now'")
    await _call(hass, "observe", path="/3303/0/5601")
    assert server.is_observed("sim-1", minimum)
    await _call(hass, "cancel_observation", path="/3303/0/5601")
    assert not server.is_observed("sim-1", minimum)
    await _call(hass, "write_attributes", path="/3303/0/5700", pmin=5, pmax=30, st=0.5)
    announced = _objects_announced(live_entry)
    await _call(hass, "delete", path="/3303/0")
    async with asyncio.timeout(10):
        await announced  # the device tells its objects again; the hub follows
    await hass.async_block_till_done(wait_background_tasks=True)
    assert device.executed[-1] == (Path.parse("/3/0/4"), "0='now'")
    assert [record.observe for record in _sent(device, "GET", "/3303/0/5601")][-1] == 0
    assert set(_sent(device, "PUT", "/3303/0/5700")[-1].query) == {"pmin=5", "pmax=30", "st=0.5"}
    assert _sent(device, "DELETE", "/3303/0")
    assert 0 not in device.instances(3303)


async def test_command_runs_shell_syntax(
    hass: HomeAssistant, live_entry: MockConfigEntry, device: SimulatedDevice
) -> None:
    server = live_entry.runtime_data.hub.server
    temperature = Path.parse("/3303/0/5700")
    result = await _call(hass, "command", response=True, command="read /3/0/0")
    values = {"/3/0/0": "Simulated Devices Ltd"}
    assert result == {"command": "read", "path": "/3/0/0", "values": values}
    observing = len(_sent(device, "GET", "/3303/0/5700"))
    await _call(hass, "command", command="observe /3303/0/5700")
    assert _sent(device, "GET", "/3303/0/5700")[observing].observe == 0
    await _call(hass, "command", command="execute /3/0/4")
    assert device.executed[-1] == (Path.parse("/3/0/4"), "")
    await _call(hass, "command", command="cancelobservation /3303/0/5700")
    assert not server.is_observed("sim-1", temperature)
    await _call(hass, "command", command="write /3311/0/5750 Reading lamp")
    assert device.value(Path.parse("/3311/0/5750")) == "Reading lamp"
    attributes = "pmin=10&pmax=60&greater=30&less=5&step=0.5&cancel"
    await _call(hass, "command", command=f"writeattr /3303/0/5700 {attributes}")
    query = _sent(device, "PUT", "/3303/0/5700")[-1].query
    assert query == ("pmin=10", "pmax=60", "gt=30.0", "lt=5.0", "st=0.5")

    result = await _call(hass, "command", response=True, command="discover /3")
    assert {"link": "/3/0", "attributes": {}} in result["links"]
    assert {"link": "/3/0/6", "attributes": {"dim": "2"}} in result["links"]
    announced = _objects_announced(live_entry)
    result = await _call(hass, "command", response=True, command='create /3303 {"5750": "Cellar"}')
    assert result["created"] == "/3303/1"
    assert device.instances(3303)[1][5750] == "Cellar"
    async with asyncio.timeout(10):
        await announced
    announced = _objects_announced(live_entry)
    await _call(hass, "command", command="delete /3303/0")
    assert 0 not in device.instances(3303)
    async with asyncio.timeout(10):
        await announced
    await hass.async_block_till_done(wait_background_tasks=True)
