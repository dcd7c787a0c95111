"""SenML CBOR (content format 112): a CBOR array of SenML records with integer labels.

Labels are RFC 8428's integers (bn -2, bt -3, n 0, v 2, vs 3, vb 4, t 6, vd 8, ...);
LwM2M's object link value keeps its text label ``"vlo"``. Opaque values are byte
strings. Unknown integer labels are ignored; labels of any other CBOR type are refused.
"""

from __future__ import annotations

from .base import CodecError
from .conversion import type_name
from .documents import dump_cbor, load_cbor
from .senml import Record, SenmlFormat

LABELS: dict[int, str] = {
    -1: "bver",
    -2: "bn",
    -3: "bt",
    -4: "bu",
    -5: "bv",
    -6: "bs",
    0: "n",
    1: "u",
    2: "v",
    3: "vs",
    4: "vb",
    5: "s",
    6: "t",
    7: "ut",
    8: "vd",
}
_NUMBERS = {name: number for number, name in LABELS.items()}


def _load(payload: bytes) -> list[Record]:
    document = load_cbor(payload)
    if not isinstance(document, list):
        raise CodecError(f"SenML CBOR must be an array of records, got {type_name(document)}")
    return [_record(item) for item in document]


def _record(item: object) -> Record:
    if not isinstance(item, dict):
        raise CodecError(f"a SenML record must be a CBOR map, got {type_name(item)}")
    record: Record = {}
    for key, value in item.items():
        if isinstance(key, str):
            label = key
        elif type(key) is int:
            if key not in LABELS:
                continue
            label = LABELS[key]
        else:
            raise CodecError(f"SenML CBOR labels are integers or text, got {type_name(key)}")
        if label in record:
            raise CodecError(f"SenML label {label[:20]!r} appears twice in a record")
        record[label] = value
    return record


def _dump(records: list[Record]) -> bytes:
    return dump_cbor(
        [
            {_NUMBERS.get(label, label): value for label, value in record.items()}
            for record in records
        ]
    )


SENML_CBOR = SenmlFormat(_load, _dump)
decode = SENML_CBOR.decode
decode_timestamped = SENML_CBOR.decode_timestamped
decode_paths = SENML_CBOR.decode_paths
encode = SENML_CBOR.encode
encode_timestamped = SENML_CBOR.encode_timestamped
encode_paths = SENML_CBOR.encode_paths
