"""Fuzzing the codec decoders: seed payloads, a seeded byte mutator and a runner.

Every decoder may only raise CodecError; anything else is an "unexpected" failure.
Used by the quick and the long (``slow``) fuzz tests and by ``bench/fuzz_codecs.py``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from custom_components.lwm2m.engine import CodecError, ContentFormat, ObjectLink, Path
from custom_components.lwm2m.engine.codec import (
    TimedValue,
    decode,
    decode_paths,
    decode_timestamped,
    encode,
    encode_paths,
    encode_timestamped,
    parse_link_format,
)
from tests.engine.codec.models import MODEL, TYPES_OBJECT_ID

F = ContentFormat
O = TYPES_OBJECT_ID  # noqa: E741

SAMPLE_VALUES = {
    Path.of(3, 0, 0): "Open Mobile Alliance",
    Path.of(3, 0, 7, 0): 3800,
    Path.of(3, 0, 7, 1): 5000,
    Path.of(3, 0, 9): 100,
    Path.of(3, 0, 11): [],
    Path.of(3, 0, 13): datetime.fromtimestamp(1367491215, UTC),
    Path.of(O, 0, 0): "text",
    Path.of(O, 0, 1): -(2**40),
    Path.of(O, 0, 2): 2**64 - 1,
    Path.of(O, 0, 3): 0.1,
    Path.of(O, 0, 4): True,
    Path.of(O, 0, 5): b"\x00\xff opaque",
    Path.of(O, 0, 6): datetime.fromtimestamp(0, UTC),
    Path.of(O, 0, 7): ObjectLink(3, 0),
    Path.of(O, 0, 8): '</3/0>;rt="x"',
    Path.of(O, 0, 103, 0): 1.5,
    Path.of(O, 0, 103, 300): -2.25,
    Path.of(O, 1, 105, 7): b"x",
}
REQUEST_PATHS = (
    Path(),
    Path.of(3),
    Path.of(3, 0),
    Path.of(3, 0, 0),
    Path.of(3, 0, 7),
    Path.of(3, 0, 7, 1),
    Path.of(O),
    Path.of(O, 0),
    Path.of(O, 0, 3),
    Path.of(O, 0, 5),
    Path.of(O, 0, 103, 300),
)
LINK_SEEDS = (
    b'</>;rt="oma.lwm2m";ct=11543,</1/0>,</3/0>,</3303/0>;ver=1.1,</5>',
    b'</1/0>,</3/0>,</10>;ver="1.1"',
    b'</lwm2m>;rt="oma.lwm2m";ct="60 110 112 11542 11543",</lwm2m/3/0>;ver=1.0',
    b'</3/0>;pmin=10;pmax=60,</3/0/7>;dim=2;gt=50.5;lt=-3;st=1,</3/0/9>;obs;title="a,\\"b\\";c"',
)
TOKENS = (b'"', b"[", b"]", b"{", b"}", b"<", b">", b";", b",", b"=", b"\\", b"/", b":", b"-")
INTERESTING_BYTES = (0x00, 0x01, 0x07, 0x08, 0x7F, 0x80, 0xC0, 0xC8, 0xFF)

Decoder = Callable[[bytes, Path], object]


@dataclass(frozen=True)
class FuzzTarget:
    """A decoder under test with the valid payloads its mutations start from."""

    name: str
    decode: Decoder
    seeds: tuple[tuple[Path, bytes], ...]


@dataclass
class FuzzReport:
    name: str
    inputs: int = 0
    seconds: float = 0.0
    unexpected: int = 0
    examples: list[tuple[Path, bytes, str]] = field(default_factory=list)

    @property
    def inputs_per_second(self) -> float:
        return self.inputs / self.seconds if self.seconds else 0.0


def _encodable(fmt: ContentFormat) -> list[tuple[Path, bytes]]:
    """Payloads of SAMPLE_VALUES for every request path the format can encode them for."""
    seeds: list[tuple[Path, bytes]] = []
    for request in REQUEST_PATHS:
        inside = {path: value for path, value in SAMPLE_VALUES.items() if path.startswith(request)}
        if request.is_resource or request.is_resource_instance:
            inside = {path: value for path, value in inside.items() if path == request} or inside
        try:
            seeds.append((request, encode(fmt, request, inside, MODEL)))
        except CodecError:
            continue
    return seeds


def _timed_seed(fmt: ContentFormat) -> tuple[Path, bytes]:
    history = [TimedValue(Path.of(3, 0, 9), level, 1_700_000_000 + level) for level in (1, 2)]
    return Path(), encode_timestamped(fmt, Path(), history, MODEL)


def _value_decoder(fmt: ContentFormat) -> Decoder:
    return lambda payload, path: decode(fmt, path, payload, MODEL)


def _timed_decoder(fmt: ContentFormat) -> Decoder:
    return lambda payload, path: decode_timestamped(fmt, path, payload, MODEL)


def _path_list_decoder(fmt: ContentFormat) -> Decoder:
    return lambda payload, _path: decode_paths(fmt, payload)


def _decode_links(payload: bytes, path: Path) -> object:
    links = parse_link_format(payload)
    for link in links:
        _ = (link.path, link.ver, link.rt, link.ct, link.dim, link.pmin, link.pmax)
        _ = (link.epmin, link.epmax, link.gt, link.lt, link.st)
    return decode(F.LINK_FORMAT, path, payload, MODEL)


def fuzz_targets() -> list[FuzzTarget]:
    targets = [
        FuzzTarget(fmt.name.lower(), _value_decoder(fmt), tuple(_encodable(fmt)))
        for fmt in (F.TEXT, F.OPAQUE, F.TLV, F.SENML_JSON, F.SENML_CBOR, F.LWM2M_JSON)
    ]
    targets.append(
        FuzzTarget("lwm2m_cbor", _value_decoder(F.LWM2M_CBOR), tuple(_encodable(F.LWM2M_CBOR)))
    )
    targets.append(
        FuzzTarget("link_format", _decode_links, tuple((Path(), seed) for seed in LINK_SEEDS))
    )
    for fmt in (F.SENML_JSON, F.SENML_CBOR, F.LWM2M_JSON):
        seeds = (*_encodable(fmt), _timed_seed(fmt))
        targets.append(FuzzTarget(f"{fmt.name.lower()}_timestamped", _timed_decoder(fmt), seeds))
    for fmt in (F.SENML_JSON, F.SENML_CBOR, F.LWM2M_CBOR):
        payload = encode_paths(fmt, [Path.of(3, 0, 9), Path.of(1), Path.of(O, 0, 103, 300)])
        targets.append(
            FuzzTarget(f"{fmt.name.lower()}_paths", _path_list_decoder(fmt), ((Path(), payload),))
        )
    return targets


# --- mutation -------------------------------------------------------------------------


def _position(rng: random.Random, data: bytearray) -> int:
    return rng.randrange(len(data) + 1)


def _random_bytes(rng: random.Random, count: int) -> bytes:
    """Arbitrary bytes, or printable ASCII half of the time so text formats stay text."""
    if rng.random() < 0.5:
        return rng.randbytes(count)
    return bytes(rng.randrange(0x20, 0x7F) for _ in range(count))


def mutate(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """One to four random edits of ``data``: bit flips, byte changes, cuts, splices."""
    result = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        operation = rng.randrange(10)
        if not result and operation < 8:
            operation = 8
        if operation == 0:
            index = rng.randrange(len(result))
            result[index] ^= 1 << rng.randrange(8)
        elif operation == 1:
            result[rng.randrange(len(result))] = rng.choice(INTERESTING_BYTES)
        elif operation == 2:
            index = rng.randrange(len(result))
            result[index] = (result[index] + rng.choice((-1, 1))) & 0xFF
        elif operation == 3:
            del result[_position(rng, result) :]
        elif operation == 4:
            start = rng.randrange(len(result))
            del result[start : start + rng.randint(1, 8)]
        elif operation == 5:
            start = rng.randrange(len(result))
            chunk = result[start : start + rng.randint(1, 16)]
            index = _position(rng, result)
            result[index:index] = chunk * rng.randint(1, 4)
        elif operation == 6:
            start = rng.randrange(len(result))
            end = start + rng.randint(1, 4)
            result[start:end] = _random_bytes(rng, end - start)
        elif operation == 7:
            other = rng.choice(corpus)
            cut = _position(rng, result)
            result = result[:cut] + other[rng.randrange(len(other) + 1) :]
        elif operation == 8:
            index = _position(rng, result)
            result[index:index] = _random_bytes(rng, rng.randint(1, 8))
        else:
            index = _position(rng, result)
            result[index:index] = rng.choice(TOKENS)
    return bytes(result)


def run(target: FuzzTarget, count: int, seed: int, keep_examples: int = 5) -> FuzzReport:
    """Decode ``count`` mutated payloads; every exception but CodecError is counted."""
    rng = random.Random(f"{target.name}:{seed}")
    corpus = [payload for _, payload in target.seeds]
    report = FuzzReport(target.name)
    started = time.perf_counter()
    for _ in range(count):
        path, payload = rng.choice(target.seeds)
        payload = mutate(rng, payload, corpus) if rng.random() < 0.97 else rng.randbytes(32)
        if rng.random() < 0.2:
            path = rng.choice(REQUEST_PATHS)
        try:
            target.decode(payload, path)
        except CodecError:
            pass
        except Exception as error:  # anything but CodecError is a finding
            report.unexpected += 1
            if len(report.examples) < keep_examples:
                report.examples.append((path, payload, repr(error)))
        report.inputs += 1
    report.seconds = time.perf_counter() - started
    return report
