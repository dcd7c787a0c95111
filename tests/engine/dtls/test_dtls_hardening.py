"""Attacks on the sans-I/O server: floods of valid keys and handshakes, amplification,
spoofed records in the middle of a handshake. Each names the issue point it covers."""

from __future__ import annotations

import struct
import tracemalloc

import pytest

from custom_components.lwm2m.engine.dtls.handshake import HandshakeType, encode_handshake
from custom_components.lwm2m.engine.dtls.records import DTLS_1_2, ContentType, encode_record
from custom_components.lwm2m.engine.dtls.settings import DtlsSettings

from .client import PskClient, build_client_hello
from .harness import KEYS, Net

LEGIT = ("10.0.0.1", 40000)
ATTACKER_HOST = "10.66.0.1"


def split_records(datagram: bytes) -> list[bytes]:
    """Each DTLS record of a datagram as a datagram of its own."""
    records = []
    while datagram:
        end = 13 + int.from_bytes(datagram[11:13], "big")
        records.append(datagram[:end])
        datagram = datagram[end:]
    return records


def many_keys(count: int) -> dict[bytes, bytes]:
    return {b"device-%d" % n: n.to_bytes(2, "big") * 8 for n in range(count)}


# 2. One valid key evicts everyone


def test_one_identity_flooding_sessions_cannot_push_out_another_identity() -> None:
    net = Net(DtlsSettings(max_sessions=16))
    victim = net.connect(LEGIT, b"dev-b")
    for port in range(200):
        net.connect((f"10.66.{port // 50}.1", port), b"dev-a")
    victim_session = net.events.established[0]
    assert net.server.is_current(victim_session)
    net.deliver(LEGIT, victim.application_data(b"still here"))
    assert net.events.data[-1] == (victim_session, b"still here")
    flooder_sessions = [s for s in net.server.sessions() if s.psk_identity == b"dev-a"]
    assert len(flooder_sessions) <= net.server.settings.max_sessions_per_identity


def test_sessions_per_address_are_capped_and_the_first_ones_stay() -> None:
    keys = many_keys(12)
    net = Net(DtlsSettings(max_sessions_per_address=8), keys=keys)
    clients = [
        net.handshake((ATTACKER_HOST, 1000 + n), PskClient(identity, key))
        for n, (identity, key) in enumerate(keys.items())
    ]
    assert [client.established for client in clients] == [True] * 8 + [False] * 4
    assert all(net.server.is_current(session) for session in net.events.established)
    assert net.server.counters["sessions_refused:address_limit"] == 4
    net.connect(LEGIT, b"device-11")  # from another address it gets a session


def test_a_full_table_refuses_newcomers_and_is_reported_once() -> None:
    keys = many_keys(7)
    net = Net(DtlsSettings(max_sessions=4), keys=keys)
    clients = [
        net.handshake((f"10.1.{n}.1", 5000), PskClient(identity, key))
        for n, (identity, key) in enumerate(keys.items())
    ]
    assert [client.established for client in clients] == [True] * 4 + [False] * 3
    assert all(net.server.is_current(session) for session in net.events.established)
    assert net.events.table_full == [True]  # once, however many were refused
    assert net.server.counters["sessions_refused:table_full"] == 3
    net.server.close(net.events.established[0])
    net.server.close(net.events.established[1])
    assert net.events.table_full == [True, False]  # room again, reported once
    identity, key = list(keys.items())[-1]
    assert net.handshake(("10.1.9.1", 5000), PskClient(identity, key)).established


# 3. Handshake table


@pytest.mark.parametrize("attacker_hosts", [1, 8])
def test_a_handshake_flood_leaves_other_addresses_handshakes_in_flight(
    attacker_hosts: int,
) -> None:
    net = Net(DtlsSettings(max_handshakes=64))
    legit = PskClient(b"dev-b", KEYS[b"dev-b"])
    flight = net.up_to_key_exchange(LEGIT, legit)
    for port in range(256):
        attacker = (f"10.66.0.{port % attacker_hosts}", port)
        net.up_to_key_exchange(attacker, PskClient(b"dev-a", KEYS[b"dev-a"]))
    assert net.server.handshakes_count <= 64
    net.finish(LEGIT, legit, flight)
    assert legit.established


def test_handshakes_per_address_are_capped() -> None:
    net = Net(DtlsSettings(max_handshakes_per_address=8))
    for port in range(50):
        net.up_to_key_exchange((ATTACKER_HOST, port), PskClient(b"dev-a", KEYS[b"dev-a"]))
    assert net.server.handshakes_count == 8
    assert net.server.counters["handshakes_refused:address_limit"] == 42


def test_early_records_buffered_by_handshakes_are_bounded_in_total() -> None:
    net = Net()
    clients = []
    for n in range(200):
        peer = (f"10.5.{n}.1", 7000)
        client = PskClient(b"dev-a", KEYS[b"dev-a"])
        net.up_to_key_exchange(peer, client)
        clients.append((peer, client))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for peer, _ in clients:
            for sequence in range(8):
                junk = encode_record(ContentType.HANDSHAKE, DTLS_1_2, 1, sequence, bytes(16_000))
                net.deliver(peer, junk)
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert retained < 1024 * 1024  # 200 handshakes x 8 x 16 kB would be 25 MB


# 4. Amplification


def test_one_datagram_of_many_client_hellos_gets_one_answer() -> None:
    net = Net()
    hello = build_client_hello()
    datagram = hello * (60_000 // len(hello))
    assert len(net.deliver(LEGIT, datagram)) == 1
    assert net.server.counters["client_hellos_ignored"] == 60_000 // len(hello) - 1


# 5. Spoofable records: discarded silently, and the real client's flight completes


def _plain_handshake(msg_type: int, message_seq: int, body: bytes, sequence: int = 9) -> bytes:
    return encode_record(
        ContentType.HANDSHAKE, DTLS_1_2, 0, sequence, encode_handshake(msg_type, message_seq, body)
    )


def _key_exchange(identity: bytes) -> bytes:
    body = struct.pack(">H", len(identity)) + identity
    return _plain_handshake(HandshakeType.CLIENT_KEY_EXCHANGE, 2, body)


SPOOFS = {
    "plaintext fatal alert": encode_record(ContentType.ALERT, DTLS_1_2, 0, 9, b"\x02\x28"),
    "plaintext close_notify": encode_record(ContentType.ALERT, DTLS_1_2, 0, 9, b"\x01\x00"),
    "garbage epoch-1 record": encode_record(ContentType.HANDSHAKE, DTLS_1_2, 1, 0, bytes(40)),
    "plaintext Finished with a wrong message_seq": _plain_handshake(
        HandshakeType.FINISHED, 2, bytes(12)
    ),
    "plaintext Finished in sequence": _plain_handshake(HandshakeType.FINISHED, 3, bytes(12)),
    "key exchange with an empty identity": _key_exchange(b""),
    "key exchange with an over-long identity": _key_exchange(b"x" * 1025),
    "key exchange with another identity": _key_exchange(b"dev-b"),
    "key exchange with an unknown identity": _key_exchange(b"nobody"),
    "fragment with a wrong total length": encode_record(
        ContentType.HANDSHAKE,
        DTLS_1_2,
        0,
        9,
        bytes([HandshakeType.CLIENT_KEY_EXCHANGE])
        + (300).to_bytes(3, "big")
        + (2).to_bytes(2, "big")
        + (0).to_bytes(3, "big")
        + (4).to_bytes(3, "big")
        + b"\x00\x02ab",
    ),
}


@pytest.mark.parametrize("spoof", list(SPOOFS.values()), ids=list(SPOOFS))
@pytest.mark.parametrize("when", ["before the flight", "inside the flight"])
def test_a_spoofed_record_is_dropped_silently_and_the_handshake_completes(
    spoof: bytes, when: str
) -> None:
    net = Net()
    client = PskClient(b"dev-a", KEYS[b"dev-a"])
    [flight] = net.up_to_key_exchange(LEGIT, client)
    key_exchange, change_cipher_spec, finished = split_records(flight)
    if when == "before the flight":
        assert net.deliver(LEGIT, spoof) == []
        net.finish(LEGIT, client, [flight])
    else:
        assert net.deliver(LEGIT, key_exchange) == []
        assert net.deliver(LEGIT, spoof) == []
        net.finish(LEGIT, client, [change_cipher_spec + finished])
    assert client.alerts == []
    assert client.established
    assert net.server.sessions_count == 1


def test_the_clients_retransmitted_flight_completes_after_spoofed_key_exchanges() -> None:
    net = Net()
    client = PskClient(b"dev-a", KEYS[b"dev-a"])
    [flight] = net.up_to_key_exchange(LEGIT, client)
    key_exchange, change_cipher_spec, finished = split_records(flight)
    net.deliver(LEGIT, key_exchange)
    for identity in (b"dev-b", b"nobody", b"x", b"y", b"z", b"w"):
        net.deliver(LEGIT, _key_exchange(identity))  # more than the server keeps apart
    net.deliver(LEGIT, change_cipher_spec + finished)
    assert not client.established  # its key exchange was pushed out...
    net.finish(LEGIT, client, [flight])  # ...and its retransmitted flight completes
    assert client.established


def test_wrong_key_gets_no_answer_and_ends_as_an_authentication_failure() -> None:
    net = Net(DtlsSettings(handshake_timeout=10))
    client = PskClient(b"dev-a", b"not the right key")
    flight = net.up_to_key_exchange(LEGIT, client)
    assert net.deliver(LEGIT, flight[0]) == []
    net.clock.advance(11)
    net.server.poll()
    assert net.server.handshakes_count == 0
    assert net.server.counters["handshakes_ended:authentication_failed"] == 1
