"""The config flow: user step, port probing, validation, single entry, reconfigure."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import (
    CONF_BIND_ADDRESS,
    CONF_BOOTSTRAP_PORT,
    CONF_COAP_PORT,
    CONF_COAPS_PORT,
    CONF_SERVER_URI,
    DOMAIN,
)
from custom_components.lwm2m.engine import BindAddressError

from .conftest import ENTRY_DATA
from .fake_server import TableServer
from .live_network import free_udp_ports

PROBE = "custom_components.lwm2m.config_flow.first_taken_port"


@pytest.fixture
def ports_free() -> Iterator[list[tuple[str, list[int]]]]:
    probed: list[tuple[str, list[int]]] = []

    def _probe(address: str, ports: list[int]) -> None:
        probed.append((address, list(ports)))

    with patch(PROBE, _probe):
        yield probed


async def _start(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


async def test_user_step_creates_the_entry(
    hass: HomeAssistant, ports_free: list[Any], fake_engine: TableServer
) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], dict(ENTRY_DATA))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "LwM2M"
    assert result["data"] == ENTRY_DATA
    # The defaults are tried when the form opens, the answer when it is submitted.
    assert ports_free == [
        ("0.0.0.0", [5683, 5684, 5783, 5784]),
        ("127.0.0.1", [5683, 5684, 5783, 5784]),
    ]
    await hass.async_block_till_done()
    assert fake_engine.running


@pytest.mark.parametrize(
    ("uri", "error"),
    [
        ("http://192.0.2.1:5683", "invalid_server_uri"),
        ("coap://", "invalid_server_uri"),
        ("coap://host:99999", "invalid_server_uri"),
        ("coap://host:0", "invalid_server_uri"),
    ],
)
async def test_server_uri_is_checked(
    hass: HomeAssistant, ports_free: list[Any], uri: str, error: str
) -> None:
    result = await _start(hass)
    data = {**ENTRY_DATA, CONF_SERVER_URI: uri}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SERVER_URI: error}


async def test_ports_must_differ(hass: HomeAssistant, ports_free: list[Any]) -> None:
    result = await _start(hass)
    data = {**ENTRY_DATA, CONF_COAPS_PORT: ENTRY_DATA[CONF_COAP_PORT]}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    assert result["errors"] == {"base": "ports_not_unique"}
    assert ports_free == [("0.0.0.0", [5683, 5684, 5783, 5784])]  # when the form opened


@pytest.mark.usefixtures("ports_free")
async def test_unusable_bind_address(hass: HomeAssistant) -> None:
    result = await _start(hass)
    with patch(PROBE, side_effect=BindAddressError("no such address")):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], dict(ENTRY_DATA))
    assert result["errors"] == {CONF_BIND_ADDRESS: "invalid_bind_address"}


@pytest.mark.usefixtures("socket_enabled")
async def test_taken_port_is_reported_by_number(
    hass: HomeAssistant, fake_engine: TableServer
) -> None:
    coap, coaps, bootstrap, bootstraps = free_udp_ports(4)
    result = await _start(hass)
    data = _on_ports(coap, coaps, bootstrap, bootstraps)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", bootstrap))
        result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
        assert result["type"] is FlowResultType.FORM
        # This test holds the port: to the integration, that is Home Assistant itself.
        assert result["errors"] == {CONF_BOOTSTRAP_PORT: "port_in_use_by"}
        placeholders = result["description_placeholders"]
        assert placeholders["port"] == str(bootstrap)
        assert placeholders["owner"] == "another integration, inside Home Assistant"
        free = int(placeholders["free"])
        assert free > bootstrap
        assert free not in (coap, coaps, bootstraps)
        assert _suggested(result)[CONF_BOOTSTRAP_PORT] == free
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY


def _on_ports(coap: int, coaps: int, bootstrap: int, bootstraps: int) -> dict[str, Any]:
    return {
        **ENTRY_DATA,
        CONF_COAP_PORT: coap,
        CONF_COAPS_PORT: coaps,
        CONF_BOOTSTRAP_PORT: bootstrap,
        "bootstraps_port": bootstraps,
    }


def _suggested(result: dict[str, Any]) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


@pytest.mark.usefixtures("socket_enabled")
async def test_a_taken_coap_port_moves_the_server_uri_along(
    hass: HomeAssistant, fake_engine: TableServer
) -> None:
    coap, coaps, bootstrap, bootstraps = free_udp_ports(4)
    result = await _start(hass)
    data = {
        **_on_ports(coap, coaps, bootstrap, bootstraps),
        CONF_SERVER_URI: f"coap://192.0.2.1:{coap}",
    }
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", coap))
        result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    free = int(result["description_placeholders"]["free"])
    assert _suggested(result)[CONF_COAP_PORT] == free
    assert _suggested(result)[CONF_SERVER_URI] == f"coap://192.0.2.1:{free}"


async def test_a_taken_default_port_is_found_when_the_form_opens(
    hass: HomeAssistant, ports_free: list[Any]
) -> None:
    with (
        patch(PROBE, side_effect=[5683, None]),
        patch("custom_components.lwm2m.port_conflicts.first_taken_port", return_value=None),
        patch("custom_components.lwm2m.port_conflicts.udp_port_owner", return_value=None),
    ):
        result = await _start(hass)
    assert result["errors"] == {CONF_COAP_PORT: "port_in_use"}
    assert result["description_placeholders"] == {"port": "5683", "owner": "", "free": "5685"}
    assert _suggested(result)[CONF_COAP_PORT] == 5685  # 5684 is the CoAPs port


async def test_only_one_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def test_reconfigure_changes_the_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, ports_free: list[Any]
) -> None:
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    data = {**ENTRY_DATA, CONF_COAP_PORT: 15683}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_COAP_PORT] == 15683
    # The running entry holds its own ports: only the new one is tried.
    assert ports_free == [("127.0.0.1", [15683])]


async def test_reconfigure_of_a_stopped_entry_tries_every_port(
    hass: HomeAssistant, config_entry: MockConfigEntry, ports_free: list[Any]
) -> None:
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    bad = {**ENTRY_DATA, CONF_SERVER_URI: "ftp://x"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], bad)
    assert result["errors"] == {CONF_SERVER_URI: "invalid_server_uri"}
    with patch("custom_components.lwm2m.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], dict(ENTRY_DATA))
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert ports_free == [("127.0.0.1", [5683, 5684, 5783, 5784])]
