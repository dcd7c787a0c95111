"""Device conditions of LwM2M devices: registered, offline, asleep (queue mode), an alarm
active."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.const import (
    CONF_CONDITION,
    CONF_DEVICE_ID,
    CONF_ENTITY_ID,
    CONF_TYPE,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.condition import ConditionCheckerType
from homeassistant.helpers.typing import ConfigType, TemplateVarsType

from .automation import catalog
from .automation.checks import CHECKS
from .automation.devices import served_device
from .automation.resources import Function
from .automation.schema import CONF_PATH, resource_path
from .engine import Path

CONDITION_SCHEMA = cv.DEVICE_CONDITION_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(sorted(CHECKS)),
        vol.Optional(CONF_PATH): resource_path,
        vol.Optional(CONF_ENTITY_ID): cv.entity_id_or_uuid,
    }
)


async def async_validate_condition_config(hass: HomeAssistant, config: ConfigType) -> ConfigType:
    config = CONDITION_SCHEMA(config)
    condition_type = config[CONF_TYPE]
    if (CONF_PATH in config) != (condition_type == catalog.ALARM_ACTIVE):
        needs = "needs" if condition_type == catalog.ALARM_ACTIVE else "takes no"
        raise InvalidDeviceAutomationConfig(f"LwM2M condition {condition_type} {needs} path")
    served = served_device(hass, config[CONF_DEVICE_ID])
    if served is None or CONF_PATH not in config:
        return config
    device, hub = served
    path = Path.parse(config[CONF_PATH])
    if catalog.resource_item(hub, device.endpoint, path, {Function.ALARM}) is None:
        raise InvalidDeviceAutomationConfig(
            f"{path} of {device.endpoint} has no alarm in its device protocol"
        )
    return config


async def async_get_conditions(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    return catalog.listed(hass, device_id, {CONF_CONDITION: "device"}, catalog.conditions)


@callback
def async_condition_from_config(hass: HomeAssistant, config: ConfigType) -> ConditionCheckerType:
    """False while the device's entry is not loaded or the device is unknown to it."""
    check = CHECKS[config[CONF_TYPE]]
    device_id = config[CONF_DEVICE_ID]
    path = Path.parse(config[CONF_PATH]) if CONF_PATH in config else None

    @callback
    def _checker(hass: HomeAssistant, variables: TemplateVarsType = None) -> bool:
        served = served_device(hass, device_id)
        if served is None:
            return False
        device, hub = served
        return check(hub, device.endpoint, path)

    return _checker
