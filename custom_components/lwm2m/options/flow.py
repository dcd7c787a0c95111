"""Options flow: import credentials and object definitions, device protocols (with their
export and import), firmware images, pending devices."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.helpers.selector import (
    FileSelector,
    FileSelectorConfig,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from ..const import LOGGER
from ..engine import DDFError, LwM2MError, ObjectDef, parse_ddf
from ..storage import StoredDDF
from .credentials_steps import CredentialsSteps
from .firmware_steps import FirmwareSteps
from .rules_steps import RulesSteps
from .transfer_steps import TransferSteps
from .uploads import UploadTooLargeError, read_upload

CONF_FILE = "file"
CONF_ENDPOINT = "endpoint"
CONF_DECISION = "decision"
ACCEPT = "accept"
REJECT = "reject"


class LwM2MOptionsFlow(CredentialsSteps, RulesSteps, TransferSteps, FirmwareSteps):
    """A menu of maintenance tasks; each one ends the flow when it is done.

    The credentials steps live in ``credentials_flow``; the device protocol steps in
    ``protocol_flow``, ``rules_flow`` and ``protocol_transfer_flow``; the firmware image
    steps in ``firmware_flow``.
    """

    def __init__(self) -> None:
        self._imported_objects: list[str] = []

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        return self.async_show_menu(
            step_id="init",
            menu_options=[
                "import_credentials",
                "import_objects",
                "device_protocols",
                "export_protocols",
                "import_protocols",
                "firmware_images",
                "pending",
            ],
        )

    # DDF object definitions

    async def async_step_import_objects(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        reason = ""  # why a file is no usable object definition, shown with the error
        if user_input is not None:
            file_id = user_input.get(CONF_FILE)
            if not file_id:
                if not self._imported_objects:
                    return self.async_abort(reason="no_objects_imported")
                return self.async_abort(
                    reason="objects_imported",
                    description_placeholders=self._imported_placeholders(),
                )
            errors, reason = await self._async_import_ddf(file_id)
        return self.async_show_form(
            step_id="import_more_objects" if self._imported_objects else "import_objects",
            data_schema=vol.Schema(
                {vol.Optional(CONF_FILE): FileSelector(FileSelectorConfig(accept=".xml,text/xml"))}
            ),
            errors=errors,
            description_placeholders={**self._imported_placeholders(), "reason": reason},
        )

    async def async_step_import_more_objects(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The same upload once something was imported (its text lists what)."""
        return await self.async_step_import_objects(user_input)

    def _imported_placeholders(self) -> dict[str, str]:
        return {"imported": ", ".join(self._imported_objects)}

    async def _async_import_ddf(self, file_id: str) -> tuple[dict[str, str], str]:
        try:
            name, content = await self.hass.async_add_executor_job(read_upload, self.hass, file_id)
            objects = await self.hass.async_add_executor_job(parse_ddf, content)
        except DDFError as err:
            return {CONF_FILE: "ddf_invalid"}, err.explanation
        except UploadTooLargeError:
            return {CONF_FILE: "file_too_large"}, ""
        object_registry = self._data.object_registry
        for obj in objects:
            replaced = object_registry.get(obj.id, obj.version) is not None
            object_registry.add(obj)
            verb = "replaced" if replaced else "added"
            self._imported_objects.append(f"{obj.id} {obj.name} {obj.version} ({verb})")
            LOGGER.info(
                "Imported object definition %s %s %s from %s (%s)",
                obj.id,
                obj.name,
                obj.version,
                name,
                verb,
            )
        await self._async_keep_ddf(StoredDDF(name, content, [_key(obj) for obj in objects]))
        await self._data.hub.async_settings_changed()
        return {}, ""

    async def _async_keep_ddf(self, ddf: StoredDDF) -> None:
        """Store the file; files whose every object it redefines are dropped."""
        storage = self._data.storage
        new = set(ddf.objects)
        storage.ddfs = [old for old in storage.ddfs if not set(old.objects) <= new]
        storage.ddfs.append(ddf)
        await storage.async_save_ddfs()

    # Pending devices

    async def async_step_pending(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        hub = self._data.hub
        pending = hub.pending_endpoints()
        errors: dict[str, str] = {}
        if user_input is not None:
            endpoint = user_input[CONF_ENDPOINT]
            accept = user_input[CONF_DECISION] == ACCEPT
            try:
                if accept:
                    await hub.async_accept_pending(endpoint)
                else:
                    hub.reject_pending(endpoint)
            except LwM2MError:
                errors["base"] = "pending_failed"
            else:
                reason = "pending_accepted" if accept else "pending_rejected"
                return self.async_abort(
                    reason=reason, description_placeholders={"endpoint": endpoint}
                )
        if not pending:
            return self.async_abort(reason="no_pending_devices")
        return self.async_show_form(
            step_id="pending",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ENDPOINT): SelectSelector(
                        SelectSelectorConfig(options=pending, mode=SelectSelectorMode.DROPDOWN)
                    ),
                    vol.Required(CONF_DECISION, default=ACCEPT): SelectSelector(
                        SelectSelectorConfig(
                            options=[ACCEPT, REJECT],
                            mode=SelectSelectorMode.LIST,
                            translation_key=CONF_DECISION,
                        )
                    ),
                }
            ),
            errors=errors,
            description_placeholders={"count": str(len(pending))},
        )


def _key(obj: ObjectDef) -> str:
    return f"{obj.id}:{obj.version}"
