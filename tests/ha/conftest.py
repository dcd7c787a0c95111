"""Fixtures of the Home Assistant tests: the real servers on loopback in front of a device
table (see fake_server.py), a loaded entry, device data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
    DOMAIN,
)
from custom_components.lwm2m.engine import (
    CredentialStore,
    DeviceCredentials,
    DtlsProblem,
    EngineSettings,
    LwM2MEngine,
)

from .fake_server import LoopbackBootstrap, TableServer
from .live_network import loopback

__all__ = ["loopback"]


ENTRY_DATA = {
    CONF_BIND_ADDRESS: "127.0.0.1",
    CONF_COAP_PORT: 5683,
    CONF_COAPS_PORT: 5684,
    CONF_BOOTSTRAP_PORT: 5783,
    CONF_BOOTSTRAPS_PORT: 5784,
    CONF_SERVER_URI: "coap://192.0.2.1:5683",
    CONF_SECURITY_POLICY: "pending",
}

SENSOR_DEVICE_OBJECTS = {
    "/1": {"ver": "1.1"},
    "/1/0": {},
    "/3": {"ver": "1.1"},
    "/3/0": {},
    "/3303": {"ver": "1.1"},
    "/3303/0": {},
    "/3311/0": {},
    "/3304/0": {},
}
SENSOR_DEVICE_VALUES = {
    "/3/0/0": "Acme",
    "/3/0/1": "Thermo 3000",
    "/3/0/2": "SN-42",
    "/3/0/3": "1.2.3",
    "/3/0/9": 87,
    "/3/0/18": 7,
    "/3/0/11/0": 0,
    "/3/0/6/0": 1,
    "/3/0/6/1": 5,
    "/3303/0/5700": 21.5,
    "/3303/0/5601": 18.0,
    "/3304/0/5700": 40.0,
    "/3311/0/5850": False,
    "/3311/0/5851": 20,
    "/3311/0/5750": "Lamp",
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Every test with a Home Assistant may load the integration from custom_components/;
    a test of plain logic starts no Home Assistant."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture(autouse=True)
def firmware_folder(tmp_path: FsPath) -> Iterator[FsPath]:
    """Firmware images go to the test's own folder, not the shared test configuration."""
    folder = tmp_path / "firmware"
    with patch("custom_components.lwm2m.firmware.library.FIRMWARE_FOLDER", (str(folder),)):
        yield folder


@pytest.fixture
async def fake_server(hass: HomeAssistant, loopback: None) -> AsyncIterator[TableServer]:
    server = TableServer()
    yield server
    if server.running:
        await server.stop()


@pytest.fixture
async def fake_bootstrap(hass: HomeAssistant, loopback: None) -> AsyncIterator[LoopbackBootstrap]:
    bootstrap = LoopbackBootstrap()
    yield bootstrap
    if bootstrap.running:
        await bootstrap.stop()


@pytest.fixture
def credentials_seen() -> list[dict[str, Any]]:
    return []


class RecordingStore(CredentialStore):
    """The engine's credential store, remembering every set of records it was given."""

    def __init__(self, seen: list[dict[str, Any]], records: Any) -> None:
        self._seen = seen
        super().__init__(records)

    def set_all(self, credentials: Iterable[DeviceCredentials]) -> None:
        records = list(credentials)
        self._seen.append({record.endpoint: record for record in records})
        super().set_all(records)


@dataclass
class FakeEngine:
    """The engine's front door with the loopback server doubles and no firmware updater."""

    settings: EngineSettings
    server: TableServer
    bootstrap: LoopbackBootstrap
    credentials: CredentialStore
    host: str
    firmware: None = None

    def dtls_problems(self) -> list[DtlsProblem]:
        return LwM2MEngine.dtls_problems(self)  # type: ignore[arg-type]


@pytest.fixture
def fake_engine(
    fake_server: TableServer,
    fake_bootstrap: LoopbackBootstrap,
    credentials_seen: list[dict[str, Any]],
) -> Iterator[TableServer]:
    """The integration builds this fake instead of the real engine."""

    async def _create(
        settings: EngineSettings, objects: Any, credentials: CredentialStore
    ) -> FakeEngine:
        records = list(credentials)
        credentials_seen.append({record.endpoint: record for record in records})
        return FakeEngine(
            settings=settings,
            server=fake_server,
            bootstrap=fake_bootstrap,
            credentials=RecordingStore(credentials_seen, records),
            host=settings.bind_address,
        )

    with patch.object(LwM2MEngine, "create", _create):
        yield fake_server


@pytest.fixture
def config_entry() -> MockConfigEntry:
    return MockConfigEntry(domain=DOMAIN, title="LwM2M", data=dict(ENTRY_DATA))


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_engine: TableServer
) -> AsyncIterator[MockConfigEntry]:
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
def register_sensor_device(hass: HomeAssistant, fake_server: TableServer) -> Callable[..., Any]:
    """Register a device with temperature, humidity and light objects; returns a coroutine."""

    async def _register(endpoint: str = "dev-1", **kwargs: Any) -> None:
        fake_server.register(endpoint, SENSOR_DEVICE_OBJECTS, SENSOR_DEVICE_VALUES, **kwargs)
        await hass.async_block_till_done()

    return _register


@pytest.fixture
def uploaded_file(tmp_path: FsPath) -> Callable[[str, bytes], Any]:
    """Patch file uploads: ``uploaded_file(name, content)`` returns a context manager."""

    @contextmanager
    def _upload(name: str, content: bytes) -> Iterator[str]:
        path = tmp_path / name
        path.write_bytes(content)

        @contextmanager
        def _process(hass: HomeAssistant, file_id: str) -> Iterator[FsPath]:
            yield path

        with patch("custom_components.lwm2m.options.uploads.process_uploaded_file", _process):
            yield "0b7a3f8e-3c9a-4a52-9a0c-9d4d3c2e1f00"

    return _upload
