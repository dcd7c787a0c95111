"""Config flow: where the servers listen, what devices are told, who may register."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

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
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            data = normalized(user_input)
            errors, placeholders = await self._async_validate(data, in_use={})
            if not errors:
                return self.async_create_entry(title="LwM2M", data=data)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                server_schema(DEFAULTS), user_input or {}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            data = normalized(user_input)
            errors, placeholders = await self._async_validate(data, in_use=_held_ports(entry))
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                server_schema({**DEFAULTS, **entry.data}), user_input or {}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_validate(
        self, data: Mapping[str, Any], in_use: Mapping[str, int]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Errors by field, and the placeholders they need; ``in_use`` ports are ours."""
        if not _server_uri_valid(data[CONF_SERVER_URI]):
            return {CONF_SERVER_URI: "invalid_server_uri"}, {}
        ports = [data[key] for key in PORT_KEYS]
        if len(set(ports)) != len(ports):
            return {"base": "ports_not_unique"}, {}
        same_address = in_use.get(CONF_BIND_ADDRESS) == data[CONF_BIND_ADDRESS]
        to_probe = [
            data[key] for key in PORT_KEYS if not (same_address and in_use.get(key) == data[key])
        ]
        try:
            taken = await self.hass.async_add_executor_job(
                first_taken_port, data[CONF_BIND_ADDRESS], to_probe
            )
        except BindAddressError:
            return {CONF_BIND_ADDRESS: "invalid_bind_address"}, {}
        if taken is not None:
            field = next(key for key in PORT_KEYS if data[key] == taken)
            return {field: "port_in_use"}, {"port": str(taken)}
        return {}, {}


def _held_ports(entry: ConfigEntry) -> dict[str, Any]:
    """Ports the running entry holds itself: probing them would always fail."""
    if entry.state is not ConfigEntryState.LOADED:
        return {}
    held: dict[str, Any] = {key: entry.data.get(key) for key in PORT_KEYS}
    held[CONF_BIND_ADDRESS] = entry.data.get(CONF_BIND_ADDRESS)
    return held
