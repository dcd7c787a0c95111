"""Config flow: where the servers listen, what devices are told, who may register."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import voluptuous as vol
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from .const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
    DEFAULT_BIND_ADDRESS,
    DEFAULT_BOOTSTRAP_PORT,
    DEFAULT_BOOTSTRAPS_PORT,
    DEFAULT_COAP_PORT,
    DEFAULT_COAPS_PORT,
    DEFAULT_SECURITY_POLICY,
    DOMAIN,
    PORT_KEYS,
    SecurityPolicyOption,
)
from .engine import BindAddressError, first_taken_port
from .options.flow import LwM2MOptionsFlow
from .port_conflicts import async_port_owner, free_port_near

DEFAULT_SERVER_URI = f"coap://homeassistant.local:{DEFAULT_COAP_PORT}"
DEFAULTS: dict[str, Any] = {
    CONF_BIND_ADDRESS: DEFAULT_BIND_ADDRESS,
    CONF_COAP_PORT: DEFAULT_COAP_PORT,
    CONF_COAPS_PORT: DEFAULT_COAPS_PORT,
    CONF_BOOTSTRAP_PORT: DEFAULT_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT: DEFAULT_BOOTSTRAPS_PORT,
    CONF_SERVER_URI: DEFAULT_SERVER_URI,
    CONF_SECURITY_POLICY: DEFAULT_SECURITY_POLICY.value,
}
_PORT = NumberSelector(NumberSelectorConfig(min=1, max=65535, step=1, mode=NumberSelectorMode.BOX))


def server_schema(values: Mapping[str, Any]) -> vol.Schema:
    """The server settings form, filled with ``values``."""
    fields: dict[Any, Any] = {
        vol.Required(CONF_BIND_ADDRESS, default=values[CONF_BIND_ADDRESS]): TextSelector(),
    }
    for key in PORT_KEYS:
        fields[vol.Required(key, default=values[key])] = _PORT
    fields[vol.Required(CONF_SERVER_URI, default=values[CONF_SERVER_URI])] = TextSelector()
    fields[vol.Required(CONF_SECURITY_POLICY, default=values[CONF_SECURITY_POLICY])] = (
        SelectSelector(
            SelectSelectorConfig(
                options=[policy.value for policy in SecurityPolicyOption],
                mode=SelectSelectorMode.LIST,
                translation_key=CONF_SECURITY_POLICY,
            )
        )
    )
    return vol.Schema(fields)


def normalized(user_input: Mapping[str, Any]) -> dict[str, Any]:
    data = {**user_input}
    for key in PORT_KEYS:
        data[key] = int(data[key])
    data[CONF_BIND_ADDRESS] = str(data[CONF_BIND_ADDRESS]).strip()
    data[CONF_SERVER_URI] = str(data[CONF_SERVER_URI]).strip()
    return data


def _server_uri_valid(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme in ("coap", "coaps") and bool(parts.hostname) and port != 0


class LwM2MConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set the servers up once; change them later with reconfigure."""

    VERSION = 1
    MINOR_VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> LwM2MOptionsFlow:
        return LwM2MOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        if user_input is not None:
            data = normalized(user_input)
            check = await self._async_validate(data, in_use={})
            if not check.errors:
                return self.async_create_entry(title="LwM2M", data=data)
            suggested = {**user_input, **check.proposal}
        else:
            # A port another program holds is found before anything is entered.
            check = await self._async_check_ports(DEFAULTS, in_use={})
            suggested = check.proposal
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(server_schema(DEFAULTS), suggested),
            errors=check.errors,
            description_placeholders=check.placeholders,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        check = PortCheck()
        suggested: dict[str, Any] = {}
        if user_input is not None:
            data = normalized(user_input)
            check = await self._async_validate(data, in_use=_held_ports(entry))
            if not check.errors:
                return self.async_update_reload_and_abort(entry, data=data)
            suggested = {**user_input, **check.proposal}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                server_schema({**DEFAULTS, **entry.data}), suggested
            ),
            errors=check.errors,
            description_placeholders=check.placeholders,
        )

    async def _async_validate(
        self, data: Mapping[str, Any], in_use: Mapping[str, int]
    ) -> PortCheck:
        """Errors by field with their placeholders; ``in_use`` ports are ours."""
        if not _server_uri_valid(data[CONF_SERVER_URI]):
            return PortCheck({CONF_SERVER_URI: "invalid_server_uri"})
        ports = [data[key] for key in PORT_KEYS]
        if len(set(ports)) != len(ports):
            return PortCheck({"base": "ports_not_unique"})
        return await self._async_check_ports(data, in_use)

    async def _async_check_ports(
        self, data: Mapping[str, Any], in_use: Mapping[str, Any]
    ) -> PortCheck:
        """The first port of ``data`` another program holds, who it is when that can be
        told, and a free port to use instead (with the server URI that follows it)."""
        address = data[CONF_BIND_ADDRESS]
        same_address = in_use.get(CONF_BIND_ADDRESS) == address
        to_probe = [
            data[key] for key in PORT_KEYS if not (same_address and in_use.get(key) == data[key])
        ]
        try:
            taken = await self.hass.async_add_executor_job(first_taken_port, address, to_probe)
        except BindAddressError:
            return PortCheck({CONF_BIND_ADDRESS: "invalid_bind_address"})
        if taken is None:
            return PortCheck()
        taken_key = next(key for key in PORT_KEYS if data[key] == taken)
        owner = await async_port_owner(self.hass, taken)
        others = [data[key] for key in PORT_KEYS]
        free = await self.hass.async_add_executor_job(free_port_near, address, taken, others)
        placeholders = {"port": str(taken), "owner": owner or "", "free": str(free or "")}
        if free is None:
            return PortCheck({taken_key: "port_in_use_no_free"}, placeholders)
        proposal: dict[str, Any] = {taken_key: free}
        uri = _with_port(str(data[CONF_SERVER_URI]), taken, free)
        if uri is not None:
            proposal[CONF_SERVER_URI] = uri
        error = "port_in_use_by" if owner else "port_in_use"
        return PortCheck({taken_key: error}, placeholders, proposal)


@dataclass(frozen=True, slots=True)
class PortCheck:
    """What the form says after a check, and the values it proposes instead."""

    errors: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)
    proposal: dict[str, Any] = field(default_factory=dict)


def _with_port(uri: str, old: int, new: int) -> str | None:
    """``uri`` with port ``new`` where it names ``old``; None when it names another."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    if port != old or parts.hostname is None:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return urlunsplit(parts._replace(netloc=f"{host}:{new}"))


def _held_ports(entry: ConfigEntry) -> dict[str, Any]:
    """Ports the running entry holds itself: probing them would always fail."""
    if entry.state is not ConfigEntryState.LOADED:
        return {}
    held: dict[str, Any] = {key: entry.data.get(key) for key in PORT_KEYS}
    held[CONF_BIND_ADDRESS] = entry.data.get(CONF_BIND_ADDRESS)
    return held
