"""DTLS 1.2 Connection IDs (RFC 9146) in the sans-I/O server: negotiation, tls12_cid
records both ways, and a session that follows its client to a new address only on an
authenticated record that is the newest it has had."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine.dtls.connection_id import EXT_CONNECTION_ID
from custom_components.lwm2m.engine.dtls.records import (
    DTLS_1_2,
    ContentType,
    encode_record,
    parse_records,
)
from custom_components.lwm2m.engine.dtls.settings import DtlsSettings

from .client import PskClient, build_client_hello
from .harness import KEYS, Net

PEER = ("10.0.0.1", 40000)
REBOUND = ("10.0.0.1", 51234)  # the same device after its NAT gave it another port
ELSEWHERE = ("10.9.9.9", 4444)

SUITES = [0xC0A8, 0xC0A4, 0x00A8, 0x00AE]


def cid_client(connection_id: bytes = b"\xc0\xff\xee", suite: int = 0xC0A8) -> PskClient:
    hello = build_client_hello(
        suites=(suite,), encrypt_then_mac=suite == 0x00AE, connection_id=connection_id
    )
    return PskClient(b"dev-a", KEYS[b"dev-a"], hello, connection_id=connection_id)


@pytest.mark.parametrize("suite", SUITES)
def test_a_connection_id_is_negotiated_and_carried_both_ways(suite: int) -> None:
    net = Net()
    client = net.handshake(PEER, cid_client(suite=suite))
    assert client.established
    assert client.server_hello is not None
    assert client.server_cid is not None
    assert len(client.server_cid) == net.server.settings.connection_id_length
    [session] = net.events.established
    assert session.cid == client.server_cid
    assert session.peer_cid == b"\xc0\xff\xee"
    uplink = client.application_data(b"ping")
    assert uplink[0] == ContentType.TLS12_CID
    net.deliver(PEER, uplink)
    assert net.events.data == [(session, b"ping")]
    net.sent.clear()
    net.server.send(session, b"pong")
    [(_, downlink)] = net.sent
    [record] = parse_records(downlink, 3)
    assert record.content_type == ContentType.TLS12_CID
    assert record.cid == b"\xc0\xff\xee"
    client.receive(downlink)
    assert client.take_application_data() == [b"pong"]


def test_an_authenticated_newest_record_from_a_new_address_moves_the_session() -> None:
    net = Net()
    client = net.connect(PEER, hello=build_client_hello(connection_id=b""), connection_id=b"")
    [session] = net.events.established
    net.deliver(REBOUND, client.application_data(b"after the rebinding"))
    assert net.events.data[-1] == (session, b"after the rebinding")
    assert net.events.moved == [(session, PEER)]
    assert session.peer == REBOUND
    assert net.server.is_current(session)
    net.sent.clear()
    net.server.send(session, b"downlink")
    [(to, downlink)] = net.sent
    assert to == REBOUND
    client.receive(downlink)
    assert client.take_application_data() == [b"downlink"]


def test_no_move_on_a_record_that_does_not_authenticate() -> None:
    net = Net()
    client = net.connect(PEER, hello=build_client_hello(connection_id=b""), connection_id=b"")
    [session] = net.events.established
    assert client.server_cid is not None
    forged = encode_record(ContentType.TLS12_CID, DTLS_1_2, 1, 99, bytes(40), client.server_cid)
    assert net.deliver(ELSEWHERE, forged) == []
    assert net.events.moved == []
    assert session.peer == PEER
    net.deliver(PEER, client.application_data(b"still here"))
    assert net.events.data[-1] == (session, b"still here")


def test_no_move_on_an_older_record_even_an_authentic_one() -> None:
    net = Net()
    client = net.connect(PEER, hello=build_client_hello(connection_id=b""), connection_id=b"")
    [session] = net.events.established
    delayed = client.application_data(b"sent before")
    net.deliver(PEER, client.application_data(b"sent after"))
    net.deliver(ELSEWHERE, delayed)  # replayed or reordered from another address
    assert [data for _, data in net.events.data] == [b"sent after", b"sent before"]
    assert net.events.moved == []
    assert session.peer == PEER
    net.deliver(ELSEWHERE, delayed)
    assert net.server.counters["replayed"] == 1


def test_a_record_without_its_connection_id_is_not_accepted() -> None:
    net = Net()
    client = net.connect(PEER, hello=build_client_hello(connection_id=b""), connection_id=b"")
    server_cid = client.server_cid
    client.server_cid = None  # the client "forgets" the CID the server asked for
    net.deliver(PEER, client.application_data(b"plain record"))
    assert net.events.data == []
    client.server_cid = server_cid


def test_without_the_clients_offer_no_connection_id_is_used() -> None:
    net = Net()
    client = net.connect(PEER)
    assert client.server_hello is not None
    assert EXT_CONNECTION_ID not in client.server_hello.extensions
    [session] = net.events.established
    assert session.cid == b""
    net.deliver(REBOUND, client.application_data(b"from elsewhere"))
    assert net.events.data == []  # found by address only, and that is another one


def test_a_server_configured_without_connection_ids_leaves_the_extension_out() -> None:
    net = Net(DtlsSettings(connection_id_length=None))
    client = net.connect(
        PEER, hello=build_client_hello(connection_id=b"\x01"), connection_id=b"\x01"
    )
    assert client.server_hello is not None
    assert EXT_CONNECTION_ID not in client.server_hello.extensions
    net.deliver(PEER, client.application_data(b"plain"))
    assert net.events.data[-1][1] == b"plain"


def test_a_zero_length_server_cid_still_sends_the_clients() -> None:
    net = Net(DtlsSettings(connection_id_length=0))
    client = net.connect(
        PEER, hello=build_client_hello(connection_id=b"\x01"), connection_id=b"\x01"
    )
    assert client.server_cid == b""
    [session] = net.events.established
    net.deliver(PEER, client.application_data(b"no cid on the way in"))
    assert net.events.data[-1] == (session, b"no cid on the way in")
    net.sent.clear()
    net.server.send(session, b"cid on the way out")
    [(_, downlink)] = net.sent
    assert downlink[0] == ContentType.TLS12_CID
    client.receive(downlink)
    assert client.take_application_data() == [b"cid on the way out"]


def test_connection_ids_are_unique_and_run_out_gracefully() -> None:
    keys = {b"device-%d" % n: n.to_bytes(2, "big") * 8 for n in range(300)}
    net = Net(DtlsSettings(connection_id_length=1), keys=keys)
    for n, (identity, key) in enumerate(keys.items()):
        hello = build_client_hello(connection_id=b"")
        client = net.handshake(
            (f"10.3.{n}.1", 5000), PskClient(identity, key, hello, connection_id=b"")
        )
        assert client.established  # without a CID once the 256 one-byte values are taken
    cids = [session.cid for session in net.server.sessions() if session.cid]
    assert len(set(cids)) == len(cids) > 200
    assert net.server.sessions_count == 300
