"""LwM2M JSON (content format 11543), the JSON format of LwM2M 1.0.

``{"bn": "/3/0/", "bt": 1367491000, "e": [{"n": "0", "sv": "Acme"}, {"n": "7/0", "v": 3800},
{"n": "1", "bv": true, "t": 5}, {"n": "2", "ov": "3:0"}]}``: a base name and base time
for the whole document and an array of entries with a name relative to the base name,
an optional time relative to the base time, and one value: ``v`` (numbers and Time),
``sv`` (strings, Corelnk, and Opaque in standard base64), ``bv`` (Booleans) or ``ov``
(Objlnk). Names and times resolve as in SenML; unknown keys are ignored.
"""

from __future__ import annotations

from .base import CodecError
from .conversion import type_name
from .documents import dump_json, encode_base64, load_json
from .senml import Record, SenmlFormat

_TO_SENML = {"n": "n", "t": "t", "v": "v", "sv": "vs", "bv": "vb", "ov": "vlo"}
_FROM_SENML = {senml: json for json, senml in _TO_SENML.items()}


def _load(payload: bytes) -> list[Record]:
    document = load_json(payload)
    if not isinstance(document, dict):
        raise CodecError(f"LwM2M JSON must be an object, got {type_name(document)}")
    entries = document.get("e")
    if not isinstance(entries, list):
        raise CodecError(f"LwM2M JSON needs an 'e' array, got {type_name(entries)}")
    base = {label: document[label] for label in ("bn", "bt") if label in document}
    records = [_record(entry) for entry in entries]
    if records:
        records[0] = base | records[0]
    return records


def _record(entry: object) -> Record:
    if not isinstance(entry, dict):
        raise CodecError(f"a LwM2M JSON entry must be an object, got {type_name(entry)}")
    return {_TO_SENML[key]: value for key, value in entry.items() if key in _TO_SENML}


def _dump(records: list[Record]) -> bytes:
    document: dict[str, object] = {}
    if records and "bn" in records[0]:
        document["bn"] = records[0]["bn"]
    document["e"] = [_entry(record) for record in records]
    return dump_json(document)


def _entry(record: Record) -> dict[str, object]:
    entry: dict[str, object] = {}
    for label, value in record.items():
        if label == "vd" and isinstance(value, bytes):
            entry["sv"] = encode_base64(value)
        elif label in _FROM_SENML:
            entry[_FROM_SENML[label]] = value
    return entry


LWM2M_JSON = SenmlFormat(_load, _dump, opaque_as_base64_text=True)
decode = LWM2M_JSON.decode
decode_timestamped = LWM2M_JSON.decode_timestamped
encode = LWM2M_JSON.encode
encode_timestamped = LWM2M_JSON.encode_timestamped
