"""Importing device credentials from CSV: both reference layouts, variants, every rule."""

from __future__ import annotations

import csv
import io
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.lwm2m.engine import (
    BindingMode,
    CredentialsCSVError,
    CredentialsProblem,
    DeviceCredentials,
    SecurityMode,
    parse_credentials_csv,
)
from custom_components.lwm2m.engine.credentials.cells import DEFAULT_DISABLE_TIMEOUT
from custom_components.lwm2m.engine.credentials.columns import (
    CredentialsColumn,
    header_key,
    match_column,
)

NO_SEC_FILE = """\
ID,IDTYPE,CREDENTIALS,NAME,TYPE,SHELL,com_cumulocity_model_Agent,endpoint id,lwm2m server url,\
securityMode
350457790000001,c8y_Serial,pass-1,350457790000001,c8y_lwm2m,1,1,350457790000001,coap://lwm2m.example.com:5783,NO_SEC
350457790000002,c8y_Serial,pass-2,350457790000002,c8y_lwm2m,0,1,350457790000002,coap://lwm2m.example.com:5783,NO_SEC
"""

PSK_FILE = """\
ID,IDTYPE,CREDENTIALS,NAME,TYPE,SHELL,com_cumulocity_model_Agent,endpoint id,lwm2m server url,\
securityMode,lwm2m psk_id,lwm2m psk_key,bootstrap psk_id,bootstrap psk_key,\
external-c8y_BootstrapPskId,serverPublicKey,generateBootstrapServerConfig,securityInstanceOffset,\
bootstrapShortServerId,lwm2mShortServerId,registrationLifetime,defaultMinimumPeriod,\
defaultMaximumPeriod,bindingMode,notificationIfDisabled (true/false),disableTimeout (true/false)
meter-1,c8y_Serial,,Meter 1,c8y_lwm2m,0,1,meter-1,coaps://lwm2m.example.com:5784,PSK,\
meter-1,0x00112233445566778899AABBCCDDEEFF,meter-1-bs,ffeeddccbbaa9988,meter-1-ext,\
serverkey,true,3,5,7,600,10,300,U,false,120
meter-2,c8y_Serial,,Meter 2,c8y_lwm2m,0,1,meter-2,coaps://lwm2m.example.com:5784,PSK,\
meter-2,0102030405060708,meter-2-bs,0a0b0c0d,,,,,,,,,,,,
"""

PSK_BASE = {
    "endpoint id": "ep-1",
    "lwm2m server url": "coaps://lwm2m.example.com:5684",
    "securityMode": "PSK",
    "lwm2m psk_id": "id-1",
    "lwm2m psk_key": "00112233",
    "bootstrap psk_id": "bs-1",
    "bootstrap psk_key": "44556677",
}
NO_SEC_BASE = {
    "endpoint id": "ep-1",
    "lwm2m server url": "coap://lwm2m.example.com:5683",
    "securityMode": "NO_SEC",
}


def to_csv(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    """A CSV with the union of the rows' keys as header, in first-seen order."""
    header = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def row_with(base: dict[str, str], **changes: str | None) -> dict[str, str]:
    """``base`` with some columns set (keyword = column, spaces as ``__``) or removed (None)."""
    row = dict(base)
    for name, value in changes.items():
        column = name.replace("__", " ")
        if value is None:
            row.pop(column, None)
        else:
            row[column] = value
    return row


def numbered(base: dict[str, str], n: int) -> dict[str, str]:
    """``base`` made the n-th of its kind: endpoint and PSK identities get a suffix."""
    unique = ("endpoint id", "lwm2m psk_id", "bootstrap psk_id")
    return {column: f"{value}-{n}" if column in unique else value for column, value in base.items()}


def problems_of(text: str) -> list[CredentialsProblem]:
    with pytest.raises(CredentialsCSVError) as info:
        parse_credentials_csv(text)
    return info.value.errors


def where(text: str) -> list[tuple[int, str]]:
    return [(problem.line, problem.field) for problem in problems_of(text)]


# --- the two reference layouts -------------------------------------------------------------


def test_no_sec_layout_imports_typed_values() -> None:
    first, second = parse_credentials_csv(NO_SEC_FILE)
    assert first == DeviceCredentials(
        endpoint="350457790000001",
        security_mode=SecurityMode.NO_SEC,
        device_id="350457790000001",
        id_type="c8y_Serial",
        credentials="pass-1",
        name="350457790000001",
        device_type="c8y_lwm2m",
        shell=True,
        cumulocity_agent=True,
        server_url="coap://lwm2m.example.com:5783",
    )
    assert second.endpoint == "350457790000002"
    assert second.shell is False
    assert second.has_bootstrap_data


def test_psk_layout_imports_every_column_typed() -> None:
    full, minimal = parse_credentials_csv(PSK_FILE)
    assert full == DeviceCredentials(
        endpoint="meter-1",
        security_mode=SecurityMode.PSK,
        device_id="meter-1",
        id_type="c8y_Serial",
        name="Meter 1",
        device_type="c8y_lwm2m",
        shell=False,
        cumulocity_agent=True,
        server_url="coaps://lwm2m.example.com:5784",
        lwm2m_psk_id="meter-1",
        lwm2m_psk_key=bytes.fromhex("00112233445566778899aabbccddeeff"),
        bootstrap_psk_id="meter-1-bs",
        bootstrap_psk_key=bytes.fromhex("ffeeddccbbaa9988"),
        external_bootstrap_psk_id="meter-1-ext",
        server_public_key="serverkey",
        generate_bootstrap_server_config=True,
        security_instance_offset=3,
        bootstrap_short_server_id=5,
        lwm2m_short_server_id=7,
        registration_lifetime=600,
        default_minimum_period=10,
        default_maximum_period=300,
        binding_mode=BindingMode.U,
        notification_if_disabled=False,
        disable_timeout=120,
    )
    assert minimal.credentials is None
    assert minimal.generate_bootstrap_server_config is False
    assert minimal.security_instance_offset == 0
    assert minimal.bootstrap_short_server_id == 0
    assert minimal.lwm2m_short_server_id == 1
    assert minimal.registration_lifetime is None
    assert minimal.default_minimum_period is None
    assert minimal.default_maximum_period is None
    assert minimal.binding_mode is BindingMode.UQ
    assert minimal.notification_if_disabled is None
    assert minimal.disable_timeout is None
    assert minimal.external_bootstrap_psk_id is None
    assert minimal.has_bootstrap_data


# --- file shape ----------------------------------------------------------------------------


def test_semicolon_delimiter_with_quoted_delimiters_inside_cells() -> None:
    text = to_csv([row_with(NO_SEC_BASE, NAME="Hall; left side")], delimiter=";")
    (record,) = parse_credentials_csv(text)
    assert record.name == "Hall; left side"
    assert record.endpoint == "ep-1"


def test_comma_file_whose_cells_contain_semicolons() -> None:
    text = to_csv([row_with(NO_SEC_BASE, NAME="a;b;c;d")])
    assert parse_credentials_csv(text)[0].name == "a;b;c;d"


def test_byte_order_mark_is_ignored() -> None:
    assert parse_credentials_csv("\ufeff" + NO_SEC_FILE) == parse_credentials_csv(NO_SEC_FILE)


def test_crlf_line_ends() -> None:
    text = NO_SEC_FILE.replace("\n", "\r\n")
    assert parse_credentials_csv(text) == parse_credentials_csv(NO_SEC_FILE)


def test_blank_lines_are_skipped_and_lines_still_counted() -> None:
    good = to_csv([NO_SEC_BASE])
    text = good + "\n  \n,,\n" + "ep-2,coap://x,BAD\n"
    assert where(text) == [(6, "securityMode")]


def test_header_only_file_imports_nothing() -> None:
    assert parse_credentials_csv("endpoint id,securityMode\n") == []


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n  \n"])
def test_empty_file_is_an_error(text: str) -> None:
    assert problems_of(text) == [(1, "", "the file has no header line")]


def test_cells_are_stripped() -> None:
    text = "endpoint id , securityMode\n  ep-1  ,  no_sec \n"
    (record,) = parse_credentials_csv(text)
    assert record.endpoint == "ep-1"
    assert record.security_mode is SecurityMode.NO_SEC


def test_short_rows_leave_the_missing_cells_empty() -> None:
    (record,) = parse_credentials_csv("endpoint id,securityMode,NAME,SHELL\nep-1,NO_SEC\n")
    assert record.name is None
    assert record.shell is False


def test_empty_header_columns_are_tolerated_while_their_cells_are_empty() -> None:
    text = "endpoint id,,securityMode,\nep-1,,NO_SEC,\nep-2,,NO_SEC\n"
    assert [record.endpoint for record in parse_credentials_csv(text)] == ["ep-1", "ep-2"]


def test_values_under_no_header_are_errors() -> None:
    text = "endpoint id,,securityMode\nep-1,stray,NO_SEC\nep-2,,NO_SEC,,extra\n"
    assert problems_of(text) == [
        (2, "", "a value in column 2, which has no header"),
        (3, "", "a value in column 5, which has no header"),
    ]


def test_multi_line_quoted_cells_keep_line_numbers_physical() -> None:
    rows = [
        row_with(NO_SEC_BASE, NAME="first\nsecond\nthird"),
        row_with(NO_SEC_BASE, **{"endpoint id": "ep-2", "securityMode": "BAD"}),
        row_with(NO_SEC_BASE, **{"endpoint id": "ep-3", "NAME": "a\r\nb", "SHELL": "x"}),
        row_with(NO_SEC_BASE, **{"endpoint id": "ep-4", "SHELL": "y"}),
    ]
    assert where(to_csv(rows)) == [
        (5, "securityMode"),
        (6, "SHELL"),
        (8, "SHELL"),
    ]


def test_multi_line_cell_value_is_kept() -> None:
    (record,) = parse_credentials_csv(to_csv([row_with(NO_SEC_BASE, NAME="a\nb")]))
    assert record.name == "a\nb"


def test_unterminated_quote_is_reported_at_the_line_its_row_starts() -> None:
    text = 'endpoint id,securityMode,NAME\nep-1,NO_SEC,"open\nstill open\nand open\n'
    (problem,) = problems_of(text)
    assert (problem.line, problem.field) == (2, "")
    assert problem.message.startswith("malformed CSV")


def test_garbage_after_a_closing_quote_is_malformed() -> None:
    text = 'endpoint id,securityMode\nep-1,BAD\n"ep-2"x,NO_SEC\n'
    assert where(text) == [(2, "securityMode"), (3, "")]


# --- header matching -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("endpoint id", CredentialsColumn.ENDPOINT),
        ("Endpoint ID", CredentialsColumn.ENDPOINT),
        ("ENDPOINT_ID", CredentialsColumn.ENDPOINT),
        ("endpoint-id", CredentialsColumn.ENDPOINT),
        ("  endpoint   id ", CredentialsColumn.ENDPOINT),
        ("EndpointId", CredentialsColumn.ENDPOINT),
        ("lwm2m psk_key", CredentialsColumn.LWM2M_PSK_KEY),
        ("LWM2M PSK KEY", CredentialsColumn.LWM2M_PSK_KEY),
        ("lwm2m-psk-key", CredentialsColumn.LWM2M_PSK_KEY),
        ("notificationIfDisabled (true/false)", CredentialsColumn.NOTIFICATION_IF_DISABLED),
        ("disableTimeout (true/false)", CredentialsColumn.DISABLE_TIMEOUT),
        ("disable timeout(seconds)", CredentialsColumn.DISABLE_TIMEOUT),
        ("External-C8Y_BootstrapPskId", CredentialsColumn.EXTERNAL_BOOTSTRAP_PSK_ID),
        ("com cumulocity model agent", CredentialsColumn.CUMULOCITY_AGENT),
        ("security_mode", CredentialsColumn.SECURITY_MODE),
        ("id", CredentialsColumn.DEVICE_ID),
        ("IdType", CredentialsColumn.ID_TYPE),
        ("endpoint", None),
        ("psk_key", None),
        ("(true/false)", None),
    ],
)
def test_header_matching(header: str, column: CredentialsColumn | None) -> None:
    assert match_column(header) is column


def test_no_two_columns_share_a_header_key() -> None:
    keys = [header_key(column.value) for column in CredentialsColumn]
    assert len(set(keys)) == len(keys)


def test_header_variants_import_like_the_reference_spelling() -> None:
    text = PSK_FILE.replace("endpoint id", "Endpoint_ID").replace("lwm2m psk_key", "LWM2M-PSK-KEY")
    assert parse_credentials_csv(text) == parse_credentials_csv(PSK_FILE)


def test_unknown_columns_are_errors() -> None:
    text = "endpoint id,colour,securityMode,psk key\nep-1,red,NO_SEC,\n"
    assert problems_of(text) == [
        (1, "colour", "unknown column"),
        (1, "psk key", "unknown column"),
    ]


def test_duplicate_columns_are_errors_even_when_spelled_differently() -> None:
    text = "endpoint id,securityMode,Endpoint_ID\nep-1,NO_SEC,ep-1\n"
    assert problems_of(text) == [(1, "Endpoint_ID", "duplicate of column 'endpoint id'")]


@pytest.mark.parametrize("missing", ["endpoint id", "securityMode"])
def test_missing_required_column_is_reported_once(missing: str) -> None:
    rows = [row_with(numbered(NO_SEC_BASE, n), **{missing: None}) for n in range(3)]
    assert problems_of(to_csv(rows)) == [(1, missing, "required column is missing")]


def test_errors_name_the_column_as_written_or_else_as_in_the_reference() -> None:
    text = "Endpoint_ID;SECURITY MODE;SHELL\n;psk;maybe\n"
    assert where(text) == [
        (2, "Endpoint_ID"),
        (2, "SHELL"),
        (2, "lwm2m psk_id"),
        (2, "lwm2m psk_key"),
        (2, "bootstrap psk_id"),
        (2, "bootstrap psk_key"),
        (2, "lwm2m server url"),
    ]


# --- value forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("1", True),
        ("false", False),
        ("False", False),
        ("NO", False),
        ("0", False),
    ],
)
def test_booleans(text: str, value: bool) -> None:
    row = row_with(NO_SEC_BASE, SHELL=text, notificationIfDisabled=text)
    (record,) = parse_credentials_csv(to_csv([row]))
    assert record.shell is value
    assert record.notification_if_disabled is value


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0", 0),
        ("1", 1),
        ("86400", 86400),
        ("true", DEFAULT_DISABLE_TIMEOUT),
        ("YES", DEFAULT_DISABLE_TIMEOUT),
        ("false", None),
        ("no", None),
        ("", None),
    ],
)
def test_disable_timeout_is_seconds_or_a_flag(text: str, seconds: int | None) -> None:
    (record,) = parse_credentials_csv(to_csv([row_with(NO_SEC_BASE, disableTimeout=text)]))
    assert record.disable_timeout == seconds


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("00ff", b"\x00\xff"),
        ("00FF", b"\x00\xff"),
        ("0x00Ff", b"\x00\xff"),
        ("0X00ff", b"\x00\xff"),
    ],
)
def test_psk_keys_are_hex(text: str, key: bytes) -> None:
    row = row_with(PSK_BASE, lwm2m__psk_key=text, bootstrap__psk_key=text)
    (record,) = parse_credentials_csv(to_csv([row]))
    assert record.lwm2m_psk_key == key
    assert record.bootstrap_psk_key == key


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("NO_SEC", SecurityMode.NO_SEC),
        ("no-sec", SecurityMode.NO_SEC),
        ("NoSec", SecurityMode.NO_SEC),
    ],
)
def test_security_mode_spellings(text: str, mode: SecurityMode) -> None:
    (record,) = parse_credentials_csv(to_csv([row_with(NO_SEC_BASE, securityMode=text)]))
    assert record.security_mode is mode


def test_psk_in_lower_case_and_binding_mode_in_lower_case() -> None:
    row = row_with(PSK_BASE, securityMode="psk", bindingMode="u")
    (record,) = parse_credentials_csv(to_csv([row]))
    assert record.security_mode is SecurityMode.PSK
    assert record.binding_mode is BindingMode.U


@pytest.mark.parametrize("device_type", ["c8y_lwm2m", "thermostat", ""])
def test_type_is_kept_whatever_it_says(device_type: str) -> None:
    (record,) = parse_credentials_csv(to_csv([row_with(NO_SEC_BASE, TYPE=device_type)]))
    assert record.device_type == (device_type or None)


@pytest.mark.parametrize(
    "url",
    ["coap://lwm2m.example.com", "coap://192.0.2.1:5683/", "COAP://[2001:db8::1]:5683"],
)
def test_accepted_server_urls(url: str) -> None:
    row = row_with(NO_SEC_BASE, lwm2m__server__url=url)
    assert parse_credentials_csv(to_csv([row]))[0].server_url == url


def test_no_sec_row_without_url_is_factory_bootstrapped() -> None:
    (record,) = parse_credentials_csv(to_csv([row_with(NO_SEC_BASE, lwm2m__server__url=None)]))
    assert record.server_url is None
    assert not record.has_bootstrap_data


# --- validation rules, each at its line and field ------------------------------------------

RULES = [
    # (base, changes, field, message)
    (NO_SEC_BASE, {"endpoint id": ""}, "endpoint id", "required"),
    (NO_SEC_BASE, {"securityMode": ""}, "securityMode", "required"),
    (NO_SEC_BASE, {"securityMode": "RPK"}, "securityMode", "unsupported security mode 'RPK'"),
    (PSK_BASE, {"lwm2m psk_id": ""}, "lwm2m psk_id", "required for PSK"),
    (PSK_BASE, {"lwm2m psk_key": None}, "lwm2m psk_key", "required for PSK"),
    (PSK_BASE, {"bootstrap psk_id": ""}, "bootstrap psk_id", "required for PSK"),
    (PSK_BASE, {"bootstrap psk_key": ""}, "bootstrap psk_key", "required for PSK"),
    (NO_SEC_BASE, {"lwm2m psk_id": "id"}, "lwm2m psk_id", "not allowed with NO_SEC"),
    (NO_SEC_BASE, {"lwm2m psk_key": "00"}, "lwm2m psk_key", "not allowed with NO_SEC"),
    (NO_SEC_BASE, {"bootstrap psk_id": "id"}, "bootstrap psk_id", "not allowed with NO_SEC"),
    (NO_SEC_BASE, {"bootstrap psk_key": "00"}, "bootstrap psk_key", "not allowed with NO_SEC"),
    (
        NO_SEC_BASE,
        {"external-c8y_BootstrapPskId": "id"},
        "external-c8y_BootstrapPskId",
        "not allowed with NO_SEC",
    ),
    (PSK_BASE, {"lwm2m psk_key": "0x"}, "lwm2m psk_key", "the key has no hex digits"),
    (PSK_BASE, {"lwm2m psk_key": "abc"}, "lwm2m psk_key", "odd number of hex digits"),
    (PSK_BASE, {"lwm2m psk_key": "zz"}, "lwm2m psk_key", "not hexadecimal"),
    (PSK_BASE, {"bootstrap psk_key": "0xG1"}, "bootstrap psk_key", "not hexadecimal"),
    (PSK_BASE, {"bootstrap psk_key": "ab cd"}, "bootstrap psk_key", "not hexadecimal"),
    (PSK_BASE, {"lwm2m server url": ""}, "lwm2m server url", "required for bootstrap"),
    (
        NO_SEC_BASE,
        {"lwm2m server url": "", "generateBootstrapServerConfig": "true"},
        "lwm2m server url",
        "required for bootstrap",
    ),
    (PSK_BASE, {"lwm2m server url": "coap://h"}, "lwm2m server url", "needs a coaps:// URL"),
    (NO_SEC_BASE, {"lwm2m server url": "coaps://h"}, "lwm2m server url", "needs a coap:// URL"),
    (NO_SEC_BASE, {"lwm2m server url": "http://h"}, "lwm2m server url", "not a coap://"),
    (NO_SEC_BASE, {"lwm2m server url": "lwm2m.example.com"}, "lwm2m server url", "not a coap"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://"}, "lwm2m server url", "has no host"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://:5683"}, "lwm2m server url", "has no host"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://h:99999"}, "lwm2m server url", "invalid port"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://h:abc"}, "lwm2m server url", "invalid port"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://h/rd"}, "lwm2m server url", "only scheme"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://h?x=1"}, "lwm2m server url", "only scheme"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://u@h"}, "lwm2m server url", "only scheme"),
    (NO_SEC_BASE, {"lwm2m server url": "coap://h x"}, "lwm2m server url", "whitespace"),
    (NO_SEC_BASE, {"SHELL": "2"}, "SHELL", "not a boolean"),
    (NO_SEC_BASE, {"com_cumulocity_model_Agent": "y"}, "com_cumulocity_model_Agent", "boolean"),
    (NO_SEC_BASE, {"generateBootstrapServerConfig": "on"}, "generateBootstrapServerConfig", ""),
    (NO_SEC_BASE, {"notificationIfDisabled": "maybe"}, "notificationIfDisabled", "not a boolean"),
    (NO_SEC_BASE, {"securityInstanceOffset": "-1"}, "securityInstanceOffset", "outside 0..65534"),
    (NO_SEC_BASE, {"securityInstanceOffset": "65535"}, "securityInstanceOffset", "outside"),
    (NO_SEC_BASE, {"bootstrapShortServerId": "65535"}, "bootstrapShortServerId", "outside"),
    (NO_SEC_BASE, {"lwm2mShortServerId": "0"}, "lwm2mShortServerId", "outside 1..65534"),
    (NO_SEC_BASE, {"lwm2mShortServerId": "65535"}, "lwm2mShortServerId", "outside 1..65534"),
    (NO_SEC_BASE, {"registrationLifetime": "0"}, "registrationLifetime", "outside 1.."),
    (NO_SEC_BASE, {"registrationLifetime": "4294967296"}, "registrationLifetime", "outside"),
    (NO_SEC_BASE, {"registrationLifetime": "1.5"}, "registrationLifetime", "not a whole number"),
    (NO_SEC_BASE, {"registrationLifetime": "1e3"}, "registrationLifetime", "not a whole number"),
    (NO_SEC_BASE, {"registrationLifetime": "1_000"}, "registrationLifetime", "not a whole"),
    (NO_SEC_BASE, {"registrationLifetime": "\u0661\u0662"}, "registrationLifetime", "not a whole"),
    (NO_SEC_BASE, {"registrationLifetime": "+"}, "registrationLifetime", "not a whole number"),
    (NO_SEC_BASE, {"defaultMinimumPeriod": "-5"}, "defaultMinimumPeriod", "outside 0.."),
    (NO_SEC_BASE, {"defaultMaximumPeriod": "x"}, "defaultMaximumPeriod", "not a whole number"),
    (
        NO_SEC_BASE,
        {"defaultMinimumPeriod": "60", "defaultMaximumPeriod": "30"},
        "defaultMinimumPeriod",
        "60 exceeds the default maximum period 30",
    ),
    (NO_SEC_BASE, {"bindingMode": "T"}, "bindingMode", "unsupported binding mode 'T'"),
    (NO_SEC_BASE, {"bindingMode": "UQS"}, "bindingMode", "use U or UQ"),
    (NO_SEC_BASE, {"disableTimeout": "-1"}, "disableTimeout", "outside 0.."),
    (NO_SEC_BASE, {"disableTimeout": "soon"}, "disableTimeout", "not a whole number"),
]


@pytest.mark.parametrize(
    ("base", "changes", "field", "message"),
    RULES,
    ids=[f"{field}={changes.get(field)!r}" for _, changes, field, _ in RULES],
)
def test_rule(
    base: dict[str, str], changes: dict[str, str | None], field: str, message: str
) -> None:
    bad = row_with(
        numbered(base, 9), **{key.replace(" ", "__"): value for key, value in changes.items()}
    )
    text = to_csv([numbered(base, 1), bad, numbered(base, 2), numbered(base, 3)])
    (problem,) = problems_of(text)
    assert (problem.line, problem.field) == (3, field)
    assert message in problem.message


# --- uniqueness across rows ----------------------------------------------------------------


def test_duplicate_endpoint() -> None:
    rows = [numbered(NO_SEC_BASE, 1), numbered(NO_SEC_BASE, 2), numbered(NO_SEC_BASE, 1)]
    assert problems_of(to_csv(rows)) == [
        (4, "endpoint id", "endpoint 'ep-1-1' is already on line 2")
    ]


def test_endpoints_are_case_sensitive() -> None:
    rows = [row_with(NO_SEC_BASE, endpoint__id="Dev"), row_with(NO_SEC_BASE, endpoint__id="dev")]
    assert len(parse_credentials_csv(to_csv(rows))) == 2


def test_lwm2m_identity_maps_to_one_endpoint() -> None:
    rows = [numbered(PSK_BASE, 1), row_with(numbered(PSK_BASE, 2), lwm2m__psk_id="id-1-1")]
    assert problems_of(to_csv(rows)) == [
        (3, "lwm2m psk_id", "this PSK identity is already used on line 2")
    ]


def test_bootstrap_identities_share_one_namespace() -> None:
    rows = [
        row_with(numbered(PSK_BASE, 1), **{"external-c8y_BootstrapPskId": "shared"}),
        row_with(numbered(PSK_BASE, 2), bootstrap__psk_id="shared"),
    ]
    assert where(to_csv(rows)) == [(3, "bootstrap psk_id")]


def test_a_row_may_repeat_its_own_identities() -> None:
    row = row_with(
        PSK_BASE,
        lwm2m__psk_id="same",
        bootstrap__psk_id="same",
        **{"external-c8y_BootstrapPskId": "same"},
    )
    (record,) = parse_credentials_csv(to_csv([row]))
    assert record.bootstrap_psk_id == record.external_bootstrap_psk_id == "same"


def test_lwm2m_and_bootstrap_identities_are_separate_namespaces() -> None:
    rows = [numbered(PSK_BASE, 1), row_with(numbered(PSK_BASE, 2), bootstrap__psk_id="id-1-1")]
    assert len(parse_credentials_csv(to_csv(rows))) == 2


# --- all or nothing, every problem ---------------------------------------------------------


def test_one_bad_row_among_many_fails_the_whole_file() -> None:
    rows = [numbered(PSK_BASE, n) for n in range(200)]
    rows[137] = row_with(rows[137], lwm2m__psk_key="12345")
    with pytest.raises(CredentialsCSVError) as info:
        parse_credentials_csv(to_csv(rows))
    assert info.value.errors == [(139, "lwm2m psk_key", "the key has an odd number of hex digits")]


def test_every_problem_is_reported_in_line_order() -> None:
    rows = [
        row_with(numbered(PSK_BASE, 1), lwm2m__psk_key="xx", registrationLifetime="0"),
        numbered(PSK_BASE, 2),
        row_with(numbered(PSK_BASE, 3), securityMode="NO_SEC"),
        row_with(numbered(PSK_BASE, 1), bindingMode="Q"),
    ]
    text = to_csv(rows).replace("registrationLifetime", "registration lifetime")
    error = pytest.raises(CredentialsCSVError, parse_credentials_csv, text).value
    assert [(problem.line, problem.field) for problem in error.errors] == [
        (2, "lwm2m psk_key"),
        (2, "registration lifetime"),
        (4, "lwm2m server url"),
        (4, "lwm2m psk_id"),
        (4, "lwm2m psk_key"),
        (4, "bootstrap psk_id"),
        (4, "bootstrap psk_key"),
        (5, "endpoint id"),
        (5, "lwm2m psk_id"),
        (5, "bootstrap psk_id"),
        (5, "bindingMode"),
    ]
    assert str(error).startswith("11 problems: line 2, lwm2m psk_key: the key is not hexadecimal;")
    assert str(error).endswith("; and 6 more")


def test_header_problems_do_not_hide_row_problems() -> None:
    text = "endpoint id,securityMode,colour\nep-1,BAD,red\n"
    assert where(text) == [(1, "colour"), (2, "securityMode")]


def test_error_reports_never_contain_keys_or_identities() -> None:
    rows = [
        row_with(numbered(PSK_BASE, 1), lwm2m__psk_key="5ec2e7", bootstrap__psk_key="0x5ec2e7zz"),
        row_with(numbered(PSK_BASE, 2), lwm2m__psk_id="id-1-1", bootstrap__psk_id="bs-1-1"),
        row_with(NO_SEC_BASE, endpoint__id="plain", lwm2m__psk_key="5ec2e7"),
    ]
    error = pytest.raises(CredentialsCSVError, parse_credentials_csv, to_csv(rows)).value
    report = str(error) + repr(error.errors)
    for secret in ("5ec2e7", "id-1-1", "bs-1-1"):
        assert secret not in report


def test_ten_thousand_psk_rows() -> None:
    lines = [
        "endpoint id;lwm2m server url;securityMode;lwm2m psk_id;lwm2m psk_key;"
        "bootstrap psk_id;bootstrap psk_key"
    ]
    lines += [
        f"dev-{n};coaps://lwm2m.example.com:5684;PSK;id-{n};{n:032x};bs-{n};{n:016X}"
        for n in range(10_000)
    ]
    records = parse_credentials_csv("\n".join(lines))
    assert len(records) == 10_000
    assert records[-1].endpoint == "dev-9999"
    assert records[-1].lwm2m_psk_key == (9999).to_bytes(16, "big")
    assert records[-1].bootstrap_psk_key == (9999).to_bytes(8, "big")


# --- written by a CSV writer, read back the same -------------------------------------------


class GeneratedRow(NamedTuple):
    name: str
    lwm2m_key: bytes
    bootstrap_key: bytes
    lifetime: int
    binding: str


_generated_rows = st.builds(
    GeneratedRow,
    name=st.text(min_size=1, max_size=20).map(str.strip).filter(bool),
    lwm2m_key=st.binary(min_size=1, max_size=32),
    bootstrap_key=st.binary(min_size=1, max_size=32),
    lifetime=st.integers(1, 2**32 - 1),
    binding=st.sampled_from(["U", "UQ"]),
)


@given(rows=st.lists(_generated_rows, min_size=1, max_size=8), delimiter=st.sampled_from(",;"))
def test_whatever_a_csv_writer_quotes_reads_back(rows: list[GeneratedRow], delimiter: str) -> None:
    cells = [
        numbered(PSK_BASE, n)
        | {
            "NAME": row.name,
            "lwm2m psk_key": row.lwm2m_key.hex(),
            "bootstrap psk_key": row.bootstrap_key.hex(),
            "registrationLifetime": str(row.lifetime),
            "bindingMode": row.binding,
        }
        for n, row in enumerate(rows)
    ]
    records = parse_credentials_csv(to_csv(cells, delimiter=delimiter))
    assert [
        (record.name, record.lwm2m_psk_key, record.bootstrap_psk_key) for record in records
    ] == [(row.name, row.lwm2m_key, row.bootstrap_key) for row in rows]
    assert [(record.registration_lifetime, record.binding_mode) for record in records] == [
        (row.lifetime, row.binding) for row in rows
    ]


def test_problems_name_their_row_and_the_rows_are_counted() -> None:
    rows = [numbered(NO_SEC_BASE, n) for n in range(4)]
    rows[2] = row_with(rows[2], securityMode="WPA2")
    error = pytest.raises(CredentialsCSVError, parse_credentials_csv, to_csv(rows)).value
    assert (error.rows_ok, error.rows_with_problems) == (3, 1)
    endpoint = rows[2]["endpoint id"]
    assert error.problem_lines() == [
        f"line 4 ({endpoint}), securityMode: {error.errors[0].message}"
    ]
    assert str(error.errors[0]).startswith("line 4, securityMode: ")
