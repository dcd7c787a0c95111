"""A second, secure transport sharing the server's resources.

The DTLS transport is a separate piece of work; here a plain UDP context is attached as
the secure one and the peer's authenticated PSK identity is what the test says it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import (
    ContentFormat,
    CredentialStore,
    DeviceCredentials,
    LwM2MServer,
    Path,
    SecurityMode,
    SecurityPolicy,
    SendReceived,
)
from custom_components.lwm2m.engine.registration import registrar
from custom_components.lwm2m.engine.server import send
from custom_components.lwm2m.engine.transport.udp import bind_udp, bound_port

from .device_stub import DEVICE_VALUES, answer_reads
from .harness import EventLog, make_server
from .raw_peer import RawPeer

CREDENTIALS = CredentialStore(
    [
        DeviceCredentials(
            endpoint="locked",
            security_mode=SecurityMode.PSK,
            lwm2m_psk_id="locked-id",
            lwm2m_psk_key=b"k",
        ),
        DeviceCredentials(
            endpoint="other",
            security_mode=SecurityMode.PSK,
            lwm2m_psk_id="other-id",
            lwm2m_psk_key=b"o",
        ),
    ]
)


class Identity:
    """What the fake DTLS layer says each peer authenticated as."""

    def __init__(self) -> None:
        self.value: bytes | None = b"locked-id"

    def __call__(self, remote: object) -> bytes | None:
        return self.value


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> Identity:
    fake = Identity()
    monkeypatch.setattr(registrar, "peer_identity", fake)
    monkeypatch.setattr(send, "peer_identity", fake)
    return fake


@pytest.fixture
async def secure(loopback: None) -> AsyncIterator[tuple[LwM2MServer, int]]:
    server = make_server(policy=SecurityPolicy.STRICT, credentials=CREDENTIALS)
    await server.start()
    context = await bind_udp("127.0.0.1", 0, None)
    server.attach_transport(context, secure=True)
    yield server, bound_port(context)
    await server.stop()


@pytest.fixture
async def peer(loopback: None) -> AsyncIterator[RawPeer]:
    device = await RawPeer(answer_reads(DEVICE_VALUES)).start()
    yield device
    await device.stop()


async def test_registration_update_send_and_requests_over_the_secure_transport(
    secure: tuple[LwM2MServer, int], peer: RawPeer, identity: Identity
) -> None:
    server, port = secure
    created = await peer.register(port, "ep=locked")
    assert created.code == Code.CREATED
    registration = server.registrations["locked"]
    assert registration.secure
    assert registration.security_identity == "locked-id"
    assert await server.read("locked", Path.of(3, 0, 9)) == {Path.of(3, 0, 9): 87}
    location = "/" + "/".join(created.opt.location_path)
    assert (await peer.request(port, Code.POST, location)).code == Code.CHANGED

    log = EventLog()
    server.add_listener(log)
    arrived = log.next(SendReceived)
    sent = await peer.request(
        port,
        Code.POST,
        "/dp",
        payload=b'[{"n":"/3303/0/5700","v":1.5}]',
        content_format=ContentFormat.SENML_JSON,
    )
    assert sent.code == Code.CHANGED
    assert (await arrived).endpoint == "locked"

    plain = await peer.request(server.port, Code.POST, location)
    assert plain.code == Code.NOT_FOUND  # the plain port cannot touch a secure registration
    identity.value = b"other-id"
    assert (await peer.request(port, Code.POST, location)).code == Code.NOT_FOUND
    identity.value = b"locked-id"
    assert (await peer.request(port, Code.DELETE, location)).code == Code.DELETED


async def test_identity_must_match_endpoint(
    secure: tuple[LwM2MServer, int], peer: RawPeer, identity: Identity
) -> None:
    server, port = secure
    identity.value = b"other-id"
    assert (await peer.register(port, "ep=locked")).code == Code.FORBIDDEN
    identity.value = None
    refused = await peer.register(port, "ep=locked")
    assert refused.code == Code.FORBIDDEN
    assert refused.payload == b"no authenticated identity"
    assert not server.registrations


def test_policy_can_change(identity: Identity) -> None:
    server = make_server(policy=SecurityPolicy.STRICT)
    server.policy = SecurityPolicy.OPEN
    assert server.policy is SecurityPolicy.OPEN
    assert len(server.credentials) == 0
