"""One credential store for both servers: bootstrap identities, and who may register
with NoSec, checked against stores imported from both CSV layouts."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine import (
    CredentialStore,
    DeviceCredentials,
    SecurityMode,
    SecurityPolicy,
    parse_credentials_csv,
)
from custom_components.lwm2m.engine.registration.admission import admit
from simulator import RegistrationError, SimulatedDevice
from tests.engine.bootstrap.harness import EXTERNAL_BOOTSTRAP_ID, KEYS, NO_SEC_CSV, PSK_CSV
from tests.engine.server.harness import make_server


def csv_store() -> CredentialStore:
    """Rows of both layouts, imported one file after the other."""
    rows = parse_credentials_csv(NO_SEC_CSV.format(plain=5683))
    rows += parse_credentials_csv(PSK_CSV.format(secure=5684))
    return CredentialStore(rows)


def test_bootstrap_identities_are_indexed() -> None:
    store = csv_store()
    lwm2m_id, lwm2m_key, bootstrap_id, bootstrap_key = KEYS["meter-a"]
    assert store.bootstrap_lookup(bootstrap_id.encode()) == bootstrap_key
    assert store.bootstrap_lookup(EXTERNAL_BOOTSTRAP_ID.encode()) == bootstrap_key
    assert store.endpoint_for_bootstrap_identity(EXTERNAL_BOOTSTRAP_ID.encode()) == "meter-a"
    # The two roles never mix: an LwM2M identity opens no bootstrap session and back.
    assert store.bootstrap_lookup(lwm2m_id.encode()) is None
    assert store.lookup(bootstrap_id.encode()) is None
    assert store.lookup(lwm2m_id.encode()) == lwm2m_key
    # What the bootstrap server's DTLS port is handed tells nothing of the keys.
    shown = repr(store.bootstrap_lookup)
    assert bootstrap_id not in shown
    assert bootstrap_key.hex() not in shown


def test_bootstrap_index_follows_updates_and_removals() -> None:
    store = csv_store()
    _, _, bootstrap_id, _ = KEYS["meter-a"]
    store.update(
        DeviceCredentials(
            endpoint="meter-a",
            security_mode=SecurityMode.PSK,
            bootstrap_psk_id="renamed-bs",
            bootstrap_psk_key=b"\x07" * 16,
        )
    )
    assert store.bootstrap_lookup(bootstrap_id.encode()) is None
    assert store.bootstrap_lookup(EXTERNAL_BOOTSTRAP_ID.encode()) is None
    assert store.bootstrap_lookup(b"renamed-bs") == b"\x07" * 16
    store.remove("meter-a")
    store.remove("meter-a")
    assert store.bootstrap_lookup(b"renamed-bs") is None
    store.set_all([])
    assert store.bootstrap_lookup(KEYS["meter-b"][2].encode()) is None


def test_identity_taken_over_by_another_endpoint_stays_with_it() -> None:
    first = DeviceCredentials(
        endpoint="one",
        security_mode=SecurityMode.PSK,
        bootstrap_psk_id="shared",
        bootstrap_psk_key=b"1",
    )
    second = DeviceCredentials(
        endpoint="two",
        security_mode=SecurityMode.PSK,
        bootstrap_psk_id="shared",
        bootstrap_psk_key=b"2",
    )
    store = CredentialStore([first, second])
    store.remove("one")
    assert store.endpoint_for_bootstrap_identity(b"shared") == "two"


def test_no_sec_rows_have_no_bootstrap_identity() -> None:
    store = csv_store()
    assert store.endpoint_for_bootstrap_identity(b"plain-meter") is None


@pytest.mark.parametrize("policy", [SecurityPolicy.STRICT, SecurityPolicy.PENDING])
def test_nosec_admission_against_both_layouts(policy: SecurityPolicy) -> None:
    store = csv_store()
    configured = admit(policy, store, "plain-meter", identity=None)
    assert configured.admitted
    assert not configured.pending
    for psk_endpoint in ("meter-a", "meter-b"):
        refused = admit(policy, store, psk_endpoint, identity=None)
        assert not refused.admitted
        assert refused.reason == "endpoint requires DTLS"
    stranger = admit(policy, store, "stranger", identity=None)
    if policy is SecurityPolicy.STRICT:
        assert not stranger.admitted
    else:
        assert stranger.admitted
        assert stranger.pending


@pytest.mark.parametrize("policy", [SecurityPolicy.STRICT, SecurityPolicy.PENDING])
async def test_nosec_registrations_over_the_wire(loopback: None, policy: SecurityPolicy) -> None:
    server = make_server(policy=policy, credentials=csv_store())
    await server.start()
    names = ("plain-meter", "meter-a", "stranger")
    devices = {name: SimulatedDevice(name, auto_update=False) for name in names}
    try:
        for device in devices.values():
            await device.start()
        await devices["plain-meter"].register(("127.0.0.1", server.port))
        assert not server.registrations["plain-meter"].pending
        with pytest.raises(RegistrationError, match="4.03"):
            await devices["meter-a"].register(("127.0.0.1", server.port))
        if policy is SecurityPolicy.STRICT:
            with pytest.raises(RegistrationError, match="4.03"):
                await devices["stranger"].register(("127.0.0.1", server.port))
        else:
            await devices["stranger"].register(("127.0.0.1", server.port))
            assert server.registrations["stranger"].pending
    finally:
        for device in devices.values():
            await device.stop()
        await server.stop()
