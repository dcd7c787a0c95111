"""Who may register: STRICT, PENDING and OPEN policies, PSK endpoints, held devices."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    CredentialStore,
    Deregistered,
    DeviceCredentials,
    DeviceNotRegisteredError,
    DevicePendingError,
    LwM2MServer,
    Path,
    Registered,
    SecurityMode,
    SecurityPolicy,
    Updated,
)
from custom_components.lwm2m.engine.registration.admission import admit

from .device_stub import DEVICE_VALUES, answer_reads
from .harness import EventLog, make_server
from .raw_peer import RawPeer

PLAIN = DeviceCredentials(endpoint="known", security_mode=SecurityMode.NO_SEC)
PSK = DeviceCredentials(
    endpoint="secret",
    security_mode=SecurityMode.PSK,
    lwm2m_psk_id="secret-id",
    lwm2m_psk_key=b"\x01\x02",
)


def store() -> CredentialStore:
    return CredentialStore([PLAIN, PSK])


@pytest.fixture
async def peer(loopback: None) -> AsyncIterator[RawPeer]:
    device = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    yield device
    await device.stop()


async def running(policy: SecurityPolicy) -> tuple[LwM2MServer, EventLog]:
    server = make_server(policy=policy, credentials=store())
    await server.start()
    log = EventLog()
    server.add_listener(log)
    return server, log


async def test_strict_admits_only_known_endpoints(peer: RawPeer) -> None:
    server, _ = await running(SecurityPolicy.STRICT)
    try:
        assert (await peer.register(server.port, "ep=known")).code == Code.CREATED
        refused = await peer.register(server.port, "ep=stranger")
        assert refused.code == Code.FORBIDDEN
        assert set(server.registrations) == {"known"}
    finally:
        await server.stop()


async def test_psk_endpoint_over_plain_udp_is_forbidden(peer: RawPeer) -> None:
    server, _ = await running(SecurityPolicy.OPEN)
    try:
        refused = await peer.register(server.port, "ep=secret")
        assert refused.code == Code.FORBIDDEN
        assert refused.payload == b"endpoint requires DTLS"
    finally:
        await server.stop()


async def test_open_admits_unknown_endpoints(peer: RawPeer) -> None:
    server, _ = await running(SecurityPolicy.OPEN)
    try:
        assert (await peer.register(server.port, "ep=anyone")).code == Code.CREATED
        assert not server.registrations["anyone"].pending
    finally:
        await server.stop()


async def test_pending_holds_then_accepts(peer: RawPeer) -> None:
    server, log = await running(SecurityPolicy.PENDING)
    try:
        assert (await peer.register(server.port, "ep=newcomer")).code == Code.CREATED
        (event,) = log.of(Registered)
        assert event.registration.pending
        with pytest.raises(DevicePendingError):
            await server.read("newcomer", Path.of(3, 0, 0))
        assert not peer.requests
        accepted = server.accept_pending("newcomer")
        assert not accepted.pending
        assert log.of(Updated)[-1].changed == frozenset({"pending"})
        assert await server.read("newcomer", Path.of(3, 0, 0)) == {Path.of(3, 0, 0): "Acme"}
        assert (await peer.register(server.port, "ep=known")).code == Code.CREATED
        assert not server.registrations["known"].pending
    finally:
        await server.stop()


async def test_pending_reject_blocks(peer: RawPeer) -> None:
    server, log = await running(SecurityPolicy.PENDING)
    try:
        await peer.register(server.port, "ep=intruder")
        server.reject_pending("intruder")
        assert "intruder" not in server.registrations
        assert log.of(Deregistered)[0].endpoint == "intruder"
        again = await peer.register(server.port, "ep=intruder")
        assert again.code == Code.FORBIDDEN
        assert server.blocked_endpoints == {"intruder"}
        server.unblock("intruder")
        assert (await peer.register(server.port, "ep=intruder")).code == Code.CREATED
        with pytest.raises(DeviceNotRegisteredError):
            server.accept_pending("nobody")
    finally:
        await server.stop()


def test_admission_rules_for_dtls_identities() -> None:
    credentials = store()
    assert admit(SecurityPolicy.STRICT, credentials, "secret", identity=b"secret-id").admitted
    other = admit(SecurityPolicy.OPEN, credentials, "known", identity=b"secret-id")
    assert not other.admitted
    assert other.reason == "identity does not match endpoint"
    assert not admit(SecurityPolicy.OPEN, credentials, "x", identity=b"unknown").admitted


def test_credential_store_index() -> None:
    credentials = store()
    assert credentials.lookup(b"secret-id") == b"\x01\x02"
    assert credentials.lookup(b"nope") is None
    assert credentials.endpoint_for_identity(b"secret-id") == "secret"
    credentials.update(
        DeviceCredentials(
            endpoint="secret",
            security_mode=SecurityMode.PSK,
            lwm2m_psk_id="renamed",
            lwm2m_psk_key=b"\x03",
        )
    )
    assert credentials.lookup(b"secret-id") is None
    assert credentials.lookup(b"renamed") == b"\x03"
    credentials.remove("secret")
    assert credentials.lookup(b"renamed") is None
    assert "known" in credentials
    assert len(credentials) == 1
    assert [item.endpoint for item in credentials] == ["known"]
    credentials.set_all([])
    assert credentials.get("known") is None
