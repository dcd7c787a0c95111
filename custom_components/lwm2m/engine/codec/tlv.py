"""OMA TLV (content format 11542), the binary format of LwM2M 1.0.

Each TLV is a type byte (identifier kind in bits 7-6, 16-bit identifier in bit 5, length
field size in bits 4-3, or the length itself in bits 2-0), the 8/16-bit identifier, an
optional 8/16/24-bit length and the value. Object instances hold resources, multiple
resources hold resource instances.

Payloads by request path: an object holds object-instance TLVs; an object instance holds
resource TLVs (a lone object-instance TLV with the same id around them is accepted); a
resource is one resource TLV, one multiple-resource TLV, or its resource-instance TLVs;
a resource instance is one resource-instance TLV. The root path has no TLV form.

Integers (and Time) are written in the fewest of 1/2/4/8 bytes; a Float in 4 bytes only
when single precision holds it exactly, else 8, so encoding loses nothing. Any of those
sizes decodes. A value of a resource the model does not know decodes as ``bytes``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from itertools import groupby
from typing import Any

from ..model.types import ObjectLookup, ResourceType
from ..path import Path
from ..values import ObjectLink
from .base import CodecError
from .conversion import decode_utf8, decode_value, encode_utf8, value_type
from .entries import Entry, Resource, prepare

_MAX_LENGTH = 0xFFFFFF
_INTEGER_SIZES = (1, 2, 4, 8)
_FLOAT32 = struct.Struct(">f")
_FLOAT64 = struct.Struct(">d")
_OBJECT_LINK = struct.Struct(">HH")


class Kind(IntEnum):
    """What a TLV's identifier names (bits 7-6 of the type byte)."""

    OBJECT_INSTANCE = 0b00
    RESOURCE_INSTANCE = 0b01
    MULTIPLE_RESOURCE = 0b10
    RESOURCE = 0b11


@dataclass(frozen=True, slots=True)
class Tlv:
    kind: Kind
    id: int
    value: bytes


# --- framing ----------------------------------------------------------------------------


def parse_tlvs(data: bytes) -> list[Tlv]:
    """Split a byte string into consecutive TLVs (one nesting level)."""
    items: list[Tlv] = []
    offset = 0
    end = len(data)
    while offset < end:
        header = data[offset]
        id_size = 2 if header & 0x20 else 1
        length_size = (header >> 3) & 0x03
        value_start = offset + 1 + id_size + length_size
        if value_start > end:
            raise CodecError(f"TLV header at byte {offset} is truncated")
        identifier = int.from_bytes(data[offset + 1 : offset + 1 + id_size])
        if length_size:
            length = int.from_bytes(data[offset + 1 + id_size : value_start])
        else:
            length = header & 0x07
        if value_start + length > end:
            raise CodecError(
                f"TLV at byte {offset} declares {length} value bytes, {end - value_start} remain"
            )
        items.append(Tlv(Kind(header >> 6), identifier, data[value_start : value_start + length]))
        offset = value_start + length
    return items


def frame(kind: Kind, identifier: int, value: bytes) -> bytes:
    header = kind << 6
    if identifier > 0xFF:
        header |= 0x20
    id_bytes = identifier.to_bytes(2 if identifier > 0xFF else 1)
    length = len(value)
    if length <= 0x07:
        return bytes([header | length]) + id_bytes + value
    if length > _MAX_LENGTH:
        raise CodecError(f"a TLV value holds at most {_MAX_LENGTH} bytes, got {length}")
    length_size = 1 if length <= 0xFF else 2 if length <= 0xFFFF else 3
    return bytes([header | length_size << 3]) + id_bytes + length.to_bytes(length_size) + value


# --- values -----------------------------------------------------------------------------


def _read_integer(data: bytes, path: Path, signed: bool) -> int:
    if len(data) not in _INTEGER_SIZES:
        raise CodecError(f"{path}: an integer TLV has 1, 2, 4 or 8 bytes, got {len(data)}")
    return int.from_bytes(data, signed=signed)


def _read_float(data: bytes, path: Path) -> float:
    if len(data) == _FLOAT32.size:
        return float(_FLOAT32.unpack(data)[0])
    if len(data) == _FLOAT64.size:
        return float(_FLOAT64.unpack(data)[0])
    raise CodecError(f"{path}: a float TLV has 4 or 8 bytes, got {len(data)}")


def _read_boolean(data: bytes, path: Path) -> bool:
    if data not in (b"\x00", b"\x01"):
        raise CodecError(f"{path}: a boolean TLV is one byte, 0 or 1")
    return data == b"\x01"


def _read_object_link(data: bytes, path: Path) -> ObjectLink:
    if len(data) != _OBJECT_LINK.size:
        raise CodecError(f"{path}: an object link TLV has 4 bytes, got {len(data)}")
    return ObjectLink(*_OBJECT_LINK.unpack(data))


_READERS: dict[ResourceType, Callable[[bytes, Path], object]] = {
    ResourceType.INTEGER: lambda data, path: _read_integer(data, path, signed=True),
    ResourceType.TIME: lambda data, path: _read_integer(data, path, signed=True),
    ResourceType.UNSIGNED_INTEGER: lambda data, path: _read_integer(data, path, signed=False),
    ResourceType.FLOAT: _read_float,
    ResourceType.BOOLEAN: _read_boolean,
    ResourceType.STRING: decode_utf8,
    ResourceType.CORELNK: decode_utf8,
    ResourceType.OPAQUE: lambda data, path: data,
    ResourceType.OBJLNK: _read_object_link,
}


def _read_value(data: bytes, path: Path, model: ObjectLookup | None) -> Any:
    declared = value_type(model, path)
    if declared is None:
        return data
    return decode_value(declared, _READERS[declared](data, path), path)


def _integer_bytes(value: int, signed: bool) -> bytes:
    for size in _INTEGER_SIZES[:-1]:
        try:
            return value.to_bytes(size, signed=signed)
        except OverflowError:
            continue
    return value.to_bytes(_INTEGER_SIZES[-1], signed=signed)


def _float_bytes(value: float) -> bytes:
    try:
        single = _FLOAT32.pack(value)
    except OverflowError:
        return _FLOAT64.pack(value)
    return single if _FLOAT32.unpack(single)[0] == value else _FLOAT64.pack(value)


def _value_bytes(entry: Entry) -> bytes:
    value = entry.value
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return encode_utf8(value, entry.path)
    if isinstance(value, ObjectLink):
        return _OBJECT_LINK.pack(*value)
    if isinstance(value, bool):
        return b"\x01" if value else b"\x00"
    if isinstance(value, float):
        return _float_bytes(value)
    return _integer_bytes(value, signed=entry.type is not ResourceType.UNSIGNED_INTEGER)


# --- decoding ---------------------------------------------------------------------------


def decode(path: Path, payload: bytes, model: ObjectLookup | None) -> dict[Path, Any]:
    tlvs = parse_tlvs(bytes(payload))
    result: dict[Path, Any] = {}
    if path.is_root:
        raise CodecError("TLV cannot carry a payload for the root path")
    if path.is_object:
        for instance in _unique(tlvs, path, Kind.OBJECT_INSTANCE):
            _decode_resources(path.child(instance.id), parse_tlvs(instance.value), model, result)
    elif path.is_instance:
        if len(tlvs) == 1 and tlvs[0].kind is Kind.OBJECT_INSTANCE:
            _expect_id(tlvs[0], path)
            tlvs = parse_tlvs(tlvs[0].value)
        _decode_resources(path, tlvs, model, result)
    elif path.is_resource:
        _decode_resource_payload(path, tlvs, model, result)
    else:
        if len(tlvs) != 1 or tlvs[0].kind is not Kind.RESOURCE_INSTANCE:
            raise CodecError(f"{path}: expected one resource-instance TLV")
        _expect_id(tlvs[0], path)
        result[path] = _read_value(tlvs[0].value, path, model)
    return result


def _decode_resource_payload(
    path: Path, tlvs: list[Tlv], model: ObjectLookup | None, result: dict[Path, Any]
) -> None:
    if all(tlv.kind is Kind.RESOURCE_INSTANCE for tlv in tlvs):
        _decode_instances(path, tlvs, model, result)
    elif len(tlvs) == 1 and tlvs[0].kind in (Kind.RESOURCE, Kind.MULTIPLE_RESOURCE):
        _expect_id(tlvs[0], path)
        _decode_resource(path, tlvs[0], model, result)
    else:
        raise CodecError(f"{path}: expected one resource TLV or resource-instance TLVs")


def _decode_resources(
    instance: Path, tlvs: list[Tlv], model: ObjectLookup | None, result: dict[Path, Any]
) -> None:
    for tlv in _unique(tlvs, instance, Kind.RESOURCE, Kind.MULTIPLE_RESOURCE):
        _decode_resource(instance.child(tlv.id), tlv, model, result)


def _decode_resource(
    path: Path, tlv: Tlv, model: ObjectLookup | None, result: dict[Path, Any]
) -> None:
    if tlv.kind is Kind.RESOURCE:
        result[path] = _read_value(tlv.value, path, model)
        return
    instances = parse_tlvs(tlv.value)
    if not instances:
        result[path] = []
    _decode_instances(path, instances, model, result)


def _decode_instances(
    resource: Path, tlvs: list[Tlv], model: ObjectLookup | None, result: dict[Path, Any]
) -> None:
    for tlv in _unique(tlvs, resource, Kind.RESOURCE_INSTANCE):
        path = resource.child(tlv.id)
        result[path] = _read_value(tlv.value, path, model)


def _unique(tlvs: Iterable[Tlv], parent: Path, *kinds: Kind) -> list[Tlv]:
    """The TLVs under ``parent``, checked to be of the allowed kinds with distinct ids."""
    seen: set[int] = set()
    checked: list[Tlv] = []
    for tlv in tlvs:
        if tlv.kind not in kinds:
            allowed = " or ".join(kind.name.lower().replace("_", " ") for kind in kinds)
            raise CodecError(f"{parent}: expected {allowed} TLVs, got {tlv.kind.name.lower()}")
        if tlv.id in seen:
            raise CodecError(f"{parent}: id {tlv.id} appears twice")
        seen.add(tlv.id)
        checked.append(tlv)
    return checked


def _expect_id(tlv: Tlv, path: Path) -> None:
    if tlv.id != path.ids[-1]:
        raise CodecError(f"{path}: the TLV id {tlv.id} does not match the path")


# --- encoding ---------------------------------------------------------------------------


def encode(path: Path, values: Mapping[Path, Any], model: ObjectLookup | None) -> bytes:
    if path.is_root:
        raise CodecError("TLV cannot carry a payload for the root path")
    resources = prepare(path, values, model)
    if path.is_object:
        return b"".join(
            frame(Kind.OBJECT_INSTANCE, instance_id, _resources_bytes(group))
            for instance_id, group in groupby(resources, key=_instance_id)
        )
    if path.is_resource_instance:
        return b"".join(
            frame(Kind.RESOURCE_INSTANCE, entry.path.ids[3], _value_bytes(entry))
            for resource in resources
            for entry in resource.entries
        )
    return _resources_bytes(resources)


def encode_empty_instance(path: Path) -> bytes:
    """An Object Instance entry with no resources: a Create that names the new instance's id
    and gives no values (OMA-TS-LightweightM2M_Core 1.1, 7.4.3: TLV)."""
    if not path.is_instance:
        raise CodecError(f"an empty instance needs an instance path, got {path}")
    return frame(Kind.OBJECT_INSTANCE, path.ids[1], b"")


def _instance_id(resource: Resource) -> int:
    return resource.path.ids[1]


def _resources_bytes(resources: Iterable[Resource]) -> bytes:
    return b"".join(_resource_bytes(resource) for resource in resources)


def _resource_bytes(resource: Resource) -> bytes:
    resource_id = resource.path.ids[2]
    if not resource.multiple:
        return frame(Kind.RESOURCE, resource_id, _value_bytes(resource.entries[0]))
    instances = b"".join(
        frame(Kind.RESOURCE_INSTANCE, entry.path.ids[3], _value_bytes(entry))
        for entry in resource.entries
    )
    return frame(Kind.MULTIPLE_RESOURCE, resource_id, instances)
