"""Actions against the server double: input checks, responses and translated errors (the
actions a device carries out are in test_services_on_device.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.engine import (
    InvalidResponseError,
    Link,
    LwM2MError,
    Path,
    QueueFullError,
    RequestFailedError,
    RequestTimeoutError,
    ResponseTimeoutError,
)

from .fake_server import TableServer


@pytest.fixture(autouse=True)
async def _device(
    loaded_entry: MockConfigEntry, register_sensor_device: Callable[..., Any]
) -> None:
    await register_sensor_device()


async def _call(hass: HomeAssistant, service: str, *, response: bool = False, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, {"endpoint": "dev-1", **data}, blocking=True, return_response=response
    )


async def test_unknown_device_id(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=config_entry.entry_id, identifiers={("other", "x")}
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "read",
            {"device_id": other.id, "path": "/3"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "unknown_device"


async def test_write_converts_by_resource_type(
    hass: HomeAssistant, fake_server: TableServer
) -> None:
    await _call(hass, "write", path="/3311/0/5851", value="55")
    await _call(hass, "write", path="/3311/0", value={"5850": "on", "5750": "Desk"})
    await _call(hass, "write", path="/3/0/6", value=[1, 2])
    writes = fake_server.requests("write")
    assert writes[0][3] == {Path.parse("/3311/0/5851"): 55}
    assert writes[1][3] == {Path.parse("/3311/0/5850"): True, Path.parse("/3311/0/5750"): "Desk"}
    assert writes[2][3] == {Path.parse("/3/0/6/0"): 1, Path.parse("/3/0/6/1"): 2}
    assert hass.states.get("number.dev_1_light_control_dimmer").state == "55.0"
    assert hass.states.get("sensor.dev_1_available_power_sources") is None  # only on request


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        ("/3311/0/5851", "500", "invalid_value"),
        ("/3311/0/5850", "maybe", "invalid_value"),
        ("/3311/0", "x", "instance_needs_mapping"),
        ("/3311/0", {"abc": 1}, "invalid_resource_id"),
        ("/3311/0", {"70000": 1}, "invalid_resource_id"),
        ("/3311", 1, "write_needs_instance"),
        ("3311/0", 1, "invalid_path"),
    ],
)
async def test_bad_write_input(hass: HomeAssistant, path: str, value: Any, key: str) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "write", path=path, value=value)
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("execute", {"path": "/3/0"}, "execute_needs_resource"),
        ("delete", {"path": "/3303"}, "delete_needs_instance"),
        ("create", {"path": "/3303/0/5700"}, "create_needs_object"),
        ("write_attributes", {"path": "/3303/0/5700"}, "no_attributes"),
    ],
)
async def test_bad_request_shapes(
    hass: HomeAssistant, service: str, data: dict[str, Any], key: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, service, **data)
    assert err.value.translation_key == key


async def test_discover_and_create_respond(hass: HomeAssistant, fake_server: TableServer) -> None:
    fake_server.table.links = [Link("/3303/0/5700", {"pmin": "10"}), Link("/3303/0/5601", {})]
    result = await _call(hass, "discover", response=True, path="/3303/0")
    assert result == {
        "links": [
            {"link": "/3303/0/5700", "attributes": {"pmin": "10"}},
            {"link": "/3303/0/5601", "attributes": {}},
        ]
    }
    result = await _call(hass, "create", response=True, path="/3303", values={"5750": "Attic"})
    assert result == {"path": "/3303/1"}
    assert fake_server.requests("create")[0][3] == {Path.parse("/3303/1/5750"): "Attic"}
    result = await _call(hass, "create", response=True, path="/3303/7")
    assert result == {"path": "/3303/7"}
    assert fake_server.requests("create")[1][2:] == (Path.parse("/3303/7"), {})


@pytest.mark.parametrize(
    ("error", "key", "kind"),
    [
        (
            RequestFailedError("dev-1", Path.parse("/3"), "4.04"),
            "request_failed",
            HomeAssistantError,
        ),
        (RequestTimeoutError("dev-1", Path.parse("/3")), "request_timeout", HomeAssistantError),
        (
            ResponseTimeoutError("dev-1", Path.parse("/3"), 247.0),
            "response_timeout",
            HomeAssistantError,
        ),
        (QueueFullError("dev-1", 10), "queue_full", HomeAssistantError),
        (
            InvalidResponseError("dev-1", Path.parse("/3"), "bad"),
            "invalid_response",
            HomeAssistantError,
        ),
        (LwM2MError("odd"), "request_error", HomeAssistantError),
    ],
)
async def test_device_errors_are_translated(
    hass: HomeAssistant, fake_server: TableServer, error: LwM2MError, key: str, kind: type
) -> None:
    fake_server.table.fail["read"] = error
    with pytest.raises(kind) as err:
        await _call(hass, "read", response=True, path="/3")
    assert err.value.translation_key == key
    assert not isinstance(err.value, ServiceValidationError)


async def test_unregistered_endpoint_is_a_validation_error(hass: HomeAssistant) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "observe", {"endpoint": "nobody", "path": "/3"}, blocking=True
        )
    assert err.value.translation_key == "not_registered"


async def test_actions_need_a_loaded_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "observe", path="/3")
    assert err.value.translation_key == "not_loaded"


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("", "command_empty"),
        ("reboot /3", "command_unknown"),
        ("fwupdate 1.0 http://x/fw.bin", "command_fwupdate_incomplete"),
        ("fwupdate", "command_fwupdate_incomplete"),
        ("fwupdate /demo-fw/1.0.1", "command_fwupdate_incomplete"),
        ("fwupdate /demo-fw/1.0.1/ ", "command_fwupdate_incomplete"),
        ("fwupdate //1.0.1/coap://192.0.2.1/fw.bin", "command_fwupdate_empty_name"),
        ("fwupdate / /1.0.1/coap://192.0.2.1/fw.bin", "command_fwupdate_empty_name"),
        ("fwupdate /demo-fw//coap://192.0.2.1/fw.bin", "command_fwupdate_empty_version"),
        ("fwupdate /demo-fw/1.0.1/fw.bin", "command_fwupdate_bad_url"),
        ("fwupdate /demo-fw/1.0.1/coap:///fw.bin", "command_fwupdate_bad_url"),
        ("fwupdate demo-fw 1.0.1 coap://192.0.2.1/fw bin", "command_fwupdate_bad_url"),
        ("fwupdate /demo-fw/1.0.1/ftp://192.0.2.1/fw.bin", "command_fwupdate_url_scheme"),
        ("fwupdate demo-fw 1.0.1 file:///tmp/fw.bin", "command_fwupdate_bad_url"),
        ("read", "command_needs_path"),
        ("read 3/0", "invalid_path"),
        ("execute /3/0", "command_path_depth"),
        ("write /3/0/14", "command_needs_value"),
        ("read /3/0 now", "command_extra_text"),
        ("create /3303 [1]", "command_bad_json"),
        ("create /3303 {bad", "command_bad_json"),
        ("writeattr /3/0/9 pmin=-1", "command_bad_attribute"),
        ("writeattr /3/0/9 size=4", "command_bad_attribute"),
        ("writeattr /3/0/9 gt=nan", "command_bad_attribute"),
        ("writeattr /3/0/9 pmax=x", "command_bad_attribute"),
        ("writeattr /3/0/9", "command_no_attributes"),
    ],
)
async def test_bad_commands(hass: HomeAssistant, command: str, key: str) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "command", command=command)
    assert err.value.translation_key == key


async def test_fwupdate_errors_name_the_scheme_but_never_the_url(hass: HomeAssistant) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "command", command="fwupdate /fw/1.0/ftp://user:secret@192.0.2.1/fw.bin")
    assert err.value.translation_placeholders == {"scheme": "ftp"}
    assert str(err.value).startswith("Devices cannot download over ftp: fwupdate takes coap,")
    assert "secret" not in str(err.value)


async def test_fwupdate_needs_a_server_that_updates_firmware(hass: HomeAssistant) -> None:
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "command", command="fwupdate demo-fw 1.0.1 coap://192.0.2.1/fw.bin")
    assert err.value.translation_key == "firmware_unavailable"
