"""Device actions through Home Assistant's automation component and script engine,
against the real server and a simulated device over loopback UDP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from homeassistant.core import Context, Event, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.script import Script, async_validate_actions_config
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.device_protocols.settings import ObjectProtocol, ResourceSettings
from custom_components.lwm2m.device_protocols.validation import (
    Operator,
    RuleSet,
    RuleType,
    ValidationRule,
)
from custom_components.lwm2m.engine import Path
from simulator import SimulatedDevice

from .automation_helpers import (
    APPLICATION_TYPE,
    ran,
    registered_device,
    report_run,
    runs_after,
    set_up_automations,
    simulated,
)
from .live_network import expected_lingering_timers, live_entry, loopback

__all__ = ["expected_lingering_timers", "live_entry", "loopback", "ran", "simulated"]

NOT_TEST = RuleSet(((ValidationRule(RuleType.STRING, Operator.NOT_EQUALS, "test"),),))
MIN_MEASURED = "/3303/0/5601"


def _action(device_id: str, action_type: str, **fields: Any) -> dict[str, Any]:
    return {"domain": DOMAIN, "device_id": device_id, "type": action_type, **fields}


async def _run(hass: HomeAssistant, action: dict[str, Any]) -> None:
    """The action in a script of its own, as Home Assistant runs an automation's."""
    sequence = await async_validate_actions_config(hass, [action])
    await Script(hass, sequence, "test", DOMAIN).async_run(context=Context())


@pytest.fixture
async def sim_1(
    hass: HomeAssistant, live_entry: MockConfigEntry, simulated: SimulatedDevice
) -> str:
    data = live_entry.runtime_data
    data.storage.protocols.objects[3303] = ObjectProtocol({5750: ResourceSettings(rules=NOT_TEST)})
    await data.storage.async_save_protocols()
    await data.hub.async_settings_changed()
    device = await registered_device(hass, simulated, live_entry)
    return device.id


async def test_each_action_from_an_automation(
    hass: HomeAssistant, live_entry: MockConfigEntry, sim_1: str, simulated: SimulatedDevice
) -> None:
    actions = {
        "reboot": _action(sim_1, "reboot"),
        "factory reset": _action(sim_1, "factory_reset"),
        "execute": _action(sim_1, "execute", path="/3303/0/5605", arguments="0='now'"),
        "write": _action(
            sim_1, "write", path=APPLICATION_TYPE, value="Boiler {{ trigger.event.data.n }}"
        ),
        "read": _action(sim_1, "read", path=MIN_MEASURED),
        "update": _action(sim_1, "registration_update"),
    }
    await set_up_automations(
        hass,
        [
            {
                "name": name,
                "triggers": [{"trigger": "event", "event_type": f"act {name}"}],
                "actions": [action, report_run(name)],
            }
            for name, action in actions.items()
        ],
    )

    def _act(name: str, **data: Any) -> Any:
        return runs_after(hass, name, 1, _fire(hass, f"act {name}", data))

    await _act("reboot")
    await _act("factory reset")
    await _act("execute")
    assert [(str(path), args) for path, args in simulated.executed] == [
        ("/3/0/4", ""),
        ("/3/0/5", ""),
        ("/3303/0/5605", "0='now'"),
    ]

    await _act("write", n=7)
    assert simulated.value(Path.parse(APPLICATION_TYPE)) == "Boiler 7"

    simulated.set_value(Path.parse(MIN_MEASURED), 12.5)  # not observed: no notification
    await _act("read")
    assert live_entry.runtime_data.hub.value("sim-1", Path.parse(MIN_MEASURED)) == 12.5

    since = len(simulated.requests)
    await _act("update")
    assert str(simulated.executed[-1][0]) == "/1/0/8"
    await simulated.wait_until(lambda: simulated.location is not None)
    assert any(record.path == "/1/0/8" for record in simulated.requests[since:])


async def test_a_write_its_validation_rules_refuse_never_reaches_the_device(
    hass: HomeAssistant, sim_1: str, simulated: SimulatedDevice
) -> None:
    before = len(simulated.requests)
    with pytest.raises(ServiceValidationError) as refused:
        await _run(hass, _action(sim_1, "write", path=APPLICATION_TYPE, value="test"))
    assert refused.value.translation_key == "validation_failed"
    assert not [record for record in simulated.requests[before:] if record.method == "PUT"]
    assert simulated.value(Path.parse(APPLICATION_TYPE)) == "Living room"


async def _fire(hass: HomeAssistant, event_type: str, data: Mapping[str, Any]) -> None:
    hass.bus.async_fire(event_type, dict(data))


__all__ += ["Event"]
