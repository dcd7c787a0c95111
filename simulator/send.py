"""The payload of an LwM2M Send: current values, after earlier ones with their times."""

from __future__ import annotations

from collections.abc import Iterable

from custom_components.lwm2m.engine import CodecError, ContentFormat, Path
from custom_components.lwm2m.engine.codec import TimedValue

from .formats import encode_history, encode_values
from .objects import ObjectStore
from .quirks import BaseNameStyle

ROOT = Path()


def send_payload(
    store: ObjectStore,
    fmt: ContentFormat,
    paths: Iterable[Path],
    history: Iterable[TimedValue],
    base_name: BaseNameStyle,
) -> bytes:
    """Raises ValueError when the format cannot carry the values (times in LwM2M CBOR)."""
    records = list(history)
    for path in paths:
        records += [TimedValue(key, value) for key, value in store.readable_values(path).items()]
    try:
        if any(record.time is not None for record in records):
            return encode_history(fmt, ROOT, records, store.model, base_name)
        values = {record.path: record.value for record in records}
        return encode_values(fmt, ROOT, values, store.model, base_name)
    except CodecError as err:
        raise ValueError(f"cannot send in {fmt.name}: {err}") from None
