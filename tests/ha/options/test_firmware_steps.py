"""The options flow's firmware image steps: add an uploaded image, list, remove."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.firmware.library import FirmwareLibrary

IMAGE = b"\x7fELF" + bytes(range(256)) * 8


async def _images_menu(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "firmware_images"}
    )


async def _add(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    content: bytes,
    **fields: str,
) -> dict[str, Any]:
    result = await _images_menu(hass, entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "firmware_add"}
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "firmware_add")
    assert result["description_placeholders"] == {"limit": "16 MB"}
    with uploaded_file("sensor-fw.bin", content) as file_id:
        return await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id, **fields}
        )


def _library(entry: MockConfigEntry) -> FirmwareLibrary:
    library: FirmwareLibrary = entry.runtime_data.firmware.library
    return library


async def test_an_image_is_added_with_its_version_and_models(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    firmware_folder: FsPath,
) -> None:
    result = await _images_menu(hass, loaded_entry)
    assert result["menu_options"] == ["firmware_add"]
    assert result["step_id"] == "firmware_images_none"
    assert result["description_placeholders"] is None

    result = await _add(
        hass, loaded_entry, uploaded_file, IMAGE, version=" 1.4.0 ", models="Thermo 3000, X, X"
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "firmware_added"
    assert result["description_placeholders"] == {
        "image": "sensor-fw.bin 1.4.0 (Thermo 3000, X, 2 KB)"
    }
    (image,) = _library(loaded_entry).images.values()
    assert (image.name, image.version, image.models) == (
        "sensor-fw.bin",
        "1.4.0",
        ("Thermo 3000", "X"),
    )
    assert (firmware_folder / f"{image.sha256}.bin").read_bytes() == IMAGE

    result = await _add(
        hass, loaded_entry, uploaded_file, IMAGE + b"!", version="1.5", name="Thermo"
    )
    assert result["description_placeholders"] == {"image": "Thermo 1.5 (any model, 2 KB)"}
    result = await _images_menu(hass, loaded_entry)
    assert result["menu_options"] == ["firmware_add", "firmware_remove"]
    assert result["description_placeholders"]["images"] == (
        "- Thermo 1.5 (any model, 2 KB)\n- sensor-fw.bin 1.4.0 (Thermo 3000, X, 2 KB)"
    )


async def test_a_version_is_required_and_the_file_must_fit(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, uploaded_file: Callable[[str, bytes], Any]
) -> None:
    result = await _add(hass, loaded_entry, uploaded_file, IMAGE, version="  ")
    assert (result["type"], result["errors"]) == (
        FlowResultType.FORM,
        {"version": "firmware_version_required"},
    )
    result = await _add(hass, loaded_entry, uploaded_file, b"", version="1.0")
    assert result["errors"] == {"file": "firmware_empty"}
    with patch("custom_components.lwm2m.firmware.library.MAX_IMAGE_BYTES", 100):
        result = await _add(hass, loaded_entry, uploaded_file, IMAGE, version="1.0")
    assert result["errors"] == {"file": "firmware_too_large"}
    assert _library(loaded_entry).images == {}


async def test_an_image_is_removed_with_its_file(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    firmware_folder: FsPath,
) -> None:
    await _add(hass, loaded_entry, uploaded_file, IMAGE, version="1.0")
    (sha256,) = _library(loaded_entry).images
    result = await _images_menu(hass, loaded_entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "firmware_remove"}
    )
    assert result["step_id"] == "firmware_remove"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"image": sha256})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "firmware_removed"
    assert result["description_placeholders"] == {"image": "sensor-fw.bin 1.0 (any model, 2 KB)"}
    assert _library(loaded_entry).images == {}
    assert not (firmware_folder / f"{sha256}.bin").exists()


async def test_removing_when_no_image_is_left_aborts(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, uploaded_file: Callable[[str, bytes], Any]
) -> None:
    await _add(hass, loaded_entry, uploaded_file, IMAGE, version="1.0")
    (sha256,) = _library(loaded_entry).images
    result = await _images_menu(hass, loaded_entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "firmware_remove"}
    )
    await _library(loaded_entry).async_remove(sha256)  # another flow removed it meanwhile
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"image": sha256})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_firmware_images"
