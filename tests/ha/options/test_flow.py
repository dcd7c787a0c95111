"""The options flow: credentials CSV, DDF import, device protocols, pending devices."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.options.uploads import MAX_UPLOAD_BYTES
from tests.engine.model.ddf_builder import ddf, item, obj
from tests.ha.devices import device_of
from tests.ha.fake_server import TableServer

CSV = (
    "endpoint id,securityMode,NAME,lwm2m server url,lwm2m psk_id,lwm2m psk_key,"
    "bootstrap psk_id,bootstrap psk_key\n"
    "dev-1,NO_SEC,Kitchen,,,,,\n"
    "dev-2,PSK,Hall,coaps://192.0.2.1:5684,id-2,00112233,bs-2,44556677\n"
)
BAD_CSV = "endpoint id,securityMode\ndev-1,WPA\n,NO_SEC\n"
DDF = ddf(
    obj("30000", name="Boiler", version="1.0", items=[item("1", name="Water temperature")]),
)


async def _menu(hass: HomeAssistant, entry: MockConfigEntry, choice: str) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [
        "import_credentials",
        "import_objects",
        "device_protocols",
        "export_protocols",
        "import_protocols",
        "firmware_images",
        "pending",
    ]
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": choice}
    )


async def test_options_need_a_running_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


async def test_csv_import_previews_then_commits(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    credentials_seen: list[dict[str, Any]],
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    result = await _menu(hass, loaded_entry, "import_credentials")
    assert result["step_id"] == "import_credentials"
    with uploaded_file("devices.csv", CSV.encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["step_id"] == "credentials_preview"
    assert result["description_placeholders"]["added"] == "2"
    assert result["description_placeholders"]["rows"] == "2 rows"
    assert loaded_entry.runtime_data.storage.credentials == {}

    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "credentials_imported"
    storage = loaded_entry.runtime_data.storage
    assert sorted(storage.credentials) == ["dev-1", "dev-2"]
    assert storage.credentials["dev-2"].lwm2m_psk_key == bytes.fromhex("00112233")
    assert credentials_seen[-1].keys() == {"dev-1", "dev-2"}
    device = device_of(hass, "dev-1")
    assert device is not None
    assert device.name == "Kitchen"

    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("devices.csv", CSV.replace("Hall", "Porch").encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    placeholders = result["description_placeholders"]
    assert (placeholders["added"], placeholders["updated"], placeholders["unchanged"]) == (
        "0",
        "1",
        "1",
    )


async def test_csv_errors_are_listed_and_nothing_is_imported(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, uploaded_file: Callable[[str, bytes], Any]
) -> None:
    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("bad.csv", BAD_CSV.encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["step_id"] == "credentials_problems"
    assert not result["errors"]  # nothing was tried yet: the preview only says what is wrong
    placeholders = result["description_placeholders"]
    assert (placeholders["rows"], placeholders["rows_bad"]) == ("0 rows", "2")
    assert placeholders["errors"].count("\n- ") == 1
    assert "line 2 (dev-1), securityMode" in placeholders["errors"]
    assert "line 3, endpoint id" in placeholders["errors"]

    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["step_id"] == "import_credentials"
    assert loaded_entry.runtime_data.storage.credentials == {}


async def test_csv_preview_counts_the_good_rows_beside_a_bad_one(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, uploaded_file: Callable[[str, bytes], Any]
) -> None:
    content = CSV + "dev-3,WPA2,Garden,,,,,\ndev-4,NO_SEC,Porch,,,,,\n"
    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("devices.csv", content.encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    placeholders = result["description_placeholders"]
    assert (placeholders["rows"], placeholders["rows_bad"]) == ("3 rows", "1")
    assert placeholders["errors"].startswith("- line 4 (dev-3), securityMode: ")


async def test_every_csv_error_is_written_to_a_file_when_the_list_is_cut(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    tmp_path: FsPath,
) -> None:
    hass.config.config_dir = str(tmp_path)
    rows = "".join(f"dev-{n},WPA\n" for n in range(60))
    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("bad.csv", f"endpoint id,securityMode\n{rows}".encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    items = result["description_placeholders"]["errors"].split("\n")
    assert len(items) == 51  # 50 shown, then where all of them are
    written = FsPath(items[-1].rpartition(" ")[2])
    assert items[-1].startswith("- … and 10 more: every problem is listed in ")
    assert written.parent == tmp_path / "lwm2m"
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("60 problems in bad.csv")
    assert lines[-1].startswith("line 61 (dev-59), securityMode: ")

    small = "endpoint id,securityMode\ndev-1,WPA\n"
    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("bad.csv", small.encode()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert "every problem is listed" not in result["description_placeholders"]["errors"]
    assert len(list((tmp_path / "lwm2m").iterdir())) == 1


async def test_a_windows_1252_csv_is_read_and_said_so(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, uploaded_file: Callable[[str, bytes], Any]
) -> None:
    content = "endpoint id,securityMode,NAME\r\nkeller-1,NO_SEC,Küche Süd\r\n".encode("cp1252")
    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("geraete.csv", content) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["step_id"] == "credentials_preview"
    assert result["description_placeholders"]["encoding"].startswith("Windows-1252, as Excel")
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["reason"] == "credentials_imported"
    assert loaded_entry.runtime_data.storage.credentials["keller-1"].name == "Küche Süd"


@pytest.mark.parametrize(
    ("content", "error", "placeholders"),
    [
        (b"\xff\xfe\x00bad", "csv_not_utf8", {"line": "1", "column": "1", "byte": "FF"}),
        (
            "endpoint id,NAME\nwro-1,Wrocław Łódź\n".encode("cp1250"),
            "csv_not_utf8",
            {"line": "2", "column": "11", "byte": "B3"},
        ),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "file_too_large", {}),
    ],
)
async def test_unreadable_csv(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    content: bytes,
    error: str,
    placeholders: dict[str, str],
) -> None:
    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("devices.csv", content) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["step_id"] == "import_credentials"
    assert result["errors"] == {"file": error}
    assert result["description_placeholders"] == placeholders


async def test_ddf_import_adds_objects_and_entities(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    uploaded_file: Callable[[str, bytes], Any],
) -> None:
    fake_server.register("boiler-1", {"/30000/0": {}}, {"/30000/0/1": 61})
    await hass.async_block_till_done()
    assert hass.states.get("sensor.boiler_1_boiler_water_temperature") is None

    result = await _menu(hass, loaded_entry, "import_objects")
    assert result["step_id"] == "import_objects"
    with uploaded_file("boiler.xml", DDF) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["step_id"] == "import_more_objects"
    assert result["description_placeholders"]["imported"] == "30000 Boiler 1.0 (added)"
    await hass.async_block_till_done()
    assert hass.states.get("sensor.boiler_1_boiler_water_temperature") is not None

    with uploaded_file("boiler.xml", DDF) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "objects_imported"
    assert "30000 Boiler 1.0 (replaced)" in result["description_placeholders"]["imported"]
    ddfs = loaded_entry.runtime_data.storage.ddfs
    assert [(stored.file_name, stored.objects) for stored in ddfs] == [
        ("boiler.xml", ["30000:1.0"])
    ]


async def test_bad_ddf_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, uploaded_file: Callable[[str, bytes], Any]
) -> None:
    result = await _menu(hass, loaded_entry, "import_objects")
    with uploaded_file("broken.xml", b"<LWM2M><Object>") as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["errors"] == {"file": "ddf_invalid"}
    reason = result["description_placeholders"]["reason"]
    assert reason.startswith("line 1 is not well-formed XML: ")
    assert "<string>" not in reason
    assert result["step_id"] == "import_objects"
    with uploaded_file("huge.xml", b"x" * (MAX_UPLOAD_BYTES + 1)) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["errors"] == {"file": "file_too_large"}
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["reason"] == "no_objects_imported"


async def test_device_protocol_chooses_shown_and_observed_resources(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    register_sensor_device: Callable[..., Any],
) -> None:
    await register_sensor_device()
    result = await _menu(hass, loaded_entry, "device_protocols")
    assert result["step_id"] == "device_protocols"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"object": "3303"}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "protocol_object"
    assert result["description_placeholders"] == {"object": "3303 Temperature"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "protocol_resources"}
    )
    assert result["step_id"] == "protocol_resources"
    assert result["description_placeholders"] == {"object": "3303 Temperature"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"shown": ["5700", "5601"], "observed": ["5700", "5601"], "pmin": 10, "pmax": 5},
    )
    assert result["errors"] == {"pmin": "pmin_above_pmax"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"shown": ["5700"], "observed": ["5700", "5601"], "pmin": 10, "pmax": 60},
    )
    assert result["errors"] == {"observed": "observe_needs_functionality"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"shown": ["5700", "5601"], "observed": ["5700", "5601"], "pmin": 10, "pmax": 60},
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "protocol_object_configured"
    await hass.async_block_till_done()

    protocol = loaded_entry.runtime_data.storage.protocols.get(3303)
    assert protocol is not None
    assert protocol.shown(5700)
    assert not protocol.shown(5602)
    assert hass.states.get("sensor.dev_1_temperature_max_measured_value") is None
    attributes = fake_server.requests("write_attributes")
    assert ("write_attributes", "dev-1", Path.parse("/3303/0/5601"), {"pmin": 10, "pmax": 60}) in (
        attributes
    )

    result = await _menu(hass, loaded_entry, "device_protocols")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"object": "3303"}
    )
    assert (
        "5601 Min Measured Value: shown, observed"
        in (result["description_placeholders"]["summary"])
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "protocol_resources"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"shown": [], "observed": [], "reset": True}
    )
    assert result["step_id"] == "protocol_object"  # nothing configured any more
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data.storage.protocols.get(3303) is None
    assert ("cancel_observation", "dev-1", Path.parse("/3303/0/5601")) in fake_server.table.calls
    assert hass.states.get("sensor.dev_1_temperature_max_measured_value") is not None


async def test_pending_devices(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, fake_server: TableServer
) -> None:
    result = await _menu(hass, loaded_entry, "pending")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_pending_devices"

    fake_server.register("new-1", {"/3/0": {}}, {"/3/0/0": "Acme"}, pending=True)
    fake_server.register("new-2", {"/3/0": {}}, pending=True)
    await hass.async_block_till_done()
    result = await _menu(hass, loaded_entry, "pending")
    assert result["step_id"] == "pending"
    assert result["description_placeholders"] == {"count": "2"}

    fake_server.deregister("new-1")  # gone before the installer decides: accepting fails
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"endpoint": "new-1", "decision": "accept"}
    )
    assert result["errors"] == {"base": "pending_failed"}
    fake_server.register("new-1", {"/3/0": {}}, {"/3/0/0": "Acme"}, pending=True)
    await hass.async_block_till_done()
    result = await _menu(hass, loaded_entry, "pending")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"endpoint": "new-1", "decision": "accept"}
    )
    assert result["reason"] == "pending_accepted"
    await hass.async_block_till_done()
    device = device_of(hass, "new-1")
    assert device is not None
    assert device.manufacturer == "Acme"
    assert "new-1" in loaded_entry.runtime_data.storage.credentials

    result = await _menu(hass, loaded_entry, "pending")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"endpoint": "new-2", "decision": "reject"}
    )
    assert result["reason"] == "pending_rejected"
    assert "new-2" not in fake_server.registrations


def _thousand_devices() -> bytes:
    header = (
        "endpoint id;securityMode;lwm2m server url;lwm2m psk_id;lwm2m psk_key;"
        "bootstrap psk_id;bootstrap psk_key\n"
    )
    rows = "".join(
        f"dev-{n:04d};PSK;coaps://192.0.2.1:5684;id-{n:04d};{n:032x};bs-{n:04d};{n + 1:032x}\n"
        for n in range(1000)
    )
    return (header + rows).encode()


async def test_thousand_device_csv_imports(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    uploaded_file: Callable[[str, bytes], Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The import time is printed (run with -s); no timing is asserted."""
    started = time.perf_counter()
    result = await _menu(hass, loaded_entry, "import_credentials")
    with uploaded_file("fleet.csv", _thousand_devices()) as file_id:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"file": file_id}
        )
    assert result["description_placeholders"]["added"] == "1000"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    elapsed = time.perf_counter() - started
    assert result["reason"] == "credentials_imported"
    assert len(loaded_entry.runtime_data.storage.credentials) == 1000
    with capsys.disabled():
        print(f"\n1,000-device CSV import through the options flow: {elapsed:.3f} s")
