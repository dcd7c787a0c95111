"""Composite operations (LwM2M 1.1): Read-Composite (FETCH) and Write-Composite (iPATCH)."""

from __future__ import annotations

from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import CodecError, ContentFormat, Path
from custom_components.lwm2m.engine.codec import decode_paths

from .formats import COMPOSITE_FORMATS, Outcome, encode_values
from .responses import RefusedError, bad_request, content, not_found
from .state import ClientState
from .writes import check_writable, decode_payload

ROOT = Path()


def requested_paths(state: ClientState, content_format: int | None, payload: bytes) -> list[Path]:
    if content_format not in COMPOSITE_FORMATS:
        raise RefusedError(
            Code.UNSUPPORTED_CONTENT_FORMAT, "a composite request lists paths in SenML"
        )
    try:
        return decode_paths(content_format, payload)
    except CodecError as err:
        raise bad_request(str(err)) from None


def composite_values(state: ClientState, paths: list[Path]) -> dict[Path, Any]:
    """The readable values under each existing path; 4.04 when none exists."""
    values: dict[Path, Any] = {}
    found = False
    for path in paths:
        if path.is_root or not state.store.exists(path):
            continue
        found = True
        if len(path) >= 3 and not state.store.operations(path).readable:
            continue
        values.update(state.store.readable_values(path))
    if not found:
        raise not_found("none of the paths exists")
    return values


def composite_format(
    state: ClientState, accept: int | None, content_format: int | None
) -> ContentFormat:
    choice = state.policy.for_composite(accept, content_format)
    if choice.outcome is not Outcome.ANSWER:
        raise RefusedError(Code.NOT_ACCEPTABLE, f"cannot answer a composite read in {accept}")
    return choice.fmt


def read_composite(
    state: ClientState, paths: list[Path], accept: int | None, content_format: int | None
) -> Message:
    fmt = composite_format(state, accept, content_format)
    values = composite_values(state, paths)
    try:
        payload = encode_values(fmt, ROOT, values, state.store.model, state.quirks.senml_base_name)
    except CodecError as err:
        raise RefusedError(Code.INTERNAL_SERVER_ERROR, str(err)) from None
    return content(payload, fmt)


def write_composite(state: ClientState, content_format: int | None, payload: bytes) -> Message:
    if content_format not in COMPOSITE_FORMATS:
        raise RefusedError(
            Code.UNSUPPORTED_CONTENT_FORMAT, "Write-Composite carries SenML or LwM2M CBOR"
        )
    values = decode_payload(state, content_format, ROOT, payload)
    check_writable(state, values)
    changed = state.store.apply(values, replace_multiple=True)
    state.changed(changed)
    return Message(code=Code.CHANGED)
