"""The firmware images registered in Home Assistant: files under the configuration folder,
their metadata in a Store.

Each image is ``<config>/lwm2m/firmware/<sha256>.bin``, written in the executor through a
temporary file and a rename, so a file under its final name is always complete. The Store
``lwm2m.firmware`` lists name, version, models, size and when it was added, by sha256.
An image whose file went missing is left out at load (with a warning).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cmp_to_key
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..engine import FirmwareImage
from .versions import compare_versions

FIRMWARE_FOLDER = ("lwm2m", "firmware")
MAX_IMAGE_BYTES = 16 * 1024 * 1024
STORAGE_VERSION = 1
_CHUNK = 1024 * 1024


class ImageTooLargeError(ValueError):
    """The file is larger than MAX_IMAGE_BYTES."""


class EmptyImageError(ValueError):
    """The file holds no bytes."""


@dataclass(frozen=True, slots=True)
class StoredImage:
    """A registered image's metadata; its bytes are in ``<sha256>.bin``."""

    sha256: str
    name: str
    version: str
    models: tuple[str, ...]
    size: int
    added: float

    def fits(self, model: str | None) -> bool:
        """Whether the image may go onto a device reporting ``model`` (none listed: any)."""
        return not self.models or model in self.models

    @property
    def label(self) -> str:
        models = ", ".join(self.models) or "any model"
        return f"{self.name} {self.version} ({models}, {self.size // 1024} KB)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "models": list(self.models),
            "size": self.size,
            "added": self.added,
        }

    @classmethod
    def from_dict(cls, sha256: str, data: dict[str, Any]) -> StoredImage:
        return cls(
            sha256,
            str(data["name"]),
            str(data["version"]),
            tuple(str(model) for model in data.get("models", [])),
            int(data["size"]),
            float(data.get("added", 0.0)),
        )


def parse_models(text: str) -> tuple[str, ...]:
    """``"SIM-100, SIM-200"`` -> ("SIM-100", "SIM-200"); empty means any model."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def _order(first: StoredImage, second: StoredImage) -> int:
    """By version, then by when it was added."""
    by_version = compare_versions(first.version, second.version)
    if by_version:
        return by_version
    return (first.added > second.added) - (first.added < second.added)


def newest(images: Iterable[StoredImage]) -> StoredImage | None:
    """The image with the highest version (the latest added among equal ones)."""
    ordered = sorted(images, key=cmp_to_key(_order))
    return ordered[-1] if ordered else None


def copy_image(source: Path, folder: Path) -> tuple[str, int]:
    """Copy an uploaded file into ``folder`` as ``<sha256>.bin``; (sha256, size).

    Blocking. Raises ImageTooLargeError or EmptyImageError; nothing is left behind then.
    """
    size = source.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ImageTooLargeError(source.name)
    if size == 0:
        raise EmptyImageError(source.name)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    partial = folder / f".upload-{os.getpid()}-{time.monotonic_ns()}.part"
    try:
        with source.open("rb") as reader, partial.open("wb") as writer:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        sha256 = digest.hexdigest()
        partial.replace(folder / f"{sha256}.bin")
    finally:
        partial.unlink(missing_ok=True)
    return sha256, size


class FirmwareLibrary:
    """The registered images of the config entry."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self.folder = Path(hass.config.path(*FIRMWARE_FOLDER))
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.firmware", private=True, atomic_writes=True
        )
        self.images: dict[str, StoredImage] = {}

    async def async_load(self) -> None:
        data = await self._store.async_load() or {}
        listed: dict[str, StoredImage] = {}
        for sha256, item in data.get("images", {}).items():
            try:
                listed[sha256] = StoredImage.from_dict(sha256, item)
            except (KeyError, TypeError, ValueError) as err:
                LOGGER.warning("A stored firmware image entry is unreadable: %s", err)
        present = await self._hass.async_add_executor_job(self._present, list(listed))
        for sha256 in listed.keys() - present:
            LOGGER.warning(
                "The file of firmware image %s is missing; it was dropped", listed[sha256].label
            )
        self.images = {sha256: image for sha256, image in listed.items() if sha256 in present}

    def file_of(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.bin"

    def _present(self, hashes: list[str]) -> set[str]:
        return {sha256 for sha256 in hashes if self.file_of(sha256).is_file()}

    def sorted_images(self) -> list[StoredImage]:
        """Newest version first."""
        return sorted(self.images.values(), key=cmp_to_key(_order), reverse=True)

    def newest_for(self, model: str | None) -> StoredImage | None:
        return newest(image for image in self.images.values() if image.fits(model))

    def find(self, model: str | None, version: str, name: str | None = None) -> StoredImage | None:
        """The image of ``version`` (and ``name``, when given) that fits ``model``."""
        return newest(
            image
            for image in self.images.values()
            if image.version == version
            and image.fits(model)
            and (name is None or image.name == name)
        )

    async def async_register(
        self, sha256: str, size: int, name: str, version: str, models: tuple[str, ...]
    ) -> StoredImage:
        """List a file ``copy_image`` put in the folder.

        An image with the same bytes gets the new name, version and models; one with the
        same name and version but other bytes is replaced (its file deleted).
        """
        image = StoredImage(sha256, name, version, models, size, time.time())
        replaced = [
            old.sha256
            for old in self.images.values()
            if old.sha256 != sha256 and (old.name, old.version) == (name, version)
        ]
        self.images[sha256] = image
        for old in replaced:
            await self.async_remove(old, save=False)
        await self._async_save()
        return image

    async def async_remove(self, sha256: str, *, save: bool = True) -> None:
        self.images.pop(sha256, None)
        await self._hass.async_add_executor_job(self._delete_file, sha256)
        if save:
            await self._async_save()

    def _delete_file(self, sha256: str) -> None:
        self.file_of(sha256).unlink(missing_ok=True)

    async def async_load_image(self, sha256: str) -> FirmwareImage | None:
        """The image with its bytes, read in the executor; None when it is gone."""
        stored = self.images.get(sha256)
        if stored is None:
            return None
        try:
            data = await self._hass.async_add_executor_job(self.file_of(sha256).read_bytes)
        except OSError as err:
            LOGGER.warning("Reading firmware image %s failed: %s", stored.label, err)
            return None
        try:
            return FirmwareImage(
                stored.name, stored.version, data, sha256=sha256, models=stored.models
            )
        except ValueError as err:  # the file changed on disk
            LOGGER.warning("Firmware image %s is damaged: %s", stored.label, err)
            return None

    async def async_remove_all(self) -> None:
        """The config entry is deleted: every image and the list go."""
        for sha256 in list(self.images):
            await self._hass.async_add_executor_job(self._delete_file, sha256)
        self.images.clear()
        await self._store.async_remove()

    async def _async_save(self) -> None:
        await self._store.async_save(
            {"images": {sha256: image.to_dict() for sha256, image in self.images.items()}}
        )
