"""Helpers of the firmware tests: registering images, recording an entity's states."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event

from custom_components.lwm2m.firmware.library import FirmwareLibrary, StoredImage, copy_image
from simulator import SimulatedDevice

KB = 1024
UPDATE = "update.sim_1_firmware"


def image_bytes(size: int) -> bytes:
    """``size`` bytes that differ from block to block."""
    return b"".join(index.to_bytes(4, "big") for index in range(size // 4 + 1))[:size]


async def add_image(
    hass: HomeAssistant,
    library: FirmwareLibrary,
    tmp_path: FsPath,
    *,
    size: int,
    version: str,
    name: str = "sim-firmware",
    models: tuple[str, ...] = (),
) -> StoredImage:
    """Put an image into the library as the options flow does."""
    source = tmp_path / f"{name}-{version}.bin"
    source.write_bytes(image_bytes(size))
    sha256, stored_size = await hass.async_add_executor_job(copy_image, source, library.folder)
    return await library.async_register(sha256, stored_size, name, version, models)


class StateRecorder:
    """Every new state of one entity, from the moment it is made."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        self.states: list[State] = []
        self._remove = async_track_state_change_event(hass, [entity_id], self._changed)

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None:
            self.states.append(new)

    def attribute(self, name: str, keep: Callable[[State], bool] = lambda _s: True) -> list[Any]:
        return [state.attributes.get(name) for state in self.states if keep(state)]

    def stop(self) -> None:
        self._remove()


async def fetch(device: SimulatedDevice, uri: str) -> Message:
    """A GET of ``uri`` from the device's own socket (so the server sees the device)."""
    return await device.transport.request(Message(code=Code.GET, uri=uri), blockwise=False)
