"""Device actions of LwM2M devices: reboot, factory reset, execute any executable resource
(with arguments), write a writable resource (its validation rules apply), read a resource,
request a registration update.

Texts (a written value, arguments) may hold templates, rendered with the automation's
variables. Home Assistant gives device actions no response: *read* brings the value into
Home Assistant (states, value triggers); ``lwm2m.read`` returns it to a script.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.const import CONF_DEVICE_ID, CONF_TYPE
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
from homeassistant.helpers.typing import ConfigType

from .automation import catalog
from .automation.devices import linked_device, served_device
from .automation.operations import (
    ACTIONS,
    CONF_ARGUMENTS,
    CONF_INSTANCE,
    CONF_VALUE,
    allows,
    async_run,
)
from .automation.resources import device_resources
from .automation.schema import CONF_PATH, resource_path
from .engine import Path
from .errors import validation_error

ACTION_SCHEMA = cv.DEVICE_ACTION_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(sorted(ACTIONS)),
        vol.Optional(CONF_PATH): resource_path,
        vol.Optional(CONF_ARGUMENTS): cv.string,
        vol.Optional(CONF_VALUE): vol.Any(cv.string, vol.Coerce(str)),
        vol.Optional(CONF_INSTANCE): vol.All(vol.Coerce(int), vol.Range(min=0, max=65534)),
    }
)


async def async_validate_action_config(hass: HomeAssistant, config: ConfigType) -> ConfigType:
    """The schema; a resource for the actions that take one, and that the device (when
    its hub is loaded to tell) has it with the operation the action needs."""
    config = ACTION_SCHEMA(config)
    kind = ACTIONS[config[CONF_TYPE]]
    if (CONF_PATH in config) != (kind.needs is not None):
        needs = "needs" if kind.needs is not None else "takes no"
        raise InvalidDeviceAutomationConfig(f"LwM2M action {config[CONF_TYPE]} {needs} path")
    if config[CONF_TYPE] == catalog.WRITE and CONF_VALUE not in config:
        raise InvalidDeviceAutomationConfig("LwM2M action write needs a value")
    served = served_device(hass, config[CONF_DEVICE_ID])
    if served is None or kind.needs is None:
        return config
    device, hub = served
    path = Path.parse(config[CONF_PATH])
    found = {item.path: item.definition for item in device_resources(hub, device.endpoint)}
    if path not in found or not allows(found[path], kind.needs):
        raise InvalidDeviceAutomationConfig(
            f"{device.endpoint} has no resource {path} that allows {kind.needs}"
        )
    return config


async def async_get_actions(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    return catalog.listed(hass, device_id, {}, catalog.actions)


async def async_get_action_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """The resource to execute, write or read (from the device's own), with the
    arguments or the value; the server instance when the device has several."""
    served = served_device(hass, config[CONF_DEVICE_ID])
    if served is None:
        return {}
    device, hub = served
    action_type = config[CONF_TYPE]
    kind = ACTIONS[action_type]
    fields: dict[Any, Any] = {}
    if kind.needs is not None:
        needs = kind.needs
        options = [
            SelectOptionDict(value=str(item.path), label=item.label)
            for item in device_resources(hub, device.endpoint)
            if allows(item.definition, needs)
        ]
        fields[vol.Required(CONF_PATH)] = SelectSelector(
            SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
        )
    if action_type == catalog.EXECUTE:
        fields[vol.Optional(CONF_ARGUMENTS)] = TextSelector()
    elif action_type == catalog.WRITE:
        fields[vol.Required(CONF_VALUE)] = TextSelector()
    elif action_type == catalog.REGISTRATION_UPDATE:
        instances = catalog.server_instances(hub, device.endpoint)
        if len(instances) > 1:
            fields[vol.Optional(CONF_INSTANCE)] = SelectSelector(
                SelectSelectorConfig(
                    options=[str(instance) for instance in instances],
                    mode=SelectSelectorMode.DROPDOWN,
                )
            )
    return {"extra_fields": vol.Schema(fields)} if fields else {}


async def async_call_action_from_config(
    hass: HomeAssistant,
    config: ConfigType,
    variables: dict[str, Any],
    context: Context | None,
) -> None:
    device = linked_device(hass, config[CONF_DEVICE_ID])
    if device is None:
        raise validation_error("unknown_device", device_id=config[CONF_DEVICE_ID])
    hub = device.hub(hass)
    if hub is None:
        raise validation_error("not_loaded")
    await async_run(hass, hub, device.endpoint, config, variables)
