"""SenML JSON (content format 110): a JSON array of SenML records.

Opaque values travel as ``vd`` in URL-safe base64 without padding (either base64
alphabet, padded or not, decodes); Objlnk as ``vlo`` (``"3:0"``); Time as ``v``.
"""

from __future__ import annotations

from .base import CodecError
from .conversion import type_name
from .documents import decode_base64, dump_json, encode_base64url, load_json
from .senml import Record, SenmlFormat


def _load(payload: bytes) -> list[Record]:
    document = load_json(payload)
    if not isinstance(document, list):
        raise CodecError(f"SenML JSON must be an array of records, got {type_name(document)}")
    return [_record(item) for item in document]


def _record(item: object) -> Record:
    if not isinstance(item, dict):
        raise CodecError(f"a SenML record must be a JSON object, got {type_name(item)}")
    record: Record = dict(item)
    if "vd" in record:
        data = record["vd"]
        if not isinstance(data, str):
            raise CodecError(f"SenML 'vd' must be a base64 string, got {type_name(data)}")
        record["vd"] = decode_base64(data)
    return record


def _dump(records: list[Record]) -> bytes:
    return dump_json(
        [
            {
                label: encode_base64url(value) if isinstance(value, bytes) else value
                for label, value in record.items()
            }
            for record in records
        ]
    )


SENML_JSON = SenmlFormat(_load, _dump)
decode = SENML_JSON.decode
decode_timestamped = SENML_JSON.decode_timestamped
decode_paths = SENML_JSON.decode_paths
encode = SENML_JSON.encode
encode_timestamped = SENML_JSON.encode_timestamped
encode_paths = SENML_JSON.encode_paths
