"""Both servers in Home Assistant over real loopback UDP: bootstrap, then registration.

Credentials come in through the options flow's CSV import, as an installer's would;
simulated devices bootstrap over plain CoAP and DTLS-PSK, register where they were
told to, and become devices with entities.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_BOOTSTRAPS_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SECURITY_POLICY,
    CONF_SERVER_URI,
    DEFAULT_BIND_ADDRESS,
    DOMAIN,
    EVENT_BOOTSTRAP_FAILED,
    EVENT_BOOTSTRAP_FINISHED,
    PORT_KEYS,
)
from custom_components.lwm2m.diagnostics import (
    async_get_config_entry_diagnostics,
    async_get_device_diagnostics,
)
from custom_components.lwm2m.engine import (
    BootstrapServer,
    DeviceCredentials,
    LwM2MServer,
    SecurityMode,
)
from custom_components.lwm2m.engine.dtls import DtlsStatus, dtls_status
from custom_components.lwm2m.engine.transport.bind_address import dual_stack_available
from simulator import BootstrapError, Quirks, SimulatedDevice
from tests.tinydtls import requires_tinydtls

from .devices import device_of
from .test_end_to_end import expected_lingering_timers, loopback

__all__ = ["expected_lingering_timers", "loopback"]

# tinydtls, the simulator's DTLS client, takes keys of at most 16 bytes.
LWM2M_ID = "lw-7c41e2-secure-1"
LWM2M_KEY = bytes.fromhex("7c41e29d05b3a8f6e1d2c3b4a5968778")
BOOTSTRAP_ID = "bs-3f9a0d-secure-1"
BOOTSTRAP_KEY = bytes.fromhex("3f9a0d6e8b7c5a4d2e1f0a9b8c7d6e5f")


def _csv(coaps: int) -> str:
    """Both rows leave notificationIfDisabled (/1/x/6, Mandatory) empty."""
    return (
        "endpoint id,securityMode,lwm2m server url,lwm2m psk_id,lwm2m psk_key,"
        "bootstrap psk_id,bootstrap psk_key,notificationIfDisabled\n"
        "plain-1,NO_SEC,,,,,,\n"
        f"secure-1,PSK,coaps://127.0.0.1:{coaps},{LWM2M_ID},{LWM2M_KEY.hex()},"
        f"{BOOTSTRAP_ID},{BOOTSTRAP_KEY.hex()},\n"
    )


def _secrets() -> list[str]:
    strings = [LWM2M_ID, BOOTSTRAP_ID]
    for key in (LWM2M_KEY, BOOTSTRAP_KEY):
        strings += [key.hex(), key.hex().upper(), repr(key), repr(key)[2:-1]]
        strings.append(key.decode("latin-1"))
    return strings


def _any_address() -> str:
    """Where an entry on 0.0.0.0 binds on this host."""
    return "::" if dual_stack_available() else "0.0.0.0"


def _udp_socket(host: str) -> socket.socket:
    if ":" not in host:
        return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    return sock


def _free_ports(count: int) -> list[int]:
    """Ports free on the any-address (IPv6 and IPv4 both, where the host has IPv6)."""
    sockets: list[socket.socket] = []
    try:
        while len(sockets) < count:
            sockets.append(_udp_socket(_any_address()))
            sockets[-1].bind((_any_address(), 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _entry_data(address: str, ports: list[int], server_host: str = "127.0.0.1") -> dict[str, Any]:
    coap, coaps, bootstrap, bootstraps = ports
    authority = f"[{server_host}]" if ":" in server_host else server_host
    return {
        CONF_BIND_ADDRESS: address,
        CONF_COAP_PORT: coap,
        CONF_COAPS_PORT: coaps,
        CONF_BOOTSTRAP_PORT: bootstrap,
        CONF_BOOTSTRAPS_PORT: bootstraps,
        CONF_SERVER_URI: f"coap://{authority}:{coap}",
        CONF_SECURITY_POLICY: "strict",
    }


@pytest.fixture(autouse=True)
def _dtls_here() -> None:
    if not dtls_status().available:
        pytest.skip(dtls_status().summary)


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every logger at DEBUG, the integration's, the engine's, aiocoap's and the devices'."""
    caplog.set_level(logging.DEBUG)
    for name in ("custom_components.lwm2m", "aiocoap", "coap-server", "simulator"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def events(hass: HomeAssistant) -> dict[str, list[dict[str, Any]]]:
    seen: dict[str, list[dict[str, Any]]] = {
        EVENT_BOOTSTRAP_FINISHED: [],
        EVENT_BOOTSTRAP_FAILED: [],
    }
    for name, found in seen.items():

        @callback
        def _seen(event: Event, found: list[dict[str, Any]] = found) -> None:
            found.append(dict(event.data))

        hass.bus.async_listen(name, _seen)
    return seen


async def _set_up(hass: HomeAssistant, data: dict[str, Any]) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title="LwM2M", data=data)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def any_address_entry(hass: HomeAssistant, loopback: None) -> AsyncIterator[MockConfigEntry]:
    """An entry on the setup default, 0.0.0.0, with all four ports."""
    entry = await _set_up(hass, _entry_data(DEFAULT_BIND_ADDRESS, _free_ports(4)))
    yield entry
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def _import_csv(
    hass: HomeAssistant, entry: MockConfigEntry, uploaded_file: Callable[..., Any], text: str
) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "import_credentials"}
    )
    with uploaded_file("devices.csv", text.encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["step_id"] == "credentials_preview"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "credentials_imported"


async def _bootstrap_and_register(
    hass: HomeAssistant,
    device: SimulatedDevice,
    bootstrap: tuple[str, int],
    psk: tuple[str, bytes] | None = None,
) -> None:
    await device.start()
    async with asyncio.timeout(30):
        await device.bootstrap(bootstrap, psk=psk)
        await hass.async_block_till_done()
        await device.register_from_bootstrap()
    await hass.async_block_till_done(wait_background_tasks=True)


def _temperature(hass: HomeAssistant, endpoint: str) -> str | None:
    state = hass.states.get(f"sensor.{endpoint.replace('-', '_')}_temperature")
    return None if state is None else state.state


def _ports_free(address: str, ports: list[int]) -> None:
    """Bind each port where the servers did: they must all be released."""
    for port in ports:
        with _udp_socket(address) as sock:
            sock.bind((address, port))


@requires_tinydtls
async def test_csv_import_bootstrap_plain_and_dtls_then_register(
    hass: HomeAssistant,
    any_address_entry: MockConfigEntry,
    uploaded_file: Callable[..., Any],
    everything_logged: pytest.LogCaptureFixture,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """The installer's path: import the CSV, devices bootstrap, register, show up."""
    entry = any_address_entry
    data = entry.data
    engine = entry.runtime_data.hub.engine
    assert engine.host == _any_address()
    assert engine.server.secure_port == data[CONF_COAPS_PORT]
    assert engine.bootstrap is not None
    assert engine.bootstrap.secure_port == data[CONF_BOOTSTRAPS_PORT]
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is None

    await _import_csv(hass, entry, uploaded_file, _csv(data[CONF_COAPS_PORT]))

    # Both refuse Bootstrap-Finish (4.06) while a Mandatory resource is missing.
    validating = Quirks(bootstrap_requires_mandatory=True)
    plain = SimulatedDevice("plain-1", auto_update=False, quirks=validating)
    secure = SimulatedDevice("secure-1", auto_update=False, quirks=validating)
    try:
        await _bootstrap_and_register(hass, plain, ("127.0.0.1", data[CONF_BOOTSTRAP_PORT]))
        await _bootstrap_and_register(
            hass,
            secure,
            ("127.0.0.1", data[CONF_BOOTSTRAPS_PORT]),
            psk=(BOOTSTRAP_ID, BOOTSTRAP_KEY),
        )

        # Each was told the server URI of its kind, and registered there.
        assert plain.server_accounts[0].uri == data[CONF_SERVER_URI]
        assert secure.server_accounts[0].uri == f"coaps://127.0.0.1:{data[CONF_COAPS_PORT]}"
        for client in (plain, secure):  # the specification's default for the empty cell
            assert client.instances(1)[0][6] is True
        registrations = entry.runtime_data.hub.server.registrations
        assert not registrations["plain-1"].secure
        assert registrations["secure-1"].secure

        for endpoint in ("plain-1", "secure-1"):
            device = device_of(hass, endpoint)
            assert device is not None
            assert device.serial_number == f"SN-{endpoint}"
            assert _temperature(hass, endpoint) == "21.5"

        finished = events[EVENT_BOOTSTRAP_FINISHED]
        assert [(item["endpoint"], item["secure"]) for item in finished] == [
            ("plain-1", False),
            ("secure-1", True),
        ]
        assert finished[1]["device_id"] is None  # it bootstrapped before it registered
        assert events[EVENT_BOOTSTRAP_FAILED] == []
        assert "plain-1 was bootstrapped over plain CoAP" in everything_logged.text
        assert "secure-1 was bootstrapped over DTLS" in everything_logged.text

        device = device_of(hass, "secure-1")
        assert device is not None
        device_diagnostics = await async_get_device_diagnostics(hass, entry, device)
        assert device_diagnostics["last_bootstrap"]["result"] == "finished"
        assert device_diagnostics["last_bootstrap"]["secure"] is True
        entry_diagnostics = await async_get_config_entry_diagnostics(hass, entry)
        assert set(entry_diagnostics["bootstraps"]) == {"plain-1", "secure-1"}
        assert (
            entry_diagnostics["servers"]["bootstrap"]["secure_port"] == (data[CONF_BOOTSTRAPS_PORT])
        )
    finally:
        await plain.stop()
        await secure.stop()

    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    _ports_free(_any_address(), [data[key] for key in PORT_KEYS])

    # The test harness's stand-in for storage logs what it stores (Home Assistant's own
    # storage does not): that is the one logger left out.
    for record in everything_logged.records:
        if record.name.startswith("pytest_homeassistant_custom_component"):
            continue
        line = f"{record.name} {record.getMessage()}"
        for secret in _secrets():
            assert secret not in line, line


async def test_refused_bootstraps_fire_failure_events(
    hass: HomeAssistant,
    any_address_entry: MockConfigEntry,
    uploaded_file: Callable[..., Any],
    everything_logged: pytest.LogCaptureFixture,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A PSK device may not bootstrap without DTLS; a stranger not at all."""
    data = any_address_entry.data
    await _import_csv(hass, any_address_entry, uploaded_file, _csv(data[CONF_COAPS_PORT]))
    for endpoint in ("secure-1", "stranger", "secure-1"):
        device = SimulatedDevice(endpoint, auto_update=False)
        await device.start()
        try:
            with pytest.raises(BootstrapError, match="4.03"):
                await device.bootstrap(("127.0.0.1", data[CONF_BOOTSTRAP_PORT]))
        finally:
            await device.stop()
    await hass.async_block_till_done()

    failed = events[EVENT_BOOTSTRAP_FAILED]
    assert failed == [
        {
            "endpoint": "secure-1",
            "device_id": None,
            "step": "request",
            "code": "4.03",
            "reason": "endpoint requires DTLS",
        },
        {
            "endpoint": "stranger",
            "device_id": None,
            "step": "request",
            "code": "4.03",
            "reason": "unknown endpoint",
        },
    ]  # the second refusal of secure-1 is the same failure: not reported again
    warnings = [
        record.getMessage()
        for record in everything_logged.records
        if record.name == "custom_components.lwm2m" and record.levelno == logging.WARNING
    ]
    assert [line for line in warnings if line.startswith("Bootstrap of secure-1")] == [
        "Bootstrap of secure-1 failed at request (4.03): endpoint requires DTLS; the same "
        "failure is not logged again until it bootstraps"
    ]
    bootstraps = any_address_entry.runtime_data.bootstraps
    outcome = bootstraps.last("secure-1")
    assert outcome is not None
    assert (outcome["result"], outcome["code"]) == ("failed", "4.03")


@requires_tinydtls
async def test_ipv6_devices_reach_every_port(
    hass: HomeAssistant,
    loopback: None,
    hass_storage: dict[str, Any],
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """0.0.0.0 serves IPv6 too, on the secure and bootstrap ports as on plain CoAP.

    The PSK record has no server URL of its own (an older import's): the bootstrap
    server hands out the configured URI's host with the CoAPs port.
    """
    if _any_address() != "::":
        pytest.skip("this host has no IPv6")
    ports = _free_ports(4)
    coaps = ports[1]
    record = DeviceCredentials(
        "secure-6",
        SecurityMode.PSK,
        lwm2m_psk_id=LWM2M_ID,
        lwm2m_psk_key=LWM2M_KEY,
        bootstrap_psk_id=BOOTSTRAP_ID,
        bootstrap_psk_key=BOOTSTRAP_KEY,
    )
    hass_storage[f"{DOMAIN}.credentials"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.credentials",
        "data": {"devices": {"secure-6": record.to_dict()}},
    }
    entry = await _set_up(hass, _entry_data(DEFAULT_BIND_ADDRESS, ports, server_host="::1"))
    device = SimulatedDevice("secure-6", auto_update=False, host="::1")
    try:
        await _bootstrap_and_register(
            hass,
            device,
            ("::1", entry.data[CONF_BOOTSTRAPS_PORT]),
            psk=(BOOTSTRAP_ID, BOOTSTRAP_KEY),
        )
        assert device.server_accounts[0].uri == f"coaps://[::1]:{coaps}"
        registration = entry.runtime_data.hub.server.registrations["secure-6"]
        assert registration.secure
        assert registration.address[0] == "::1"
        assert _temperature(hass, "secure-6") == "21.5"
        assert [item["endpoint"] for item in events[EVENT_BOOTSTRAP_FINISHED]] == ["secure-6"]
    finally:
        await device.stop()
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@requires_tinydtls
async def test_host_without_ipv6_binds_ipv4(
    hass: HomeAssistant, loopback: None, uploaded_file: Callable[..., Any]
) -> None:
    """Where no dual-stack socket can be opened, 0.0.0.0 stays 0.0.0.0 for DTLS."""
    with patch(
        "custom_components.lwm2m.engine.transport.bind_address.dual_stack_available",
        return_value=False,
    ):
        entry = await _set_up(hass, _entry_data(DEFAULT_BIND_ADDRESS, _free_ports(4)))
    try:
        engine = entry.runtime_data.hub.engine
        assert engine.host == "0.0.0.0"
        server, bootstrap = engine.server, engine.bootstrap
        assert isinstance(server, LwM2MServer)
        assert isinstance(bootstrap, BootstrapServer)
        for secure in (server.dtls_endpoint, bootstrap.dtls_endpoint):
            assert secure is not None
            assert secure.local_address[0] == "0.0.0.0"
        await _import_csv(hass, entry, uploaded_file, _csv(entry.data[CONF_COAPS_PORT]))
        device = SimulatedDevice("secure-1", auto_update=False)
        try:
            await _bootstrap_and_register(
                hass,
                device,
                ("127.0.0.1", entry.data[CONF_BOOTSTRAPS_PORT]),
                psk=(BOOTSTRAP_ID, BOOTSTRAP_KEY),
            )
            assert server.registrations["secure-1"].secure
        finally:
            await device.stop()
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_without_dtls_a_repair_and_plain_coap_goes_on(
    hass: HomeAssistant, loopback: None, uploaded_file: Callable[..., Any]
) -> None:
    broken = DtlsStatus(False, "the cryptography package is missing")
    ports = _free_ports(4)
    with patch("custom_components.lwm2m.engine.dtls.context.dtls_status", return_value=broken):
        entry = await _set_up(hass, _entry_data("127.0.0.1", ports))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable")
    assert issue is not None
    assert issue.translation_placeholders == {
        "ports": f"{ports[1]}, {ports[3]}",
        "reason": "DTLS unavailable: the cryptography package is missing",
    }
    await _import_csv(hass, entry, uploaded_file, _csv(ports[1]))
    device = SimulatedDevice("plain-1", auto_update=False)
    try:
        await _bootstrap_and_register(hass, device, ("127.0.0.1", ports[2]))
        assert _temperature(hass, "plain-1") == "21.5"
    finally:
        await device.stop()

    # DTLS works again after a restart of the entry: the issue goes.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, "dtls_unavailable") is None
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_reconfigure_moves_both_servers_and_the_uri_they_hand_out(
    hass: HomeAssistant, loopback: None, uploaded_file: Callable[..., Any]
) -> None:
    old = _free_ports(4)
    entry = await _set_up(hass, _entry_data("127.0.0.1", old))
    await _import_csv(hass, entry, uploaded_file, _csv(old[1]))
    new = _free_ports(4)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            **_entry_data("127.0.0.1", new),
            CONF_SERVER_URI: f"coap://localhost:{new[0]}",
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    _ports_free("127.0.0.1", old)

    device = SimulatedDevice("plain-1", auto_update=False)
    await device.start()
    try:
        async with asyncio.timeout(30):
            await device.bootstrap(("127.0.0.1", new[2]))
        assert device.server_accounts[0].uri == f"coap://localhost:{new[0]}"
    finally:
        await device.stop()
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@pytest.mark.parametrize(("taken", "server"), [(1, "LwM2M server"), (2, "bootstrap server")])
async def test_taken_port_retries_the_setup_and_frees_the_others(
    hass: HomeAssistant, loopback: None, taken: int, server: str
) -> None:
    """A port another program holds: setup is retried later, nothing stays bound."""
    ports = _free_ports(4)
    entry = MockConfigEntry(domain=DOMAIN, data=_entry_data("127.0.0.1", ports))
    entry.add_to_hass(hass)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", ports[taken]))
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.SETUP_RETRY
        assert entry.reason is not None
        # Only the taken port is named; this test holds it, so Home Assistant itself does.
        assert entry.error_reason_translation_key == "port_in_use_by"
        assert entry.error_reason_translation_placeholders == {
            "port": str(ports[taken]),
            "server": server,
            "owner": "another integration, inside Home Assistant",
        }
    _ports_free("127.0.0.1", ports)
    await hass.config_entries.async_unload(entry.entry_id)
