"""Options-flow steps of firmware images: register an uploaded image, or remove one."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import FileSelector, FileSelectorConfig, TextSelector

from ..firmware.library import (
    MAX_IMAGE_BYTES,
    EmptyImageError,
    ImageTooLargeError,
    parse_models,
)
from .base import LwM2MOptionsBase, dropdown
from .uploads import receive_firmware

CONF_FILE = "file"
CONF_NAME = "name"
CONF_VERSION = "version"
CONF_MODELS = "models"
CONF_IMAGE = "image"
ADD_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_FILE): FileSelector(FileSelectorConfig(accept="*/*")),
        vol.Required(CONF_VERSION): TextSelector(),
        vol.Optional(CONF_NAME): TextSelector(),
        vol.Optional(CONF_MODELS): TextSelector(),
    }
)


class FirmwareSteps(LwM2MOptionsBase):
    """firmware_images (menu) -> firmware_add | firmware_remove."""

    async def async_step_firmware_images(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        images = self._data.firmware.library.sorted_images()
        options = ["firmware_add", "firmware_remove"] if images else ["firmware_add"]
        if not images:
            return self.async_show_menu(step_id="firmware_images_none", menu_options=options)
        listing = "\n".join(f"- {image.label}" for image in images)
        return self.async_show_menu(
            step_id="firmware_images",
            menu_options=options,
            description_placeholders={"images": listing},
        )

    async def async_step_firmware_images_none(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The menu while no image is registered (its text says so)."""
        return await self.async_step_firmware_images(user_input)

    async def async_step_firmware_add(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            version = str(user_input[CONF_VERSION]).strip()
            if not version:
                errors[CONF_VERSION] = "firmware_version_required"
            else:
                try:
                    return await self._async_add(user_input, version)
                except ImageTooLargeError:
                    errors[CONF_FILE] = "firmware_too_large"
                except EmptyImageError:
                    errors[CONF_FILE] = "firmware_empty"
        return self.async_show_form(
            step_id="firmware_add",
            data_schema=self.add_suggested_values_to_schema(ADD_SCHEMA, user_input or {}),
            errors=errors,
            description_placeholders={"limit": f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB"},
        )

    async def _async_add(self, user_input: dict[str, Any], version: str) -> ConfigFlowResult:
        firmware = self._data.firmware
        library = firmware.library
        file_name, sha256, size = await self.hass.async_add_executor_job(
            receive_firmware, self.hass, user_input[CONF_FILE], library.folder
        )
        name = str(user_input.get(CONF_NAME) or "").strip() or file_name
        models = parse_models(str(user_input.get(CONF_MODELS) or ""))
        image = await library.async_register(sha256, size, name, version, models)
        firmware.images_changed()
        return self.async_abort(
            reason="firmware_added", description_placeholders={"image": image.label}
        )

    async def async_step_firmware_remove(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        firmware = self._data.firmware
        library = firmware.library
        if user_input is not None and user_input[CONF_IMAGE] in library.images:
            image = library.images[user_input[CONF_IMAGE]]
            await library.async_remove(image.sha256)
            firmware.images_changed()
            return self.async_abort(
                reason="firmware_removed", description_placeholders={"image": image.label}
            )
        images = library.sorted_images()
        if not images:
            return self.async_abort(reason="no_firmware_images")
        choices = [{"value": image.sha256, "label": image.label} for image in images]
        return self.async_show_form(
            step_id="firmware_remove",
            data_schema=vol.Schema({vol.Required(CONF_IMAGE): dropdown(choices)}),
        )
