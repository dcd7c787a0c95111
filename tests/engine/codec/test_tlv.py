"""OMA TLV: the core specification's Device example, sizes, nesting and malformed input."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest

from custom_components.lwm2m.engine import CodecError, ContentFormat, ObjectLink, Path
from custom_components.lwm2m.engine.codec import decode, encode, encode_empty_instance
from custom_components.lwm2m.engine.codec.tlv import Kind, frame, parse_tlvs
from tests.engine.codec.models import EMPTY_MODEL, MODEL, TYPES_OBJECT_ID

TLV = ContentFormat.TLV
O = TYPES_OBJECT_ID  # noqa: E741


def _bytes(*parts: str | bytes) -> bytes:
    """Hex strings and literal byte strings, joined."""
    return b"".join(bytes.fromhex(part) if isinstance(part, str) else part for part in parts)


# The Device object instance /3/0 as the core specification's TLV example lays it out.
DEVICE_RESOURCES = _bytes(
    "C8 00 14", b"Open Mobile Alliance",  # 0 Manufacturer
    "C8 01 16", b"Lightweight M2M Client",  # 1 Model Number
    "C8 02 09", b"345000123",  # 2 Serial Number
    "C3 03", b"1.0",  # 3 Firmware Version
    "86 06", "41 00 01", "41 01 05",  # 6 Available Power Sources [1, 5]
    "88 07 08", "42 00 0E D8", "42 01 13 88",  # 7 Power Source Voltage [3800, 5000]
    "87 08", "41 00 7D", "42 01 03 84",  # 8 Power Source Current [125, 900]
    "C1 09 64",  # 9 Battery Level 100
    "C1 0A 0F",  # 10 Memory Free 15
    "83 0B", "41 00 00",  # 11 Error Code [0]
    "C4 0D 51 82 42 8F",  # 13 Current Time 0x5182428F
    "C6 0E", b"+02:00",  # 14 UTC Offset
    "C1 10 55",  # 16 Supported Binding and Modes "U"
)  # fmt: skip

DEVICE_VALUES = {
    Path.of(3, 0, 0): "Open Mobile Alliance",
    Path.of(3, 0, 1): "Lightweight M2M Client",
    Path.of(3, 0, 2): "345000123",
    Path.of(3, 0, 3): "1.0",
    Path.of(3, 0, 6, 0): 1,
    Path.of(3, 0, 6, 1): 5,
    Path.of(3, 0, 7, 0): 3800,
    Path.of(3, 0, 7, 1): 5000,
    Path.of(3, 0, 8, 0): 125,
    Path.of(3, 0, 8, 1): 900,
    Path.of(3, 0, 9): 100,
    Path.of(3, 0, 10): 15,
    Path.of(3, 0, 11, 0): 0,
    Path.of(3, 0, 13): datetime.fromtimestamp(1367491215, UTC),
    Path.of(3, 0, 14): "+02:00",
    Path.of(3, 0, 16): "U",
}


def test_device_example_decodes_for_the_instance() -> None:
    assert len(DEVICE_RESOURCES) == 0x79
    assert decode(TLV, Path.of(3, 0), DEVICE_RESOURCES, MODEL) == DEVICE_VALUES


def test_device_example_decodes_for_the_object_inside_an_instance_tlv() -> None:
    payload = _bytes("08 00 79", DEVICE_RESOURCES)
    assert decode(TLV, Path.of(3), payload, MODEL) == DEVICE_VALUES


def test_device_example_encodes_to_the_same_bytes() -> None:
    assert encode(TLV, Path.of(3, 0), DEVICE_VALUES, MODEL) == DEVICE_RESOURCES
    assert encode(TLV, Path.of(3), DEVICE_VALUES, MODEL) == _bytes("08 00 79", DEVICE_RESOURCES)


def test_instance_payload_wrapped_in_its_object_instance_tlv() -> None:
    payload = _bytes("08 00 79", DEVICE_RESOURCES)
    assert decode(TLV, Path.of(3, 0), payload, MODEL) == DEVICE_VALUES
    with pytest.raises(CodecError, match="does not match"):
        decode(TLV, Path.of(3, 1), payload, MODEL)


@pytest.mark.parametrize(
    "payload",
    [_bytes("88 07 08 42 00 0E D8 42 01 13 88"), _bytes("42 00 0E D8 42 01 13 88")],
    ids=["multiple-resource TLV", "bare resource instances"],
)
def test_multiple_resource_payload(payload: bytes) -> None:
    assert decode(TLV, Path.of(3, 0, 7), payload, MODEL) == {
        Path.of(3, 0, 7, 0): 3800,
        Path.of(3, 0, 7, 1): 5000,
    }


def test_single_resource_and_resource_instance() -> None:
    assert decode(TLV, Path.of(3, 0, 9), _bytes("C1 09 64"), MODEL) == {Path.of(3, 0, 9): 100}
    assert decode(TLV, Path.of(3, 0, 7, 1), _bytes("42 01 13 88"), MODEL) == {
        Path.of(3, 0, 7, 1): 5000
    }
    assert encode(TLV, Path.of(3, 0, 7, 1), {Path.of(3, 0, 7, 1): 5000}, MODEL) == _bytes(
        "42 01 13 88"
    )


def test_empty_multiple_resource() -> None:
    payload = encode(TLV, Path.of(3, 0), {Path.of(3, 0, 11): []}, MODEL)
    assert payload == _bytes("80 0B")
    assert decode(TLV, Path.of(3, 0), payload, MODEL) == {Path.of(3, 0, 11): []}
    assert decode(TLV, Path.of(3, 0, 11), b"", MODEL) == {}


@pytest.mark.parametrize(
    ("value", "size"),
    [(0, 1), (-128, 1), (127, 1), (128, 2), (-32768, 2), (40000, 4), (2**31, 8), (-(2**63), 8)],
)
def test_integers_take_the_fewest_bytes(value: int, size: int) -> None:
    path = Path.of(3, 0, 9)
    payload = encode(TLV, path, {path: value}, MODEL)
    assert payload == frame(Kind.RESOURCE, 9, value.to_bytes(size, signed=True))
    assert decode(TLV, path, payload, MODEL) == {path: value}


@pytest.mark.parametrize("size", [1, 2, 4, 8])
def test_integers_of_every_size_decode(size: int) -> None:
    path = Path.of(3, 0, 9)
    assert decode(TLV, path, frame(Kind.RESOURCE, 9, b"\xff" * size), MODEL) == {path: -1}
    unsigned = Path.of(O, 0, 2)
    payload = frame(Kind.RESOURCE, 2, b"\xff" * size)
    assert decode(TLV, unsigned, payload, MODEL) == {unsigned: 2 ** (8 * size) - 1}


@pytest.mark.parametrize("size", [0, 3, 5])
def test_integers_of_other_sizes_are_refused(size: int) -> None:
    with pytest.raises(CodecError, match="1, 2, 4 or 8"):
        decode(TLV, Path.of(3, 0, 9), bytes([0xC0 | size, 9]) + b"\x01" * size, MODEL)


def test_floats_use_four_bytes_only_when_exact() -> None:
    path = Path.of(O, 0, 3)
    assert encode(TLV, path, {path: 0.5}, MODEL) == frame(Kind.RESOURCE, 3, struct.pack(">f", 0.5))
    assert encode(TLV, path, {path: 0.1}, MODEL) == frame(Kind.RESOURCE, 3, struct.pack(">d", 0.1))
    assert encode(TLV, path, {path: 1e300}, MODEL) == frame(
        Kind.RESOURCE, 3, struct.pack(">d", 1e300)
    )
    assert decode(TLV, path, encode(TLV, path, {path: 3}, MODEL), MODEL) == {path: 3.0}


def test_single_precision_floats_decode_approximately() -> None:
    path = Path.of(O, 0, 3)
    (value,) = decode(TLV, path, _bytes("C4 03", struct.pack(">f", 0.1)), MODEL).values()
    assert value == pytest.approx(0.1, rel=1e-7)
    assert value == struct.unpack(">f", struct.pack(">f", 0.1))[0]
    with pytest.raises(CodecError, match="4 or 8"):
        decode(TLV, path, _bytes("C2 03 00 00"), MODEL)


@pytest.mark.parametrize(
    ("resource", "value", "payload"),
    [
        (4, True, "C1 04 01"),
        (4, False, "C1 04 00"),
        (7, ObjectLink(3, 65535), "C4 07 00 03 FF FF"),
        (6, datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), "C1 06 FF"),
        (8, "</3/0>", "C6 08 3C 2F 33 2F 30 3E"),
        (5, b"\x00\x01", "C2 05 00 01"),
    ],
)
def test_value_types(resource: int, value: object, payload: str) -> None:
    path = Path.of(O, 0, resource)
    assert encode(TLV, path, {path: value}, MODEL) == bytes.fromhex(payload)
    assert decode(TLV, path, bytes.fromhex(payload), MODEL) == {path: value}


@pytest.mark.parametrize(
    ("resource", "payload", "message"),
    [
        (4, "C1 04 02", "0 or 1"),
        (4, "C2 04 00 01", "0 or 1"),
        (7, "C3 07 00 03 00", "4 bytes"),
        (0, "C2 00 C3 28", "UTF-8"),
        (8, "C1 08 FF", "UTF-8"),
    ],
)
def test_malformed_values(resource: int, payload: str, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(TLV, Path.of(O, 0, resource), bytes.fromhex(payload), MODEL)


def test_long_values_and_wide_ids() -> None:
    path = Path.of(O, 0, 5)
    for size, length_bits in ((300, 0x10), (70_000, 0x18)):
        payload = encode(TLV, path, {path: bytes(size)}, MODEL)
        assert payload[0] & 0x18 == length_bits
        assert decode(TLV, path, payload, MODEL) == {path: bytes(size)}
    wide = Path.of(O, 0, 105, 300)
    payload = encode(TLV, wide, {wide: b"x"}, MODEL)
    assert payload == _bytes("61 01 2C 78")
    assert decode(TLV, wide, payload, MODEL) == {wide: b"x"}


def test_values_too_long_for_a_tlv_are_refused() -> None:
    path = Path.of(O, 0, 5)
    with pytest.raises(CodecError, match="at most"):
        encode(TLV, path, {path: bytes(0x1000000)}, MODEL)


def test_unknown_resources_decode_as_bytes() -> None:
    assert decode(TLV, Path.of(3, 0), _bytes("C1 09 64 C2 63 01 02"), EMPTY_MODEL) == {
        Path.of(3, 0, 9): b"\x64",
        Path.of(3, 0, 99): b"\x01\x02",
    }
    assert decode(TLV, Path.of(3, 0, 4), _bytes("C1 04 01"), MODEL) == {Path.of(3, 0, 4): b"\x01"}


def test_framing_helpers() -> None:
    assert frame(Kind.RESOURCE, 9, b"d") == _bytes("C1 09 64")
    assert parse_tlvs(_bytes("C1 09 64 C1 0A 0F")) == [
        parse_tlvs(_bytes("C1 09 64"))[0],
        parse_tlvs(_bytes("C1 0A 0F"))[0],
    ]


@pytest.mark.parametrize(
    ("path", "payload", "message"),
    [
        (Path(), "C1 09 64", "root"),
        (Path.of(3, 0), "C1", "truncated"),
        (Path.of(3, 0), "E1 01", "truncated"),
        (Path.of(3, 0), "C8 09", "truncated"),
        (Path.of(3, 0), "C1 09", "declares 1 value bytes, 0 remain"),
        (Path.of(3, 0), "D8 09 FF FF FF 00", "declares 16777215"),
        (Path.of(3, 0), "03 00 C1 09 64 03 01 C1 09 64", "resource or multiple resource TLVs"),
        (Path.of(3, 0), "41 00 01", "resource or multiple resource TLVs"),
        (Path.of(3, 0), "C1 09 64 C1 09 65", "appears twice"),
        (Path.of(3, 0), "83 06 C1 00 01", "resource instance TLVs"),
        (Path.of(3), "C1 09 64", "object instance TLVs"),
        (Path.of(3), "03 00 C1 09 64 03 00 C1 09 64", "appears twice"),
        (Path.of(3, 0, 9), "C1 0A 64", "does not match"),
        (Path.of(3, 0, 9), "C1 09 64 C1 09 64", "one resource TLV"),
        (Path.of(3, 0, 7, 0), "C1 07 64", "one resource-instance TLV"),
        (Path.of(3, 0, 7, 0), "41 01 64", "does not match"),
        (Path.of(3, 0, 7, 0), "", "one resource-instance TLV"),
    ],
)
def test_malformed_payloads(path: Path, payload: str, message: str) -> None:
    with pytest.raises(CodecError, match=message):
        decode(TLV, path, bytes.fromhex(payload), MODEL)


def test_encoding_refuses_the_root_path() -> None:
    with pytest.raises(CodecError, match="root"):
        encode(TLV, Path(), {Path.of(3, 0, 9): 1}, MODEL)


@pytest.mark.parametrize("instance_id", [0, 7, 255, 256, 65534])
def test_an_empty_instance_names_its_id_and_holds_nothing(instance_id: int) -> None:
    payload = encode_empty_instance(Path.of(3303, instance_id))
    (entry,) = parse_tlvs(payload)
    assert (entry.kind, entry.id, entry.value) == (Kind.OBJECT_INSTANCE, instance_id, b"")
    assert decode(ContentFormat.TLV, Path.of(3303), payload, MODEL) == {}


@pytest.mark.parametrize("path", [Path.of(3303), Path.of(3303, 0, 5700)])
def test_an_empty_instance_needs_an_instance_path(path: Path) -> None:
    with pytest.raises(CodecError, match="instance path"):
        encode_empty_instance(path)
