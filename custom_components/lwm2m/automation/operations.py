"""What each device action does: execute, write, read or request a registration update,
through the same requests as the integration's own actions (validation rules included)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template

from .. import device_requests as requests
from ..engine import Operations, Path, ResourceDef
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
    await _RUNNERS[config["type"]](_Call(hass, hub, endpoint, config, variables))


@dataclass(frozen=True, slots=True)
class _Call:
    """One run of a device action: where it goes, its config and the automation's
    variables (for the templates its texts may hold)."""

    hass: HomeAssistant
    hub: LwM2MHub
    endpoint: str
    config: Mapping[str, Any]
    variables: Mapping[str, Any]

    @property
    def path(self) -> Path:
        return Path.parse(self.config["path"])

    def rendered(self, key: str) -> Any:
        """The config's text under ``key``, its template rendered with the variables."""
        raw = self.config.get(key)
        if not isinstance(raw, str) or "{" not in raw:
            return raw
        return Template(raw, self.hass).async_render(dict(self.variables), parse_result=False)


async def _execute_fixed(call: _Call) -> None:
    path = ACTIONS[call.config["type"]].fixed
    assert path is not None
    await requests.async_execute(call.hub, call.endpoint, path, None)


async def _execute(call: _Call) -> None:
    arguments = call.rendered(CONF_ARGUMENTS)
    await requests.async_execute(call.hub, call.endpoint, call.path, arguments or None)


async def _write(call: _Call) -> None:
    await requests.async_write(call.hub, call.endpoint, call.path, call.rendered(CONF_VALUE))


async def _read(call: _Call) -> None:
    await requests.async_read(call.hub, call.endpoint, call.path)


async def _registration_update(call: _Call) -> None:
    instances = catalog.server_instances(call.hub, call.endpoint)
    instance = call.config.get(CONF_INSTANCE, instances[0] if instances else None)
    if instance is None or instance not in instances:
        raise validation_error("no_server_instance", endpoint=call.endpoint)
    path = Path.of(catalog.SERVER_OBJECT, instance, REGISTRATION_UPDATE_TRIGGER)
    await requests.async_execute(call.hub, call.endpoint, path, None)


_RUNNERS: Final[dict[str, Callable[[_Call], Awaitable[None]]]] = {
    catalog.REBOOT_ACTION: _execute_fixed,
    catalog.FACTORY_RESET_ACTION: _execute_fixed,
    catalog.EXECUTE: _execute,
    catalog.WRITE: _write,
    catalog.READ: _read,
    catalog.REGISTRATION_UPDATE: _registration_update,
}
