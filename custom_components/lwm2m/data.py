"""Runtime data of the config entry."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .bootstrap_report import BootstrapReport
from .engine import ObjectRegistry
from .firmware.updates import FirmwareUpdates
from .hub import LwM2MHub
from .operation_history import OperationHistory
from .storage import LwM2MStorage


@dataclass(slots=True)
class LwM2MData:
    """What a loaded entry holds: the hub, its stores, the object registry, the
    firmware updates, the bootstrap outcomes and the operation history."""

    hub: LwM2MHub
    storage: LwM2MStorage
    object_registry: ObjectRegistry
    firmware: FirmwareUpdates
    bootstraps: BootstrapReport
    history: OperationHistory


type LwM2MConfigEntry = ConfigEntry[LwM2MData]
