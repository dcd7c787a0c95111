"""Random CoAP requests for the servers' robustness tests, and a raw UDP socket to send them.

Datagrams are encoded here, not by aiocoap, so they can carry what aiocoap would refuse
to build: any method or code number, any option number in any order of magnitude,
option values of any length, and mutated bytes.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cbor2
from hypothesis import strategies as st

URI_PATH = 11
URI_QUERY = 15
CONTENT_FORMAT = 12
ACCEPT = 17
OBSERVE = 6
BLOCK1 = 27
BLOCK2 = 23
KNOWN_OPTIONS = (1, 3, 4, 5, 7, 8, 14, 20, 28, 35, 39, 60, 258, 2049, 2053)
CONTENT_FORMATS = (0, 40, 42, 60, 110, 112, 11542, 11543, 11544, 65535, 70000)
QUERY_KEYS = ("ep", "lt", "lwm2m", "b", "Q", "sms", "pct", "ver", "ep", "lt")

CON, NON, ACK, RST = range(4)
INTERNAL_SERVER_ERROR = 0xA0  # 5.00: what aiocoap answers when a handler raised


@dataclass(frozen=True)
class Datagram:
    """One CoAP message, as numbers and bytes (``encode`` makes the wire form)."""

    kind: int
    code: int
    message_id: int
    token: bytes
    options: tuple[tuple[int, bytes], ...]
    payload: bytes
    mutation: tuple[int, int] | None = None  # (position, xor mask) applied after encoding

    def encode(self) -> bytes:
        header = bytes([0x40 | self.kind << 4 | len(self.token), self.code])
        data = bytearray(header + self.message_id.to_bytes(2, "big") + self.token)
        previous = 0
        for number, value in sorted(self.options, key=lambda option: option[0]):
            data += _option(number - previous, value)
            previous = number
        if self.payload:
            data += b"\xff" + self.payload
        if self.mutation is not None and data:
            position, mask = self.mutation
            data[position % len(data)] ^= mask
        return bytes(data)


def _nibble(value: int) -> tuple[int, bytes]:
    if value < 13:
        return value, b""
    if value < 269:
        return 13, bytes([value - 13])
    return 14, (value - 269).to_bytes(2, "big")


def _option(delta: int, value: bytes) -> bytes:
    delta_nibble, delta_extra = _nibble(delta)
    length_nibble, length_extra = _nibble(len(value))
    return bytes([delta_nibble << 4 | length_nibble]) + delta_extra + length_extra + value


def uint(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""


# --- strategies ----------------------------------------------------------------------

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20
) | st.sampled_from(["", "0", "-1", "1.1", "1.2", "2.0", "U", "UQ", "T", "S", "86400", "9" * 30])
query_items = st.tuples(st.sampled_from(QUERY_KEYS) | st.text(max_size=6), texts).map(
    lambda pair: pair[0] + "=" + pair[1]
) | st.sampled_from(["Q", "ep", "b", "lt=", "=", "ep=fuzz-a", "ep=fuzz-b", "lwm2m=1.1"])
links = st.lists(
    st.sampled_from(
        ["</>", '</>;rt="oma.lwm2m"', "</1/0>", "</3/0>", "</3303/0>", "</3303>;ver=1.1", "<>"]
    )
    | st.text(alphabet='</>;,="0123456789abrtvecl.', max_size=24),
    max_size=6,
).map(lambda parts: ",".join(parts).encode())
senml = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "bn": st.sampled_from(["/3303/0/", "/3/0/", "/", "x"]),
            "n": st.sampled_from(["5700", "9", "0", "", "/x"]),
            "v": st.floats(allow_nan=False) | st.integers(-(2**70), 2**70),
            "vs": st.text(max_size=8),
            "vb": st.booleans(),
            "bt": st.integers(-(2**40), 2**40),
            "t": st.floats(allow_nan=False),
        },
    ),
    max_size=4,
)
payloads = (
    st.binary(max_size=64)
    | links
    | senml.map(lambda records: json.dumps(records).encode())
    | senml.map(lambda records: cbor2.dumps(records))
    | st.text(max_size=30).map(str.encode)
)


@st.composite
def requests(draw: st.DrawFn, paths: Sequence[Sequence[str]]) -> Datagram:
    """A request to one of ``paths`` (or to somewhere random) with random everything."""
    kind = draw(st.sampled_from([CON, CON, CON, NON, ACK, RST]))
    code = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 7]) | st.integers(0, 255))
    path = list(draw(st.sampled_from(list(paths)) | st.lists(texts, max_size=3)))
    options: list[tuple[int, bytes]] = [(URI_PATH, part.encode()) for part in path]
    options += [(URI_QUERY, item.encode()) for item in draw(st.lists(query_items, max_size=6))]
    for number, values in (
        (CONTENT_FORMAT, st.sampled_from(CONTENT_FORMATS)),
        (ACCEPT, st.sampled_from(CONTENT_FORMATS)),
        (OBSERVE, st.integers(0, 2**24)),
        (BLOCK1, st.integers(0, 2**24)),
        (BLOCK2, st.integers(0, 2**24)),
    ):
        if draw(st.integers(0, 4)) == 0:
            options.append((number, uint(draw(values))))
    extra = st.tuples(
        st.sampled_from(KNOWN_OPTIONS) | st.integers(1, 65000), st.binary(max_size=12)
    )
    options += draw(st.lists(extra, max_size=3))
    payload = draw(payloads) if draw(st.integers(0, 2)) else b""
    mutation = None
    if draw(st.integers(0, 9)) == 0:
        mutation = (draw(st.integers(0, 255)), draw(st.integers(1, 255)))
    return Datagram(
        kind=kind,
        code=code,
        message_id=draw(st.integers(0, 0xFFFF)),
        token=draw(st.binary(max_size=8)),
        options=tuple(options),
        payload=payload,
        mutation=mutation,
    )


def random_request(rng: random.Random, paths: Sequence[Sequence[str]]) -> Datagram:
    """A request without hypothesis, for long runs (same shape as :func:`requests`)."""
    path = list(rng.choice(paths)) if rng.random() < 0.9 else [str(rng.random())[:4]]
    options: list[tuple[int, bytes]] = [(URI_PATH, part.encode()) for part in path]
    for _ in range(rng.randrange(5)):
        key = rng.choice(QUERY_KEYS)
        value = rng.choice(["1", "-5", "1.1", "UQ", "", "x" * rng.randrange(40), "ep"])
        options.append((URI_QUERY, f"{key}={value}".encode()))
    for number in (CONTENT_FORMAT, ACCEPT, OBSERVE, BLOCK1, BLOCK2):
        if rng.random() < 0.2:
            options.append((number, uint(rng.choice([*CONTENT_FORMATS, rng.randrange(2**24)]))))
    if rng.random() < 0.3:
        options.append((rng.randrange(1, 65000), rng.randbytes(rng.randrange(8))))
    payload = rng.choice(
        [
            b"",
            rng.randbytes(rng.randrange(64)),
            b"</1/0>,</3/0>,</3303/0>;ver=1.1"[: rng.randrange(40)],
            json.dumps([{"n": "/3303/0/5700", "v": rng.random()}]).encode(),
            cbor2.dumps([{0: "/3/0/9", 2: rng.randrange(-99, 99)}]),
        ]
    )
    mutation = (rng.randrange(256), rng.randrange(1, 256)) if rng.random() < 0.1 else None
    return Datagram(
        kind=rng.choice([CON, CON, NON, ACK, RST]),
        code=rng.choice([1, 2, 3, 4, 5, 6, 7, rng.randrange(256)]),
        message_id=rng.randrange(0x10000),
        token=rng.randbytes(rng.randrange(9)),
        options=tuple(options),
        payload=payload,
        mutation=mutation,
    )


# --- a raw UDP peer --------------------------------------------------------------------


@dataclass
class RawSocket(asyncio.DatagramProtocol):
    """Sends datagrams to one server port and keeps every answer."""

    answers: list[bytes] = field(default_factory=list)
    transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.answers.append(data)

    @property
    def codes(self) -> list[int]:
        return [answer[1] for answer in self.answers if len(answer) >= 2]

    @classmethod
    async def open(cls, port: int) -> RawSocket:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_datagram_endpoint(
            cls, remote_addr=("127.0.0.1", port), local_addr=("127.0.0.1", 0)
        )
        return protocol

    def send(self, datagram: Datagram | bytes) -> None:
        data = datagram if isinstance(datagram, bytes) else datagram.encode()
        self.transport.sendto(data)

    async def settle(self, quiet: float = 0.05, limit: float = 2.0) -> None:
        """Wait until no answer came for ``quiet`` seconds (at most ``limit``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        seen = -1
        while seen != len(self.answers) and loop.time() < deadline:
            seen = len(self.answers)
            await asyncio.sleep(quiet)

    def close(self) -> None:
        self.transport.close()
