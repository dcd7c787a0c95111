"""What each device action does: execute, write, read or request a registration update,
through the same requests as the integration's own actions (validation rules included)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template

from .. import device_requests as requests
from ..engine.model import Operations, ResourceDef
from ..engine.path import Path
from ..errors import validation_error
from ..hub import LwM2MHub
from . import catalog

CONF_ARGUMENTS: Final = "arguments"
CONF_VALUE: Final = "value"
CONF_INSTANCE: Final = "instance"
REGISTRATION_UPDATE_TRIGGER: Final = 8  # /1/x/8, Registration Update Trigger


@dataclass(frozen=True, slots=True)
class ActionKind:
    """An action type: the operation the named resource must allow (None: the action
    names a fixed resource, or none), and the fields it takes beside ``path``."""

    needs: Operations | None
    fixed: Path | None = None


ACTIONS: Final[dict[str, ActionKind]] = {
    catalog.REBOOT_ACTION: ActionKind(None, catalog.REBOOT),
    catalog.FACTORY_RESET_ACTION: ActionKind(None, catalog.FACTORY_RESET),
    catalog.EXECUTE: ActionKind(Operations.E),
    catalog.WRITE: ActionKind(Operations.W),
    catalog.READ: ActionKind(Operations.R),
    catalog.REGISTRATION_UPDATE: ActionKind(None),
}


def allows(definition: ResourceDef, needs: Operations) -> bool:
    return needs in definition.operations


async def async_run(
    hass: HomeAssistant,
    hub: LwM2MHub,
    endpoint: str,
    config: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> None:
    """Carry the action out; errors are Home Assistant's translated ones."""
    action_type = config["type"]
    await _RUNNERS[action_type](hass, hub, endpoint, config, variables)


async def _execute_fixed(
    hass: HomeAssistant,
    hub: LwM2MHub,
    endpoint: str,
    config: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> None:
    path = ACTIONS[config["type"]].fixed
    assert path is not None
    await requests.async_execute(hub, endpoint, path, None)


async def _execute(
    hass: HomeAssistant,
    hub: LwM2MHub,
    endpoint: str,
    config: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> None:
    arguments = _rendered(hass, config.get(CONF_ARGUMENTS), variables)
    await requests.async_execute(hub, endpoint, Path.parse(config["path"]), arguments or None)


async def _write(
    hass: HomeAssistant,
    hub: LwM2MHub,
    endpoint: str,
    config: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> None:
    value = _rendered(hass, config[CONF_VALUE], variables)
    await requests.async_write(hub, endpoint, Path.parse(config["path"]), value)


async def _read(
    hass: HomeAssistant,
    hub: LwM2MHub,
    endpoint: str,
    config: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> None:
    await requests.async_read(hub, endpoint, Path.parse(config["path"]))


async def _registration_update(
    hass: HomeAssistant,
    hub: LwM2MHub,
    endpoint: str,
    config: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> None:
    instances = catalog.server_instances(hub, endpoint)
    instance = config.get(CONF_INSTANCE, instances[0] if instances else None)
    if instance is None or instance not in instances:
        raise validation_error("no_server_instance", endpoint=endpoint)
    path = Path.of(catalog.SERVER_OBJECT, instance, REGISTRATION_UPDATE_TRIGGER)
    await requests.async_execute(hub, endpoint, path, None)


def _rendered(hass: HomeAssistant, raw: Any, variables: Mapping[str, Any]) -> Any:
    """A text with a template in it, rendered with the automation's variables."""
    if not isinstance(raw, str) or "{" not in raw:
        return raw
    return Template(raw, hass).async_render(dict(variables), parse_result=False)


_RUNNERS: Final[
    dict[
        str,
        Callable[
            [HomeAssistant, LwM2MHub, str, Mapping[str, Any], Mapping[str, Any]], Awaitable[None]
        ],
    ]
] = {
    catalog.REBOOT_ACTION: _execute_fixed,
    catalog.FACTORY_RESET_ACTION: _execute_fixed,
    catalog.EXECUTE: _execute,
    catalog.WRITE: _write,
    catalog.READ: _read,
    catalog.REGISTRATION_UPDATE: _registration_update,
}
