"""Logs never carry keys or identities, and each kind of problem is logged loudly once."""

from __future__ import annotations

import logging

import pytest

from custom_components.lwm2m.engine.dtls.problems import Problem, ProblemLog

from .client import HandshakeFailedError, PskClient, UdpPeer, build_client_hello, handshake_over_udp
from .coap import get
from .conftest import StartServer
from .harness import FakeClock

IDENTITY = b"secret-identity-7f3a91"
KEY = b"Kq8#zP2!vL0@xR5$"
UNKNOWN_IDENTITY = b"unknown-identity-c4e2d8"
WRONG_KEY = b"Wn3%tY6^bM9&jH1*"
SECRETS = [IDENTITY, KEY, UNKNOWN_IDENTITY, WRONG_KEY]


def forbidden_strings() -> list[str]:
    found = []
    for secret in SECRETS:
        found += [secret.decode(), secret.hex(), secret.hex().upper(), repr(secret)]
    return found


async def attempt(port: int, identity: bytes, key: bytes, hello: bytes | None) -> bool:
    peer = await UdpPeer.connect(port)
    client = PskClient(identity, key, hello)
    try:
        await handshake_over_udp(peer, client, wait=1.5, retransmit_after=0.5)
    except (HandshakeFailedError, TimeoutError):
        return False
    finally:
        if not client.established:
            peer.close()
    peer.send(client.application_data(get("x")))
    while not client.take_application_data():
        client.receive(await peer.receive())
    peer.send(client.close_notify())
    peer.close()
    return True


async def test_no_key_or_identity_in_any_log_record(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = await start_server(keys={IDENTITY: KEY})
    hello = build_client_hello(renegotiation_scsv=True)
    assert await attempt(server.port, IDENTITY, KEY, hello)
    assert not await attempt(server.port, IDENTITY, WRONG_KEY, hello)
    assert not await attempt(server.port, UNKNOWN_IDENTITY, KEY, hello)
    assert not await attempt(server.port, UNKNOWN_IDENTITY, WRONG_KEY, hello)
    await server.shutdown()
    assert caplog.records
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + (record.exc_text or "")
        for secret in forbidden_strings():
            assert secret not in text, f"{secret!r} leaked in {record.name}: {text[:200]}"


def test_each_kind_is_loud_once_then_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock()
    problems = ProblemLog(logging.getLogger("dtls-test"), clock, interval=600)
    for _ in range(3):
        problems.report(Problem.AUTHENTICATION_FAILED, ("10.0.0.1", 5684))
        problems.report(Problem.BAD_COOKIE, ("10.0.0.1", 5684))
    levels = [(r.levelno, r.getMessage().split(" from ")[0]) for r in caplog.records]
    assert levels.count((logging.WARNING, "DTLS: " + Problem.AUTHENTICATION_FAILED)) == 1
    assert levels.count((logging.INFO, "DTLS: " + Problem.BAD_COOKIE)) == 1
    assert sum(1 for level, _ in levels if level == logging.DEBUG) == 4
    caplog.clear()
    clock.advance(601)
    problems.report(Problem.BAD_COOKIE)
    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert "2 more since" in record.getMessage()
