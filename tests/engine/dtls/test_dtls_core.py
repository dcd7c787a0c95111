"""Sans-I/O server behaviour with a fake clock: handshakes, records, timers, limits."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.engine.dtls.handshake import HandshakeType
from custom_components.lwm2m.engine.dtls.records import DTLS_1_2, ContentType, encode_record
from custom_components.lwm2m.engine.dtls.server import CloseReason
from custom_components.lwm2m.engine.dtls.settings import DtlsSettings

from .client import (
    PskClient,
    build_client_hello,
    handshake_messages,
    hello_verify_cookie,
    insert_cookie,
    parse_server_hello,
)
from .harness import KEYS, Net

PEER = ("10.0.0.1", 40000)
OTHER = ("10.0.0.2", 40001)


def test_handshake_and_application_data_both_ways() -> None:
    net = Net()
    client = net.connect(PEER)
    assert client.suite is not None
    assert client.suite.code == 0xC0A8
    assert client.extended_master_secret
    [session] = net.events.established
    assert session.psk_identity == b"dev-a"
    net.deliver(PEER, client.application_data(b"ping"))
    assert net.events.data == [(session, b"ping")]
    net.sent.clear()
    net.server.send(session, b"pong")
    [(_, datagram)] = net.sent
    client.receive(datagram)
    assert client.take_application_data() == [b"pong"]


def test_session_repr_hides_the_identity() -> None:
    net = Net()
    net.connect(PEER)
    assert "dev-a" not in repr(net.events.established[0])


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        ((0xC0A4, 0x00A8, 0xC0A8), 0xC0A8),
        ((0x00A8, 0xC0A4), 0xC0A4),
        ((0x00A8,), 0x00A8),
    ],
)
def test_server_preference_decides(offered: tuple[int, ...], chosen: int) -> None:
    net = Net()
    client = net.connect(PEER, hello=build_client_hello(suites=offered))
    assert client.suite is not None
    assert client.suite.code == chosen


def test_cbc_only_with_encrypt_then_mac() -> None:
    net = Net()
    refused = net.handshake(
        PEER, PskClient(b"dev-a", KEYS[b"dev-a"], build_client_hello(suites=(0x00AE,)))
    )
    assert not refused.established
    assert refused.alerts == [bytes([2, 40])]
    client = net.connect(OTHER, hello=build_client_hello(suites=(0x00AE,), encrypt_then_mac=True))
    assert client.suite is not None
    assert client.suite.code == 0x00AE
    net.deliver(OTHER, client.application_data(b"over cbc"))
    assert net.events.data[-1][1] == b"over cbc"


def test_without_extended_master_secret_unless_required() -> None:
    net = Net()
    client = net.connect(PEER, hello=build_client_hello(extended_master_secret=False))
    assert not client.extended_master_secret
    strict = Net(DtlsSettings(require_extended_master_secret=True))
    refused = strict.handshake(
        PEER, PskClient(b"dev-a", KEYS[b"dev-a"], build_client_hello(extended_master_secret=False))
    )
    assert refused.alerts == [bytes([2, 40])]


def test_hello_verify_request_holds_no_state() -> None:
    net = Net()
    for port in range(100):
        [answer] = net.deliver(("10.0.0.9", port), build_client_hello())
        assert hello_verify_cookie(answer) is not None
    assert net.server.handshakes_count == 0


def test_cookie_is_bound_to_the_peer_address() -> None:
    net = Net()
    hello = build_client_hello()
    [answer] = net.deliver(PEER, hello)
    cookie = hello_verify_cookie(answer)
    assert cookie is not None
    [elsewhere] = net.deliver(OTHER, insert_cookie(hello, cookie))
    assert hello_verify_cookie(elsewhere) is not None  # asked again, no state
    assert net.server.counters["bad_cookie"] == 1
    [here] = net.deliver(PEER, insert_cookie(hello, cookie))
    assert [t for t, _ in handshake_messages(here)] == [
        HandshakeType.SERVER_HELLO,
        HandshakeType.SERVER_HELLO_DONE,
    ]


def test_cookie_rotation_keeps_one_previous_secret() -> None:
    net = Net(DtlsSettings(cookie_rotation=300))
    hello = build_client_hello()
    cookie = hello_verify_cookie(net.deliver(PEER, hello)[0])
    assert cookie is not None
    net.clock.advance(301)  # one rotation: the old secret still verifies
    assert hello_verify_cookie(net.deliver(PEER, insert_cookie(hello, cookie))[0]) is None
    net.server.close_all()
    hello = build_client_hello()
    cookie = hello_verify_cookie(net.deliver(PEER, hello)[0])
    assert cookie is not None
    net.server.rotate_cookie_secret()
    net.server.rotate_cookie_secret()  # two rotations: that cookie is dead
    assert hello_verify_cookie(net.deliver(PEER, insert_cookie(hello, cookie))[0]) is not None


def test_wrong_key_and_unknown_identity_fail_alike() -> None:
    net = Net(DtlsSettings(handshake_timeout=10))
    wrong = net.handshake(PEER, PskClient(b"dev-a", b"not the right key"))
    unknown = net.handshake(OTHER, PskClient(b"nobody", KEYS[b"dev-a"]))
    # No answer to a Finished that does not verify: a spoofer could have sent it.
    assert wrong.alerts == unknown.alerts == []
    assert not wrong.established
    assert not unknown.established
    assert net.server.counters["decrypt_failed"] == 2
    net.clock.advance(11)
    net.server.poll()
    assert net.server.sessions_count == net.server.handshakes_count == 0
    assert net.server.counters["handshakes_ended:authentication_failed"] == 2


def test_failed_handshake_is_dropped_when_it_times_out() -> None:
    net = Net(DtlsSettings(handshake_timeout=10))
    net.handshake(PEER, PskClient(b"dev-a", b"wrong"))
    assert net.server.handshakes_count == 1
    net.clock.advance(11)
    net.server.poll()
    assert net.server.handshakes_count == 0
    assert net.server.counters["handshakes_ended:authentication_failed"] == 1


def test_replayed_record_is_dropped_and_window_allows_reordering() -> None:
    net = Net()
    client = net.connect(PEER)
    records = [client.application_data(b"%d" % n) for n in range(5)]
    for index in (0, 3, 1, 4, 2, 3, 0):
        net.deliver(PEER, records[index])
    assert [data for _, data in net.events.data] == [b"0", b"3", b"1", b"4", b"2"]
    assert net.server.counters["replayed"] == 2


def test_record_older_than_the_window_is_dropped() -> None:
    net = Net()
    client = net.connect(PEER)
    old = client.seal(ContentType.APPLICATION_DATA, b"old", sequence=10)
    net.deliver(PEER, client.seal(ContentType.APPLICATION_DATA, b"new", sequence=100))
    net.deliver(PEER, old)
    assert [data for _, data in net.events.data] == [b"new"]


def test_forged_plaintext_alert_does_not_end_a_session() -> None:
    net = Net()
    client = net.connect(PEER)
    for alert in (b"\x02\x28", b"\x01\x00"):
        net.deliver(PEER, encode_record(ContentType.ALERT, DTLS_1_2, 0, 77, alert))
    forged = encode_record(ContentType.ALERT, DTLS_1_2, 1, 5, bytes(26))  # bad MAC
    net.deliver(PEER, forged)
    assert net.server.sessions_count == 1
    net.deliver(PEER, client.application_data(b"still here"))
    assert net.events.data[-1][1] == b"still here"


def test_close_notify_from_the_peer_is_answered_and_ends_the_session() -> None:
    net = Net()
    client = net.connect(PEER)
    [answer] = net.deliver(PEER, client.close_notify())
    client.receive(answer)
    assert (ContentType.ALERT, b"\x01\x00") in client.received
    assert net.server.sessions_count == 0
    assert net.events.closed[0][1] is CloseReason.PEER_CLOSED


def test_local_close_sends_close_notify() -> None:
    net = Net()
    client = net.connect(PEER)
    session = net.events.established[0]
    net.sent.clear()
    net.server.close(session)
    client.receive(net.sent[0][1])
    assert (ContentType.ALERT, b"\x01\x00") in client.received
    assert not net.server.is_current(session)


def test_renegotiation_is_refused() -> None:
    net = Net()
    client = net.connect(PEER)
    hello = build_client_hello()[13:]
    [answer] = net.deliver(PEER, client.seal(ContentType.HANDSHAKE, hello))
    client.receive(answer)
    assert (ContentType.ALERT, bytes([1, 100])) in client.received
    assert net.server.sessions_count == 1


def test_lost_server_finished_is_sent_again() -> None:
    net = Net()
    client = PskClient(b"dev-a", KEYS[b"dev-a"])
    pending = [client.start()]
    final_flight = b""
    while pending:
        datagram = pending.pop(0)
        answers = net.deliver(PEER, datagram)
        if client.state == "finished":
            final_flight = datagram
            break  # the server's Finished is lost
        for answer in answers:
            pending += client.receive(answer)
    assert net.server.sessions_count == 1
    assert not client.established
    net.clock.advance(1)
    [again] = net.deliver(PEER, final_flight)
    client.receive(again)
    assert client.established


def test_fragmented_client_key_exchange_is_reassembled() -> None:
    net = Net()
    client = net.connect(PEER, fragment_size=2)
    assert client.established


def test_server_flight_is_retransmitted_with_backoff() -> None:
    net = Net(DtlsSettings(initial_retransmit_timeout=1.0, max_retransmit_timeout=4.0))
    client = PskClient(b"dev-a", KEYS[b"dev-a"])
    second = client.receive(net.deliver(PEER, client.start())[0])[0]
    net.deliver(PEER, second)  # the ServerHello flight is "lost"
    resent_at = []
    for _ in range(12):
        net.clock.advance(1.0)
        if net.poll(PEER):
            resent_at.append(net.clock.now - 1000)
    assert resent_at == [1.0, 3.0, 7.0, 11.0]


def test_handshake_timeout_drops_the_handshake() -> None:
    net = Net(DtlsSettings(handshake_timeout=10))
    client = PskClient(b"dev-a", KEYS[b"dev-a"])
    net.deliver(PEER, client.receive(net.deliver(PEER, client.start())[0])[0])
    assert net.server.handshakes_count == 1
    net.clock.advance(9.9)
    net.server.poll()
    assert net.server.handshakes_count == 1
    net.clock.advance(0.2)
    net.server.poll()
    assert net.server.handshakes_count == 0
    assert net.server.counters["handshakes_ended:timeout"] == 1


def test_idle_session_is_evicted_and_activity_keeps_it() -> None:
    net = Net(DtlsSettings(idle_timeout=100))
    quiet = net.connect(PEER)
    busy = net.connect(OTHER)
    deadline = net.server.next_deadline()
    assert deadline == pytest.approx(net.clock.now + 100)
    net.clock.advance(60)
    net.deliver(OTHER, busy.application_data(b"alive"))
    net.clock.advance(41)
    net.server.poll()
    assert net.server.session(PEER) is None
    assert net.server.session(OTHER) is not None
    assert net.events.closed[0][1] is CloseReason.IDLE
    del quiet


def test_an_identity_beyond_its_limit_loses_its_least_recently_used_session() -> None:
    net = Net(DtlsSettings(max_sessions_per_identity=3))
    other = net.connect(("10.0.1.9", 9), b"dev-b")
    clients = {port: net.connect(("10.0.1.1", port)) for port in range(3)}
    net.deliver(("10.0.1.1", 0), clients[0].application_data(b"recent"))
    net.connect(("10.0.1.1", 3))
    assert net.server.sessions_count == 4
    assert net.server.session(("10.0.1.1", 1)) is None
    assert net.server.session(("10.0.1.1", 0)) is not None
    assert net.events.closed[0][1] is CloseReason.IDENTITY_LIMIT
    del other


def test_handshake_table_is_bounded() -> None:
    net = Net(DtlsSettings(max_handshakes=4))
    for port in range(10):
        client = PskClient(b"dev-a", KEYS[b"dev-a"])
        net.handshake(("10.0.2.1", port), client, stop_after=2)
    assert net.server.handshakes_count == 4
    assert net.server.peak_handshakes == 4
    assert net.server.counters["handshakes_ended:table_full"] == 6


def test_new_handshake_keeps_the_old_session_until_it_completes() -> None:
    net = Net()
    old = net.connect(PEER)
    restarted = PskClient(b"dev-a", KEYS[b"dev-a"])
    net.handshake(PEER, restarted, stop_after=2)  # up to ServerHello
    net.deliver(PEER, old.application_data(b"old still works"))
    assert net.events.data[-1][1] == b"old still works"
    net.handshake(PEER, PskClient(b"dev-a", KEYS[b"dev-a"]))
    assert net.events.closed[-1][1] is CloseReason.REPLACED
    assert net.server.sessions_count == 1


def test_listener_errors_do_not_break_the_server(caplog: pytest.LogCaptureFixture) -> None:
    net = Net()

    def explode(*_: object) -> None:
        raise RuntimeError("application bug")

    net.events.session_data = explode  # type: ignore[method-assign]
    client = net.connect(PEER)
    net.deliver(PEER, client.application_data(b"x"))
    net.deliver(PEER, client.application_data(b"y"))
    assert net.server.sessions_count == 1
    assert "listener" in caplog.text


def test_psk_store_failure_counts_as_unknown_identity() -> None:
    def broken(identity: bytes) -> bytes | None:
        raise OSError("store offline")

    net = Net()
    net.server._psk_lookup = broken
    client = net.handshake(PEER, PskClient(b"dev-a", KEYS[b"dev-a"]))
    assert not client.established
    assert net.server.counters["store_errors"] == 1
    assert net.server.counters["unknown_identity"] == 1


def test_server_hello_echoes_renegotiation_info_only_when_asked() -> None:
    net = Net()
    hello = build_client_hello(renegotiation_scsv=True)
    cookie = hello_verify_cookie(net.deliver(PEER, hello)[0])
    assert cookie is not None
    [flight] = net.deliver(PEER, insert_cookie(hello, cookie))
    server_hello = parse_server_hello(handshake_messages(flight)[0][1])
    assert server_hello.extensions == {0xFF01: b"\x00", 0x0017: b""}
    hello = build_client_hello()
    cookie = hello_verify_cookie(net.deliver(OTHER, hello)[0])
    assert cookie is not None
    [flight] = net.deliver(OTHER, insert_cookie(hello, cookie))
    assert parse_server_hello(handshake_messages(flight)[0][1]).extensions == {0x0017: b""}


def test_dtls_1_0_only_client_is_refused() -> None:
    net = Net()
    [answer] = net.deliver(PEER, build_client_hello(client_version=b"\xfe\xff"))
    assert answer[13:15] == bytes([2, 70])
