"""One device's credentials as the cells of a CSV row, and back through the CSV import."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine.credentials.columns import CredentialsColumn
from custom_components.lwm2m.engine.credentials.csv_row import (
    WRITE_ONLY_COLUMNS,
    credentials_cells,
    credentials_from_cells,
)
from custom_components.lwm2m.engine.credentials.records import (
    BindingMode,
    CredentialsCSVError,
    DeviceCredentials,
    SecurityMode,
)

PSK_DEVICE = DeviceCredentials(
    "meter-7",
    SecurityMode.PSK,
    name="Water meter, cellar",  # a comma: the cell is quoted
    server_url="coaps://192.0.2.10:5684",
    lwm2m_psk_id="meter-7",
    lwm2m_psk_key=bytes.fromhex("00112233"),
    bootstrap_psk_id="meter-7-bs",
    bootstrap_psk_key=bytes.fromhex("44556677"),
    registration_lifetime=600,
    binding_mode=BindingMode.U,
    notification_if_disabled=False,
    disable_timeout=30,
    shell=True,
)


@pytest.mark.parametrize("record", [PSK_DEVICE, DeviceCredentials("boiler-1", SecurityMode.NO_SEC)])
def test_a_record_survives_the_round_trip(record: DeviceCredentials) -> None:
    assert credentials_from_cells(credentials_cells(record)) == record


def test_cells_are_written_as_an_installer_would() -> None:
    cells = credentials_cells(PSK_DEVICE)
    assert cells[CredentialsColumn.LWM2M_PSK_KEY] == "00112233"
    assert cells[CredentialsColumn.SHELL] == "true"
    assert cells[CredentialsColumn.DEFAULT_MINIMUM_PERIOD] == ""
    assert cells[CredentialsColumn.BINDING_MODE] == "U"
    assert {
        CredentialsColumn.CREDENTIALS,
        CredentialsColumn.LWM2M_PSK_KEY,
        CredentialsColumn.BOOTSTRAP_PSK_KEY,
    } == WRITE_ONLY_COLUMNS


def test_an_edit_obeys_the_import_rules() -> None:
    cells = credentials_cells(DeviceCredentials("boiler-1", SecurityMode.NO_SEC))
    cells[CredentialsColumn.SECURITY_MODE] = "PSK"
    cells[CredentialsColumn.LWM2M_PSK_KEY] = "xyz"
    with pytest.raises(CredentialsCSVError) as refused:
        credentials_from_cells(cells)
    columns = {problem.field for problem in refused.value.errors}
    assert {"lwm2m psk_key", "lwm2m psk_id", "lwm2m server url"} <= columns
    assert "xyz" not in str(refused.value)
