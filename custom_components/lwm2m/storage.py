"""What the integration keeps across restarts, each concern in its own private Store."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .device_protocols.settings import DeviceProtocols
from .engine import DeviceCredentials

STORAGE_VERSION = 1
# The longest what is on disk lags behind, however often things change (plus one write).
DEVICES_MAX_AGE = 20  # seconds; values change often, the file need not follow each one
QUEUE_MAX_AGE = 1  # seconds; a queued request is on disk this soon after it was queued


@dataclass(slots=True)
class StoredDDF:
    """An imported DDF file, kept byte for byte so the registry can be rebuilt from it."""

    file_name: str
    content: bytes
    objects: list[str] = field(default_factory=list)  # "id:version" of what it defines

    def to_dict(self) -> dict[str, Any]:
        try:
            return {"file_name": self.file_name, "xml": self.content.decode(), **self._ids()}
        except UnicodeDecodeError:
            encoded = base64.b64encode(self.content).decode("ascii")
            return {"file_name": self.file_name, "base64": encoded, **self._ids()}

    def _ids(self) -> dict[str, Any]:
        return {"objects": list(self.objects)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredDDF:
        if "base64" in data:
            content = base64.b64decode(data["base64"], validate=True)
        else:
            content = str(data["xml"]).encode()
        return cls(str(data["file_name"]), content, [str(key) for key in data.get("objects", [])])


@dataclass(slots=True)
class KnownDevice:
    """A device that registered once: its last registration and its last values."""

    endpoint: str
    registration: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # path -> json_values.to_stored

    def to_dict(self) -> dict[str, Any]:
        return {"registration": self.registration, "values": self.values}

    @classmethod
    def from_dict(cls, endpoint: str, data: Mapping[str, Any]) -> KnownDevice:
        return cls(endpoint, dict(data.get("registration", {})), dict(data.get("values", {})))


class BoundedAgeSave:
    """Writes a Store at most ``max_age`` seconds after the first change not yet written.

    ``Store.async_delay_save`` moves its write back on every call: with changes more
    frequent than its delay, nothing is written until Home Assistant stops, and a
    power cut loses everything since the start. Here the first unsaved change asks
    for a write ``max_age`` later and the changes after it ride along with that
    write; the next change after it was taken asks for the next one. The Store
    keeps its own final write at shutdown.
    """

    __slots__ = ("_armed", "_data", "_max_age", "_store")

    def __init__(
        self, store: Store[dict[str, Any]], data: Callable[[], dict[str, Any]], max_age: float
    ) -> None:
        self._store = store
        self._data = data
        self._max_age = max_age
        self._armed = False

    def schedule(self) -> None:
        """Something changed: have it on disk within ``max_age``."""
        if not self._armed:
            self._armed = True
            self._store.async_delay_save(self._collect, self._max_age)

    async def async_save_now(self) -> None:
        self._armed = False
        await self._store.async_save(self._data())

    def _collect(self) -> dict[str, Any]:
        # Called when the Store writes (in an executor thread on Home Assistant 2025.4):
        # a change from here on is not in this write and asks for the next one.
        self._armed = False
        return self._data()


class LwM2MStorage:
    """Credentials, imported DDFs, device protocols, known devices and queued requests."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._credentials_store = _store(hass, "credentials")
        self._objects_store = _store(hass, "objects")
        self._protocols_store = _store(hass, "protocols")
        self._devices_store = _store(hass, "devices")
        self._queue_store = _store(hass, "queue")
        self.credentials: dict[str, DeviceCredentials] = {}
        self.ddfs: list[StoredDDF] = []
        self.protocols = DeviceProtocols()
        self.devices: dict[str, KnownDevice] = {}
        self.queue: dict[str, Any] = {}  # endpoint -> queued requests, as the engine exports
        # called just before the devices are written, to bring ``devices`` up to date
        self.before_devices_save: Callable[[], None] | None = None
        self._queue_source: Callable[[], Mapping[str, Any]] = lambda: self.queue
        self._devices_save = BoundedAgeSave(
            self._devices_store, self._devices_data, DEVICES_MAX_AGE
        )
        self._queue_save = BoundedAgeSave(self._queue_store, self._queue_data, QUEUE_MAX_AGE)

    async def async_load(self) -> None:
        credentials = await self._credentials_store.async_load() or {}
        self.credentials = _credentials_from(credentials.get("devices", {}))
        objects = await self._objects_store.async_load() or {}
        self.ddfs = _ddfs_from(objects.get("ddfs", []))
        protocols = await self._protocols_store.async_load() or {}
        self.protocols = DeviceProtocols.from_dict(protocols)
        devices = await self._devices_store.async_load() or {}
        self.devices = {
            endpoint: KnownDevice.from_dict(endpoint, data)
            for endpoint, data in devices.get("devices", {}).items()
        }
        queue = await self._queue_store.async_load() or {}
        self.queue = dict(queue.get("requests", {}))

    async def async_save_credentials(self) -> None:
        devices = {endpoint: record.to_dict() for endpoint, record in self.credentials.items()}
        await self._credentials_store.async_save({"devices": devices})

    async def async_save_ddfs(self) -> None:
        await self._objects_store.async_save({"ddfs": [ddf.to_dict() for ddf in self.ddfs]})

    async def async_save_protocols(self) -> None:
        await self._protocols_store.async_save(self.protocols.to_dict())

    def schedule_save_devices(self) -> None:
        """Known devices changed: on disk within DEVICES_MAX_AGE, however often they do."""
        self._devices_save.schedule()

    async def async_save_devices(self) -> None:
        await self._devices_save.async_save_now()

    def schedule_save_queue(self, requests: Callable[[], Mapping[str, Any]]) -> None:
        """The queue changed: on disk within QUEUE_MAX_AGE; ``requests`` gives its
        content when the file is written."""
        self._queue_source = requests
        self._queue_save.schedule()

    async def async_save_queue(self, requests: Mapping[str, Any]) -> None:
        self._queue_source = lambda: requests
        await self._queue_save.async_save_now()

    async def async_remove(self) -> None:
        """Delete every file: the config entry is gone."""
        for store in (
            self._credentials_store,
            self._objects_store,
            self._protocols_store,
            self._devices_store,
            self._queue_store,
        ):
            await store.async_remove()

    def _queue_data(self) -> dict[str, Any]:
        self.queue = dict(self._queue_source())
        return {"requests": self.queue}

    def _devices_data(self) -> dict[str, Any]:
        if self.before_devices_save is not None:
            self.before_devices_save()
        return {
            "devices": {endpoint: device.to_dict() for endpoint, device in self.devices.items()}
        }


def _store(hass: HomeAssistant, name: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{name}", private=True, atomic_writes=True)


def _credentials_from(data: Mapping[str, Any]) -> dict[str, DeviceCredentials]:
    result: dict[str, DeviceCredentials] = {}
    for endpoint, record in data.items():
        try:
            result[endpoint] = DeviceCredentials.from_dict(record)
        except (ValueError, TypeError):
            # The error text may quote a secret value, so it is not logged.
            LOGGER.error("Stored credentials of %s are unreadable and were skipped", endpoint)
    return result


def _ddfs_from(data: list[Any]) -> list[StoredDDF]:
    result: list[StoredDDF] = []
    for item in data:
        try:
            result.append(StoredDDF.from_dict(item))
        except (KeyError, ValueError, TypeError, binascii.Error) as err:
            LOGGER.error("A stored object definition is unreadable and was skipped: %s", err)
    return result
