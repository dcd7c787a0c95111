"""Merging imported device credentials into the ones already stored."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from .columns import CredentialsColumn
from .records import CredentialsCSVError, CredentialsProblem, DeviceCredentials


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """Endpoints an import added, changed, and re-imported without change."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


def merge_credentials(
    existing: Mapping[str, DeviceCredentials], imported: Sequence[DeviceCredentials]
) -> tuple[dict[str, DeviceCredentials], ImportSummary]:
    """Add new endpoints and replace re-imported ones, without touching ``existing``.

    Raises CredentialsCSVError (problems carry line 0) when an endpoint is imported
    twice, or when a PSK identity would end up with two endpoints: an imported
    identity may belong to another endpoint only if that one is re-imported too
    and gives it up.
    """
    problems: list[CredentialsProblem] = []
    incoming: dict[str, DeviceCredentials] = {}
    for record in imported:
        if record.endpoint in incoming:
            problems.append(
                CredentialsProblem(
                    0, CredentialsColumn.ENDPOINT.value, f"{record.endpoint!r} is imported twice"
                )
            )
        incoming[record.endpoint] = record

    owners: dict[tuple[str, str], str] = {}
    for record in existing.values():
        if record.endpoint not in incoming:
            for key, _column in _identities(record):
                owners.setdefault(key, record.endpoint)
    for record in incoming.values():
        for key, column in _identities(record):
            owner = owners.setdefault(key, record.endpoint)
            if owner != record.endpoint:
                problems.append(
                    CredentialsProblem(
                        0,
                        column.value,
                        f"the PSK identity of {record.endpoint!r} already belongs to {owner!r}",
                    )
                )
    if problems:
        raise CredentialsCSVError(problems)

    merged = {**existing, **incoming}
    summary = ImportSummary(
        added=tuple(endpoint for endpoint in incoming if endpoint not in existing),
        updated=tuple(
            endpoint
            for endpoint, record in incoming.items()
            if endpoint in existing and existing[endpoint] != record
        ),
        unchanged=tuple(
            endpoint
            for endpoint, record in incoming.items()
            if endpoint in existing and existing[endpoint] == record
        ),
    )
    return merged, summary


def _identities(record: DeviceCredentials) -> Iterator[tuple[tuple[str, str], CredentialsColumn]]:
    """Each PSK identity of a record, keyed by the server that looks it up."""
    if record.lwm2m_psk_id is not None:
        yield ("lwm2m", record.lwm2m_psk_id), CredentialsColumn.LWM2M_PSK_ID
    if record.bootstrap_psk_id is not None:
        yield ("bootstrap", record.bootstrap_psk_id), CredentialsColumn.BOOTSTRAP_PSK_ID
    if record.external_bootstrap_psk_id is not None:
        yield (
            ("bootstrap", record.external_bootstrap_psk_id),
            CredentialsColumn.EXTERNAL_BOOTSTRAP_PSK_ID,
        )
