"""The engine as the Home Assistant face sees it: the server API it calls, and its creation."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError

from .const import DOMAIN
from .engine.codec import Link
from .engine.credentials_csv import DeviceCredentials
from .engine.events import LwM2MEvent
from .engine.model import ObjectRegistry
from .engine.path import Path
from .engine.registration import Registration


class ObservationHandle(Protocol):
    async def cancel(self, *, active: bool = False) -> None: ...


class ServerAPI(Protocol):
    """The public API of the engine's ``LwM2MServer`` this integration uses."""

    @property
    def port(self) -> int: ...

    @property
    def registrations(self) -> Mapping[str, Registration]: ...

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def add_listener(self, listener: Callable[[LwM2MEvent], None]) -> Callable[[], None]: ...
    async def read(
        self, endpoint: str, path: Path, *, accept: int | None = None
    ) -> dict[Path, Any]: ...
    async def write(
        self,
        endpoint: str,
        path: Path,
        values: Mapping[Path, Any],
        *,
        partial: bool = False,
        content_format: int | None = None,
    ) -> None: ...
    async def write_attributes(self, endpoint: str, path: Path, **attributes: Any) -> None: ...
    async def discover(self, endpoint: str, path: Path) -> list[Link]: ...
    async def execute(self, endpoint: str, path: Path, args: str | None = None) -> None: ...
    async def create(self, endpoint: str, path: Path, values: Mapping[Path, Any]) -> Path: ...
    async def delete(self, endpoint: str, path: Path) -> None: ...
    async def observe(
        self, endpoint: str, path: Path, *, accept: int | None = None
    ) -> ObservationHandle: ...
    async def cancel_observation(
        self, endpoint: str, path: Path, *, active: bool = False
    ) -> None: ...
    def accept_pending(self, endpoint: str) -> Registration: ...
    def reject_pending(self, endpoint: str) -> None: ...
    def export_queue(self) -> Mapping[str, list[dict[str, Any]]]: ...
    def import_queue(self, data: Mapping[str, Any]) -> None: ...


@dataclass(slots=True)
class Engine:
    """A created engine: its server and the hooks the hub needs beside the server API."""

    server: ServerAPI
    set_credentials: Callable[[Mapping[str, DeviceCredentials]], None]


async def async_create_engine(
    hass: HomeAssistant,
    config: Mapping[str, Any],
    registry: ObjectRegistry,
    credentials: Mapping[str, DeviceCredentials],
) -> Engine:
    """Build the engine from the config entry's data; the server is not started yet.

    The engine's server module lands separately; until it is there, setting the entry up
    fails with a clear error instead of a traceback.
    """
    try:
        importlib.import_module(f"{__package__}.engine.server")
    except ModuleNotFoundError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="engine_unavailable"
        ) from err
    raise ConfigEntryError(translation_domain=DOMAIN, translation_key="engine_unavailable")
