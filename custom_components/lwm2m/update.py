"""Update entities: a device's firmware (object 5) against the images registered in Home
Assistant.

The installed version is the device's Firmware Version (/3/0/3), else its PkgVersion
(/5/0/7). The latest is the newest registered image that fits the device's model (/3/0/1);
with none, the installed version (nothing to install). Installing runs the engine's
update (pull where the device can, else push) and waits for its end: progress comes from
the blocks served or sent, and a failure raises its translated reason. The entity follows
an update the shell's ``fwupdate`` started just the same, without a percentage while the
device downloads from a URL elsewhere.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityFeature,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MUpdateDescription
from .discovery import EntityTarget
from .engine import FirmwareStatus, Path, Phase
from .entity import LwM2MEntity, async_setup_platform_entities
from .errors import device_error, validation_error
from .firmware.library import StoredImage
from .firmware.updates import FirmwareUpdates, raise_for_failure
from .firmware.versions import compare_versions
from .hub import LwM2MHub
from .signals import signal_firmware, signal_firmware_images
from .values.device_identity import FIRMWARE_VERSION, MODEL

PARALLEL_UPDATES = 0  # each install is its own device's; they may run side by side
UPDATE_RESULT = 5
PACKAGE_NAME = 6
PACKAGE_VERSION = 7


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    firmware = entry.runtime_data.firmware

    def _entity(hub: LwM2MHub, target: EntityTarget) -> LwM2MEntity:
        return LwM2MFirmwareUpdate(hub, target, firmware)

    async_setup_platform_entities(hass, entry, Platform.UPDATE, async_add_entities, _entity)


class LwM2MFirmwareUpdate(LwM2MEntity, UpdateEntity):
    """The firmware of one device; install picks the latest fitting image or a version."""

    entity_description: LwM2MUpdateDescription

    _attr_device_class = UpdateDeviceClass.FIRMWARE
    _attr_supported_features = (
        UpdateEntityFeature.INSTALL
        | UpdateEntityFeature.PROGRESS
        | UpdateEntityFeature.SPECIFIC_VERSION
        | UpdateEntityFeature.RELEASE_NOTES
    )

    def __init__(self, hub: LwM2MHub, target: EntityTarget, firmware: FirmwareUpdates) -> None:
        super().__init__(hub, target)
        self._firmware = firmware
        instance = target.path.parent
        self._followed = frozenset(
            {
                target.path,
                instance.child(UPDATE_RESULT),
                instance.child(PACKAGE_NAME),
                instance.child(PACKAGE_VERSION),
                FIRMWARE_VERSION,
                MODEL,
            }
        )
        self._status = firmware.status(target.endpoint)

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        entry_id = self.hub.entry.entry_id
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_firmware(entry_id, self.endpoint), self._status_changed
            )
        )
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_firmware_images(entry_id), self.async_write_ha_state
            )
        )

    @property
    def watched_paths(self) -> frozenset[Path]:
        """State, result and package resources, and the device's version and model."""
        return self._followed

    @callback
    def _status_changed(self, status: FirmwareStatus) -> None:
        self._status = status
        self.async_write_ha_state()

    @property
    def entity_picture(self) -> str | None:
        """None: the icon stands for the firmware (this integration has no brand image)."""
        return None

    # What the device runs, what it could run

    @property
    def _model(self) -> str | None:
        model = self.hub.value(self.endpoint, MODEL)
        return None if model is None else str(model)

    @property
    def installed_version(self) -> str | None:
        for path in (FIRMWARE_VERSION, self.path.parent.child(PACKAGE_VERSION)):
            value = self.hub.value(self.endpoint, path)
            if value not in (None, ""):
                return str(value)
        return None

    @property
    def _latest_image(self) -> StoredImage | None:
        return self._firmware.library.newest_for(self._model)

    @property
    def latest_version(self) -> str | None:
        image = self._latest_image
        return self.installed_version if image is None else image.version

    @property
    def release_summary(self) -> str | None:
        image = self._latest_image
        return None if image is None else image.label

    @property
    def title(self) -> str | None:
        name = self.hub.value(self.endpoint, self.path.parent.child(PACKAGE_NAME))
        return None if name in (None, "") else str(name)

    async def async_release_notes(self) -> str | None:
        images = [
            image for image in self._firmware.library.sorted_images() if image.fits(self._model)
        ]
        if not images:
            return None
        return "\n".join(f"- {image.label}" for image in images)

    def version_is_newer(self, latest_version: str, installed_version: str) -> bool:
        return compare_versions(latest_version, installed_version) > 0

    # The update under way

    @property
    def in_progress(self) -> bool:
        return self._status.in_progress

    @property
    def update_percentage(self) -> int | None:
        return self._status.progress if self._status.in_progress else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        status = self._status
        return {
            "phase": status.phase.value,
            "error": status.error.value if status.error else None,
            "warning": status.warning.value if status.warning else None,
            "update_result": self.hub.value(self.endpoint, self.path.parent.child(UPDATE_RESULT)),
            "method": status.method.value if status.method else None,
            "image": status.image_name,
            "image_version": status.image_version,
        }

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        image = self._image_for(version)
        self._status = await self._firmware.async_start_update(self.endpoint, image)
        self.async_write_ha_state()
        status = await self._firmware.async_wait(self.endpoint)
        if status.phase is not Phase.IDLE:
            self._status = status
        if status.in_progress:  # the entry unloads: the update resumes when it is back
            raise device_error("firmware_handed_over", endpoint=self.endpoint)
        await self.hub.async_read_versions(self.endpoint)
        self.async_write_ha_state()
        raise_for_failure(status, self.endpoint)

    def _image_for(self, version: str | None) -> StoredImage:
        library = self._firmware.library
        model = self._model
        image = library.newest_for(model) if version is None else library.find(model, version)
        if image is None:
            raise validation_error("firmware_no_image", version=version or "-", model=model or "-")
        return image
