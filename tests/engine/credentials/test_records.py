"""Device credentials: redaction, persistence round trip, bootstrap readiness, errors."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.lwm2m.engine import (
    BindingMode,
    CredentialsCSVError,
    CredentialsProblem,
    DeviceCredentials,
    SecurityMode,
)

PSK_DEVICE = DeviceCredentials(
    endpoint="sensor-7",
    security_mode=SecurityMode.PSK,
    credentials="device-password",
    server_url="coaps://lwm2m.example.com:5684",
    lwm2m_psk_id="identity-lwm2m",
    lwm2m_psk_key=bytes.fromhex("a1b2c3d4e5f6"),
    bootstrap_psk_id="identity-bootstrap",
    bootstrap_psk_key=bytes.fromhex("0badc0ffee"),
    external_bootstrap_psk_id="identity-external",
)
SECRETS = (
    "device-password",
    "identity-lwm2m",
    "identity-bootstrap",
    "identity-external",
    "a1b2c3d4e5f6",
    "0badc0ffee",
    repr(bytes.fromhex("a1b2c3d4e5f6")),
)


@pytest.mark.parametrize("render", [repr, str])
def test_repr_and_str_hide_keys_identities_and_credentials(render: Any) -> None:
    text = render(PSK_DEVICE)
    for secret in SECRETS:
        assert secret not in text
    assert "lwm2m_psk_key=<redacted>" in text
    assert "endpoint='sensor-7'" in text


def test_repr_shows_unset_secrets_as_none() -> None:
    text = repr(DeviceCredentials("plain", SecurityMode.NO_SEC))
    assert "lwm2m_psk_id=None" in text
    assert "<redacted>" not in text


def test_to_dict_is_json_safe_with_hex_keys() -> None:
    data = PSK_DEVICE.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["lwm2m_psk_key"] == "a1b2c3d4e5f6"
    assert data["security_mode"] == "PSK"
    assert data["binding_mode"] == "UQ"
    assert DeviceCredentials.from_dict(data) == PSK_DEVICE


def test_from_dict_defaults_missing_optional_keys_and_ignores_unknown_ones() -> None:
    record = DeviceCredentials.from_dict(
        {"endpoint": "e", "security_mode": "NO_SEC", "added_later": 1}
    )
    assert record == DeviceCredentials("e", SecurityMode.NO_SEC)
    assert record.lwm2m_short_server_id == 1
    assert record.binding_mode is BindingMode.UQ


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("endpoint", None),
        ("endpoint", 5),
        ("security_mode", "RPK"),
        ("shell", "yes"),
        ("security_instance_offset", True),
        ("registration_lifetime", "60"),
        ("notification_if_disabled", 1),
        ("binding_mode", "T"),
        ("lwm2m_psk_key", "xyz"),
    ],
)
def test_from_dict_rejects_malformed_values(key: str, value: object) -> None:
    data = PSK_DEVICE.to_dict()
    data[key] = value
    with pytest.raises(ValueError):  # noqa: PT011 - each case fails in its own way
        DeviceCredentials.from_dict(data)


def test_from_dict_names_the_key_of_a_wrongly_typed_value() -> None:
    data = PSK_DEVICE.to_dict() | {"shell": "yes"}
    with pytest.raises(ValueError, match="shell must be of type bool"):
        DeviceCredentials.from_dict(data)


_text = st.none() | st.text(max_size=12)
_key = st.none() | st.binary(min_size=1, max_size=32)
_count = st.integers(min_value=0, max_value=2**32 - 1)
_records = st.builds(
    DeviceCredentials,
    endpoint=st.text(min_size=1, max_size=12),
    security_mode=st.sampled_from(SecurityMode),
    device_id=_text,
    id_type=_text,
    credentials=_text,
    name=_text,
    device_type=_text,
    shell=st.booleans(),
    cumulocity_agent=st.booleans(),
    server_url=_text,
    server_public_key=_text,
    generate_bootstrap_server_config=st.booleans(),
    security_instance_offset=st.integers(0, 65534),
    bootstrap_short_server_id=st.integers(0, 65534),
    lwm2m_short_server_id=st.integers(1, 65534),
    registration_lifetime=st.none() | _count,
    default_minimum_period=st.none() | _count,
    default_maximum_period=st.none() | _count,
    binding_mode=st.sampled_from(BindingMode),
    notification_if_disabled=st.none() | st.booleans(),
    disable_timeout=st.none() | _count,
    lwm2m_psk_id=_text,
    lwm2m_psk_key=_key,
    bootstrap_psk_id=_text,
    bootstrap_psk_key=_key,
    external_bootstrap_psk_id=_text,
)


@given(_records)
def test_dict_round_trip_through_json(record: DeviceCredentials) -> None:
    stored = json.dumps(record.to_dict())
    assert DeviceCredentials.from_dict(json.loads(stored)) == record


def test_has_bootstrap_data() -> None:
    assert PSK_DEVICE.has_bootstrap_data
    assert not replace(PSK_DEVICE, server_url=None).has_bootstrap_data
    assert not replace(PSK_DEVICE, bootstrap_psk_key=None).has_bootstrap_data
    no_sec = DeviceCredentials("plain", SecurityMode.NO_SEC)
    assert not no_sec.has_bootstrap_data
    assert replace(no_sec, server_url="coap://lwm2m.example.com").has_bootstrap_data


def test_error_summarises_count_and_first_problems() -> None:
    problems = [CredentialsProblem(line, "endpoint id", "required") for line in range(2, 10)]
    error = CredentialsCSVError(problems)
    assert isinstance(error, ValueError)
    assert error.errors == problems
    assert str(error).startswith("8 problems: line 2, endpoint id: required; line 3,")
    assert "line 6, endpoint id" in str(error)
    assert "line 7" not in str(error)
    assert str(error).endswith("; and 3 more")


def test_error_with_one_problem_without_line_or_field() -> None:
    error = CredentialsCSVError([CredentialsProblem(0, "", "something")])
    assert str(error) == "1 problem: import, row: something"
    assert error.errors == [(0, "", "something")]
