"""Merging imported credentials into the stored ones."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.lwm2m.engine import (
    CredentialsCSVError,
    DeviceCredentials,
    ImportSummary,
    SecurityMode,
    merge_credentials,
)


def psk(endpoint: str, identity: str, bootstrap_identity: str | None = None) -> DeviceCredentials:
    return DeviceCredentials(
        endpoint=endpoint,
        security_mode=SecurityMode.PSK,
        server_url="coaps://lwm2m.example.com:5684",
        lwm2m_psk_id=identity,
        lwm2m_psk_key=b"\x01\x02",
        bootstrap_psk_id=bootstrap_identity or f"bs-{identity}",
        bootstrap_psk_key=b"\x03\x04",
    )


def store(*records: DeviceCredentials) -> dict[str, DeviceCredentials]:
    return {record.endpoint: record for record in records}


def test_adds_to_an_empty_store() -> None:
    merged, summary = merge_credentials({}, [psk("a", "id-a"), psk("b", "id-b")])
    assert merged == store(psk("a", "id-a"), psk("b", "id-b"))
    assert summary == ImportSummary(added=("a", "b"))


def test_reimport_updates_changed_and_reports_unchanged() -> None:
    existing = store(psk("a", "id-a"), psk("b", "id-b"), psk("c", "id-c"))
    changed = replace(psk("a", "id-a"), registration_lifetime=600)
    merged, summary = merge_credentials(existing, [changed, psk("b", "id-b"), psk("d", "id-d")])
    assert merged == {
        "a": changed,
        "b": psk("b", "id-b"),
        "c": psk("c", "id-c"),
        "d": psk("d", "id-d"),
    }
    assert summary == ImportSummary(added=("d",), updated=("a",), unchanged=("b",))


def test_existing_mapping_is_left_alone() -> None:
    existing = store(psk("a", "id-a"))
    merge_credentials(existing, [psk("a", "id-new"), psk("b", "id-b")])
    assert existing == store(psk("a", "id-a"))


def test_an_endpoint_may_change_its_own_identity() -> None:
    merged, summary = merge_credentials(store(psk("a", "id-a")), [psk("a", "id-a2")])
    assert merged["a"].lwm2m_psk_id == "id-a2"
    assert summary.updated == ("a",)


def test_identity_of_another_existing_endpoint_is_refused() -> None:
    existing = store(psk("a", "id-a"), psk("b", "id-b"))
    with pytest.raises(CredentialsCSVError) as info:
        merge_credentials(existing, [psk("c", "id-a", "bs-c")])
    assert info.value.errors == [
        (0, "lwm2m psk_id", "the PSK identity of 'c' already belongs to 'a'")
    ]


def test_bootstrap_identity_of_another_endpoint_is_refused() -> None:
    existing = store(replace(psk("a", "id-a"), external_bootstrap_psk_id="ext-a"))
    with pytest.raises(CredentialsCSVError) as info:
        merge_credentials(existing, [psk("c", "id-c", bootstrap_identity="ext-a")])
    assert info.value.errors == [
        (0, "bootstrap psk_id", "the PSK identity of 'c' already belongs to 'a'")
    ]


def test_external_bootstrap_identity_conflict_names_its_column() -> None:
    imported = replace(psk("c", "id-c"), external_bootstrap_psk_id="bs-id-a")
    with pytest.raises(CredentialsCSVError) as info:
        merge_credentials(store(psk("a", "id-a")), [imported])
    assert [problem.field for problem in info.value.errors] == ["external-c8y_BootstrapPskId"]


def test_endpoints_may_swap_identities_when_both_are_reimported() -> None:
    existing = store(psk("a", "id-a"), psk("b", "id-b"))
    merged, summary = merge_credentials(existing, [psk("a", "id-b"), psk("b", "id-a")])
    assert merged["a"].lwm2m_psk_id == "id-b"
    assert merged["b"].lwm2m_psk_id == "id-a"
    assert summary.updated == ("a", "b")


def test_an_endpoint_imported_twice_is_refused() -> None:
    with pytest.raises(CredentialsCSVError) as info:
        merge_credentials({}, [psk("a", "id-a"), psk("b", "id-b"), psk("a", "id-a")])
    assert info.value.errors == [(0, "endpoint id", "'a' is imported twice")]


def test_identity_shared_within_the_import_is_refused() -> None:
    with pytest.raises(CredentialsCSVError) as info:
        merge_credentials({}, [psk("a", "id-x"), psk("b", "id-x", "bs-b")])
    assert info.value.errors == [
        (0, "lwm2m psk_id", "the PSK identity of 'b' already belongs to 'a'")
    ]


def test_no_sec_records_have_no_identities_to_clash() -> None:
    plain = DeviceCredentials("p", SecurityMode.NO_SEC)
    merged, summary = merge_credentials(store(plain), [DeviceCredentials("q", SecurityMode.NO_SEC)])
    assert set(merged) == {"p", "q"}
    assert summary.added == ("q",)
