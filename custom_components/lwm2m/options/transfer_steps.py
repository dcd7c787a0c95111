"""Options-flow steps that move device protocols between sites: export to a file under the
configuration directory; import an uploaded file after a preview of what changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import FileSelector, FileSelectorConfig
from homeassistant.util import dt as dt_util

from ..const import LOGGER
from ..device_protocols.file import ProtocolFileError, merged, parse_document, preview
from ..device_protocols.settings import DeviceProtocols
from ..engine import ObjectRegistry
from .base import LwM2MOptionsBase
from .export import EXPORT_FOLDER, protocols_document, write_export
from .uploads import UploadTooLargeError, read_upload

CONF_FILE = "file"


class TransferSteps(LwM2MOptionsBase):
    """export_protocols; import_protocols -> protocols_preview."""

    _imported_protocols: DeviceProtocols | None = None

    async def async_step_export_protocols(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        data = self._data
        protocols = data.storage.protocols
        if not protocols.objects:
            return self.async_abort(reason="no_protocols")
        document = protocols_document(protocols, data.object_registry)
        folder = Path(self.hass.config.path(EXPORT_FOLDER))
        path = await self.hass.async_add_executor_job(write_export, folder, document, dt_util.now())
        count = len(protocols.objects)
        return self.async_abort(
            reason="protocols_exported",
            description_placeholders={
                "path": str(path),
                "objects": f"{count} object" if count == 1 else f"{count} objects",
            },
        )

    async def async_step_import_protocols(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        detail = ""  # the reason a file is refused, shown with the error
        if user_input is not None:
            try:
                _name, content = await self.hass.async_add_executor_job(
                    read_upload, self.hass, user_input[CONF_FILE]
                )
                self._imported_protocols = await self.hass.async_add_executor_job(
                    parse_document, content
                )
            except UploadTooLargeError:
                errors[CONF_FILE] = "file_too_large"
            except ProtocolFileError as err:
                errors[CONF_FILE] = err.key
                detail = err.detail
            else:
                return await self.async_step_protocols_preview()
        return self.async_show_form(
            step_id="import_protocols",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_FILE): FileSelector(
                        FileSelectorConfig(accept=".json,application/json")
                    )
                }
            ),
            errors=errors,
            description_placeholders={"detail": detail},
        )

    async def async_step_protocols_preview(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        imported = self._imported_protocols
        assert imported is not None  # import_protocols leads here with a parsed file
        storage = self._data.storage
        changes = preview(storage.protocols, imported)
        object_registry = self._data.object_registry
        groups = {
            "Added": changes.added,
            "Replaced": changes.replaced,
            "Unchanged": changes.unchanged,
            "Kept as they are (not in the file)": changes.kept,
        }
        listing = [
            f"- {label}: {_objects(object_registry, ids)}" for label, ids in groups.items() if ids
        ]
        placeholders = {"changes": "\n".join(listing) or "- nothing: the file holds no protocol"}
        if user_input is not None:
            storage.protocols = merged(storage.protocols, imported)
            await storage.async_save_protocols()
            await self._data.hub.async_settings_changed()
            LOGGER.info(
                "Imported device protocols: %d objects added, %d replaced, %d unchanged",
                len(changes.added),
                len(changes.replaced),
                len(changes.unchanged),
            )
            done = [
                f"{_objects(object_registry, ids)} {verb}"
                for verb, ids in (("added", changes.added), ("replaced", changes.replaced))
                if ids
            ]
            return self.async_abort(
                reason="protocols_imported",
                description_placeholders={"changes": "; ".join(done) or "nothing changed"},
            )
        return self.async_show_form(
            step_id="protocols_preview", description_placeholders=placeholders
        )


def _objects(object_registry: ObjectRegistry, object_ids: list[int]) -> str:
    names = []
    for object_id in object_ids:
        obj = object_registry.get(object_id)
        names.append(f"{object_id} {obj.name}" if obj is not None else str(object_id))
    return ", ".join(names)
