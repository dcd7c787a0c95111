"""Device triggers of LwM2M devices: registration, bootstrap and firmware outcomes, alarms
raised and cleared, values received.

An automation started by one finds the details in ``trigger.value``, ``trigger.path`` and
``trigger.attributes`` (see ``automation/variables.py``).
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_ENTITY_ID,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .automation import catalog
from .automation.bus_triggers import BUS_TRIGGERS, attach_bus_trigger
from .automation.devices import linked_device, served_device
from .automation.resource_triggers import RESOURCE_TRIGGERS, attach_resource_trigger
from .automation.schema import CONF_PATH, CONF_SEVERITY, resource_path
from .device_protocols.alarms import Severity
from .engine import Path

# Each resource trigger type with its device-wide form ("any"), which takes no path.
ANY_FORMS = {
    catalog.ANY_VALUE_RECEIVED: catalog.VALUE_RECEIVED,
    **dict(zip(catalog.ANY_ALARM_TRIGGERS, catalog.ALARM_TRIGGERS, strict=True)),
}
RESOURCE_TYPES = frozenset(RESOURCE_TRIGGERS)
TRIGGER_TYPES = frozenset({*BUS_TRIGGERS, *RESOURCE_TRIGGERS, *ANY_FORMS})
ALARM_TYPES = frozenset({*catalog.ALARM_TRIGGERS, *catalog.ANY_ALARM_TRIGGERS})
# Selector option keys are lower case (translations need them so); the alarms' are not.
SEVERITIES = [severity.value.lower() for severity in Severity]

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(sorted(TRIGGER_TYPES)),
        vol.Optional(CONF_PATH): resource_path,
        vol.Optional(CONF_ENTITY_ID): cv.entity_id_or_uuid,
        vol.Optional(CONF_SEVERITY): vol.All(
            cv.ensure_list, [vol.All(cv.string, vol.Lower, vol.In(SEVERITIES))]
        ),
    }
)


async def async_validate_trigger_config(hass: HomeAssistant, config: ConfigType) -> ConfigType:
    """The schema, and that a resource trigger names a resource with what it needs (when
    the device's hub is loaded to tell)."""
    config = TRIGGER_SCHEMA(config)
    trigger_type = config[CONF_TYPE]
    if (CONF_PATH in config) != (trigger_type in RESOURCE_TYPES):
        needs = "needs" if trigger_type in RESOURCE_TYPES else "takes no"
        raise InvalidDeviceAutomationConfig(f"LwM2M trigger {trigger_type} {needs} path")
    if CONF_SEVERITY in config and trigger_type not in ALARM_TYPES:
        raise InvalidDeviceAutomationConfig(f"LwM2M trigger {trigger_type} takes no severity")
    served = served_device(hass, config[CONF_DEVICE_ID])
    if served is None or CONF_PATH not in config:
        return config
    device, hub = served
    functions = set(RESOURCE_TRIGGERS[trigger_type])
    if catalog.resource_item(hub, device.endpoint, Path.parse(config[CONF_PATH]), functions):
        return config
    raise InvalidDeviceAutomationConfig(
        f"{config[CONF_PATH]} of {device.endpoint} has no "
        + " or ".join(sorted(function.label for function in functions))
        + " in its device protocol"
    )


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    return catalog.listed(hass, device_id, {CONF_PLATFORM: "device"}, catalog.triggers)


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """Alarm triggers may be narrowed to some severities."""
    if config[CONF_TYPE] not in ALARM_TYPES:
        return {}
    severities = SelectSelector(
        SelectSelectorConfig(
            options=SEVERITIES,
            multiple=True,
            mode=SelectSelectorMode.LIST,
            translation_key="alarm_severity",
        )
    )
    return {"extra_fields": vol.Schema({vol.Optional(CONF_SEVERITY): severities})}


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    trigger_type = config[CONF_TYPE]
    device = linked_device(hass, config[CONF_DEVICE_ID])
    if device is None:
        raise InvalidDeviceAutomationConfig(f"No LwM2M device {config[CONF_DEVICE_ID]}")
    if trigger_type in BUS_TRIGGERS:
        return attach_bus_trigger(hass, device, trigger_type, action, trigger_info)
    path = Path.parse(config[CONF_PATH]) if CONF_PATH in config else None
    severities = frozenset(config[CONF_SEVERITY]) if config.get(CONF_SEVERITY) else None
    return attach_resource_trigger(
        hass,
        device,
        ANY_FORMS.get(trigger_type, trigger_type),
        path,
        severities,
        action,
        trigger_info,
    )
