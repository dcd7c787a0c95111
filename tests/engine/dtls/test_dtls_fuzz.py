"""Parsers and the server survive arbitrary input: only DtlsDecodeError ever escapes."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.lwm2m.engine.dtls.errors import DtlsDecodeError
from custom_components.lwm2m.engine.dtls.handshake import (
    HandshakeFragment,
    Reassembler,
    parse_handshake_fragments,
)
from custom_components.lwm2m.engine.dtls.hello import (
    parse_client_hello,
    parse_psk_client_key_exchange,
)
from custom_components.lwm2m.engine.dtls.records import parse_records

from .client import build_client_hello
from .harness import Net

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HELLO = build_client_hello(suites=(0xC0A8, 0xC0A4, 0x00AE), encrypt_then_mac=True)


@st.composite
def mutated_hellos(draw: st.DrawFn) -> bytes:
    """A real ClientHello with some bytes changed, cut, or extended."""
    data = bytearray(HELLO)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) + draw(st.binary(max_size=8))


inputs = st.one_of(st.binary(max_size=600), mutated_hellos())


def parse_everything(data: bytes) -> None:
    for parser in (parse_client_hello, parse_psk_client_key_exchange):
        with contextlib.suppress(DtlsDecodeError):
            parser(data)
    try:
        records = parse_records(data)
    except DtlsDecodeError:
        return
    for record in records:
        try:
            fragments = parse_handshake_fragments(record.fragment)
        except DtlsDecodeError:
            continue
        for fragment in fragments:
            with contextlib.suppress(DtlsDecodeError):
                parse_client_hello(fragment.body)


def feed_server(datagrams: list[bytes]) -> None:
    net = Net()
    for index, datagram in enumerate(datagrams):
        net.server.datagram_received(datagram, ("10.0.0.1", 1000 + index % 3))
    net.clock.advance(100)
    net.server.poll()


@st.composite
def fragment_sets(draw: st.DrawFn) -> list[HandshakeFragment]:
    length = draw(st.integers(0, 64))
    fragments = []
    for _ in range(draw(st.integers(1, 80))):
        offset = draw(st.integers(0, length))
        size = draw(st.integers(0, length - offset))
        msg_type = draw(st.sampled_from([16, 16, 16, 20]))
        fragments.append(HandshakeFragment(msg_type, length, 2, offset, bytes(size)))
    return fragments


def reassemble(fragments: list[HandshakeFragment]) -> None:
    reassembler = Reassembler(16, fragments[0].length, 0)
    for fragment in fragments:
        try:
            reassembler.add(fragment, 0)
        except DtlsDecodeError:
            return
    if reassembler.complete:
        assert len(reassembler.message()) == reassembler.length


@QUICK
@given(inputs)
def test_parsers_raise_only_their_own_error(data: bytes) -> None:
    parse_everything(data)


@QUICK
@given(st.lists(inputs, min_size=1, max_size=5))
def test_server_never_raises_on_datagrams(datagrams: list[bytes]) -> None:
    feed_server(datagrams)


@QUICK
@given(fragment_sets())
def test_reassembly_raises_only_its_own_error(fragments: list[HandshakeFragment]) -> None:
    reassemble(fragments)


@pytest.mark.slow
@LONG
@given(inputs)
def test_parsers_long_run(data: bytes) -> None:
    parse_everything(data)


@pytest.mark.slow
@LONG
@given(st.lists(inputs, min_size=1, max_size=5))
def test_server_long_run(datagrams: list[bytes]) -> None:
    feed_server(datagrams)


@pytest.mark.slow
@LONG
@given(fragment_sets())
def test_reassembly_long_run(fragments: list[HandshakeFragment]) -> None:
    reassemble(fragments)
