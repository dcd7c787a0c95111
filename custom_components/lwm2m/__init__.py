"""LwM2M for Home Assistant: an LwM2M server whose devices become Home Assistant devices.

Python runs this module before any ``engine`` module is imported, and the engine is a
library of its own: so this module imports only light parts of Home Assistant at the top
and the rest of the integration inside the functions that need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
    DOMAIN,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from .data import LwM2MConfigEntry
    from .engine import EngineSettings, LwM2MEngine
    from .hub import LwM2MHub

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.DEVICE_TRACKER,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.UPDATE,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    from .panel.websocket import async_register_commands
    from .services import async_setup_services

    async_setup_services(hass)
    async_register_commands(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: LwM2MConfigEntry) -> bool:
    from .bootstrap_report import BootstrapReport
    from .data import LwM2MData
    from .engine import CredentialStore, LwM2MEngine
    from .firmware.library import FirmwareLibrary
    from .firmware.updates import FirmwareUpdates
    from .hub import LwM2MHub
    from .object_registry import build_registry
    from .operation_history import OperationHistory
    from .panel import async_register_panel
    from .port_conflicts import async_describe_bind_failure
    from .repairs import async_update_dtls_issue
    from .storage import LwM2MStorage

    storage = LwM2MStorage(hass)
    await storage.async_load()
    object_registry = await hass.async_add_executor_job(build_registry, storage.ddfs)
    credentials = CredentialStore(storage.credentials.values())
    engine = await LwM2MEngine.create(engine_settings(entry.data), object_registry, credentials)
    hub = LwM2MHub(hass, entry, storage, object_registry, engine)
    library = FirmwareLibrary(hass)
    await library.async_load()
    firmware = FirmwareUpdates(hass, entry, library, engine.firmware)
    bootstraps = BootstrapReport(
        hass,
        device_id=hub.device_id,
        known=lambda endpoint: endpoint in storage.credentials,
    )
    entry.async_on_unload(engine.bootstrap.add_listener(bootstraps.handle_event))
    history = OperationHistory(hass)
    await history.async_load()
    entry.async_on_unload(history.async_save)
    entry.runtime_data = LwM2MData(hub, storage, object_registry, firmware, bootstraps, history)
    hub.restore_known_devices()
    try:
        await _async_start_servers(entry, engine, hub)
    except _PortsUnavailableError as err:  # retried by Home Assistant until the ports are free
        key, placeholders = await async_describe_bind_failure(
            hass,
            entry.data[CONF_BIND_ADDRESS],
            err.server,
            [int(entry.data[port_key]) for port_key in err.port_keys],
            err.__cause__,
        )
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders=placeholders,
        ) from err
    await firmware.async_start(hub.server)
    entry.async_on_unload(firmware.async_stop)  # runs first: updates are saved, then stop
    async_update_dtls_issue(hass, engine.dtls_problems())
    entry.async_on_unload(lambda: async_update_dtls_issue(hass, []))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(await async_register_panel(hass))
    return True


def engine_settings(data: Mapping[str, Any]) -> EngineSettings:
    """The engine's settings from the config entry's."""
    from .engine import EngineSettings, SecurityPolicy

    return EngineSettings(
        server_uri=data[CONF_SERVER_URI],
        bind_address=data[CONF_BIND_ADDRESS],
        coap_port=data[CONF_COAP_PORT],
        coaps_port=data[CONF_COAPS_PORT],
        bootstrap_port=data[CONF_BOOTSTRAP_PORT],
        bootstraps_port=data[CONF_BOOTSTRAPS_PORT],
        policy=SecurityPolicy(data[CONF_SECURITY_POLICY]),
    )


class _PortsUnavailableError(Exception):
    """A server (``server`` or ``bootstrap``) could not bind its ports; the cause is chained."""

    def __init__(self, server: str, port_keys: tuple[str, str]) -> None:
        super().__init__(server)
        self.server = server
        self.port_keys = port_keys


async def _async_start_servers(entry: LwM2MConfigEntry, engine: LwM2MEngine, hub: LwM2MHub) -> None:
    """The LwM2M server first, so bootstrapped devices find it; each stops on unload.

    A port that cannot be bound (another program holds it) raises
    :class:`_PortsUnavailableError`; secure ports DTLS cannot serve here stay closed (see
    the repair). Once both servers listen, no port is reported taken any more.
    """
    from .engine import DtlsError
    from .port_conflicts import async_update_port_issue
    from .repairs import async_watch_session_table

    try:
        await hub.async_start()
    except (OSError, DtlsError) as err:
        raise _PortsUnavailableError("server", (CONF_COAP_PORT, CONF_COAPS_PORT)) from err
    entry.async_on_unload(hub.async_stop)
    entry.async_on_unload(async_watch_session_table(hub.hass, engine.server, "lwm2m"))
    try:
        await engine.bootstrap.start()
    except (OSError, DtlsError) as err:
        ports = (CONF_BOOTSTRAP_PORT, CONF_BOOTSTRAPS_PORT)
        raise _PortsUnavailableError("bootstrap", ports) from err
    entry.async_on_unload(engine.bootstrap.stop)
    entry.async_on_unload(async_watch_session_table(hub.hass, engine.bootstrap, "bootstrap"))
    async_update_port_issue(hub.hass)


async def async_unload_entry(hass: HomeAssistant, entry: LwM2MConfigEntry) -> bool:
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: LwM2MConfigEntry) -> None:
    """The entry is deleted: so are its stored credentials, DDFs, devices and firmware."""
    from .firmware.library import FirmwareLibrary
    from .firmware.updates import FirmwareUpdates
    from .operation_history import OperationHistory
    from .port_conflicts import async_update_port_issue
    from .storage import LwM2MStorage

    async_update_port_issue(hass)
    await LwM2MStorage(hass).async_remove()
    await OperationHistory(hass).async_remove()
    library = FirmwareLibrary(hass)
    await library.async_load()
    await library.async_remove_all()
    await FirmwareUpdates(hass, entry, library, None).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: LwM2MConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Devices that are not registered right now may be removed (and forgotten)."""
    hub = entry.runtime_data.hub
    endpoint = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
    if endpoint is None:
        return True
    state = hub.devices.get(endpoint)
    if state is not None and state.registration is not None:
        return False
    await hub.async_forget(endpoint)
    entry.runtime_data.history.forget(endpoint)
    return True
