"""Firmware updates as the entities and actions see them: the engine's updater, the images
registered in Home Assistant, and the updater's state kept across restarts.

Every change of an update's phase or delivery method is saved (the updater's
``export_state``) in the Store ``lwm2m.firmware_updates``, and once more when the entry
unloads, so a resumed update goes on the way it began. At setup the saved state goes back
into the updater with the registered images looked up by sha256 (an image the device
downloads from elsewhere is named by its URL): an update that was under way resumes once
its device is registered, or fails as ``interrupted`` when its image is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..engine import (
    ACTIVE_PHASES,
    DeliveryMethod,
    DeviceNotRegisteredError,
    ExternalImage,
    FirmwareImage,
    FirmwareProgress,
    FirmwareStatus,
    FirmwareUpdateFinished,
    FirmwareUpdater,
    ImageSource,
    LwM2MEvent,
    LwM2MServer,
    Phase,
    UpdateInProgressError,
)
from ..errors import device_error, validation_error
from ..signals import signal_firmware, signal_firmware_images
from .library import FirmwareLibrary, StoredImage
from .outcomes import async_fire_outcome

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry


STATE_STORAGE_VERSION = 1


def failure_key(status: FirmwareStatus) -> str | None:
    """The translation key of a failed update's reason (``exceptions.firmware_<error>``)."""
    if status.phase is not Phase.FAILED:
        return None
    return f"firmware_{status.error.value if status.error else 'unknown_result'}"


class FirmwareUpdates:
    """One per config entry; ``updater`` is None when the engine has no firmware support."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        library: FirmwareLibrary,
        updater: FirmwareUpdater | None,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.library = library
        self.updater = updater
        self._store: Store[dict[str, Any]] = Store(
            hass,
            STATE_STORAGE_VERSION,
            f"{DOMAIN}.firmware_updates",
            private=True,
            atomic_writes=True,
        )
        self._saved_as: dict[str, tuple[Phase, DeliveryMethod | None]] = {}

    # Lifecycle

    async def async_start(self, server: LwM2MServer) -> None:
        """Listen to the server's firmware events, then resume what the last run left."""
        self.entry.async_on_unload(server.add_listener(self.handle_event))
        if self.updater is None:
            return
        saved = await self._store.async_load()
        if not saved:
            return
        images = await self._async_images_of(saved)
        try:
            self.updater.import_state(saved, images.get)
        except ValueError as err:
            LOGGER.warning("The saved firmware update state is unreadable: %s", err)

    async def _async_images_of(self, saved: dict[str, Any]) -> dict[str, FirmwareImage]:
        """The registered images the saved updates name, read from their files."""
        devices = saved.get("devices")
        wanted = {
            str(item["image_sha256"])
            for item in (devices.values() if isinstance(devices, dict) else ())
            if isinstance(item, dict) and item.get("image_sha256")
        }
        images: dict[str, FirmwareImage] = {}
        for sha256 in wanted:
            image = await self.library.async_load_image(sha256)
            if image is not None:
                images[sha256] = image
        return images

    async def async_stop(self) -> None:
        """Save where every update stands, then stop following them (before the server
        stops, so a restart resumes them)."""
        if self.updater is None:
            return
        await self._store.async_save(self.updater.export_state())
        await self.updater.close()

    async def async_remove(self) -> None:
        await self._store.async_remove()

    # Engine events

    @callback
    def handle_event(self, event: LwM2MEvent) -> None:
        if isinstance(event, FirmwareProgress):
            endpoint, status = event.endpoint, event.status
            stage = (status.phase, status.method)
            before = self._saved_as.get(endpoint)
            if status.phase in ACTIVE_PHASES and (before is None or before[0] not in ACTIVE_PHASES):
                LOGGER.info(
                    "Firmware update of %s to %s %s started (%s)",
                    endpoint,
                    status.image_name or "an image from a URL",
                    status.image_version or "",
                    status.method or "auto",
                )
            if before != stage:
                self._saved_as[endpoint] = stage
                self._schedule_save()
            async_dispatcher_send(self.hass, signal_firmware(self.entry.entry_id, endpoint), status)
        elif isinstance(event, FirmwareUpdateFinished):
            status = event.status
            async_fire_outcome(self.hass, self.entry.entry_id, event.endpoint, status)
            if status.phase is Phase.SUCCEEDED:
                LOGGER.info(
                    "%s runs firmware %s now", event.endpoint, status.installed_version or "-"
                )
            else:
                LOGGER.warning(
                    "The firmware update of %s failed: %s",
                    event.endpoint,
                    status.error.value if status.error else "unknown",
                )

    def _schedule_save(self) -> None:
        updater = self.updater
        if updater is not None:
            self._store.async_delay_save(updater.export_state, 0)

    # Queries and commands

    def status(self, endpoint: str) -> FirmwareStatus:
        return FirmwareStatus() if self.updater is None else self.updater.status(endpoint)

    def _updater(self) -> FirmwareUpdater:
        if self.updater is None:
            raise device_error("firmware_unavailable")
        return self.updater

    async def async_start_update(
        self, endpoint: str, source: StoredImage | ExternalImage
    ) -> FirmwareStatus:
        """Begin installing a registered image, or one the device downloads from
        elsewhere, on ``endpoint``; returns at once."""
        updater = self._updater()
        image = await self._async_image_of(source)
        try:
            return updater.start(endpoint, image)
        except UpdateInProgressError as err:
            raise validation_error("firmware_in_progress", endpoint=endpoint) from err
        except DeviceNotRegisteredError as err:
            raise validation_error("not_registered", endpoint=endpoint) from err

    async def _async_image_of(self, source: StoredImage | ExternalImage) -> ImageSource:
        if isinstance(source, ExternalImage):
            return source
        image = await self.library.async_load_image(source.sha256)
        if image is None:
            raise device_error("firmware_image_missing", image=source.label)
        return image

    async def async_wait(self, endpoint: str) -> FirmwareStatus:
        return await self._updater().wait(endpoint)

    @callback
    def images_changed(self) -> None:
        """The registered images changed: latest versions follow."""
        async_dispatcher_send(self.hass, signal_firmware_images(self.entry.entry_id))


def raise_for_failure(status: FirmwareStatus, endpoint: str) -> None:
    """A failed update as a translated error (succeeded and running ones pass)."""
    key = failure_key(status)
    if key is not None:
        raise device_error(key, endpoint=endpoint)
