"""Fuzzing: every decoder, fed generated and mutated input, raises nothing but CodecError.

The default suite runs about 1,200 inputs per decoder; the ``slow`` test runs 100,000
mutated inputs per decoder (``pytest -m slow``, or ``bench/fuzz_codecs.py``).
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.lwm2m.engine import CodecError
from tests.engine.codec.fuzzing import REQUEST_PATHS, FuzzTarget, fuzz_targets, run

TARGETS = fuzz_targets()
QUICK_MUTATIONS = 1_000
LONG_MUTATIONS = 100_000

SENML_LABELS = ["bn", "bt", "n", "t", "v", "vs", "vb", "vd", "vlo", "e", "sv", "bv", "ov", "x_"]
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["/3/0/", "/3/0/9", "0", "7/1", "/", "3:0", "AAE", "+/8="])
)
json_documents = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(SENML_LABELS) | st.text(max_size=4), children, max_size=5),
    max_leaves=12,
)
cbor_keys = (
    st.integers(min_value=-10, max_value=70_000)
    | st.sampled_from(["vlo", "n", "x_"])
    | st.lists(st.integers(min_value=-1, max_value=70_000), max_size=5).map(tuple)
)
cbor_documents = st.recursive(
    json_scalars | st.binary(max_size=8) | st.integers().map(lambda n: cbor2.CBORTag(1, n)),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(cbor_keys, children, max_size=5),
    max_leaves=12,
)


@st.composite
def tlv_streams(draw: st.DrawFn, depth: int = 2) -> bytes:
    """Correctly framed TLVs with random kinds, ids and (possibly nested) contents."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 3))
        identifier = draw(st.integers(0, 300))
        if depth and draw(st.booleans()):
            value = draw(tlv_streams(depth - 1))
        else:
            value = draw(st.binary(max_size=9))
        wide = 0x20 if identifier > 0xFF else 0
        id_bytes = identifier.to_bytes(2 if wide else 1)
        if len(value) < 8 and draw(st.booleans()):
            parts.append(bytes([kind << 6 | wide | len(value)]) + id_bytes + value)
        else:
            parts.append(bytes([kind << 6 | wide | 0x08]) + id_bytes + bytes([len(value)]) + value)
    return b"".join(parts)


link_text = st.text(alphabet='<>/;,="\\ 0123456789abcdefgilmnoprtvx.-\t', max_size=60)


def _dump_json(document: Any) -> bytes:
    return json.dumps(document).encode()


def _dump_cbor(document: Any) -> bytes:
    try:
        return cbor2.dumps(document)
    except (TypeError, ValueError, cbor2.CBOREncodeError):
        return b"\xa0"


def payloads_for(target: FuzzTarget) -> st.SearchStrategy[bytes]:
    generated: st.SearchStrategy[bytes]
    if "json" in target.name:
        generated = json_documents.map(_dump_json)
    elif "cbor" in target.name:
        generated = cbor_documents.map(_dump_cbor)
    elif target.name == "tlv":
        generated = tlv_streams()
    elif target.name == "link_format":
        generated = link_text.map(lambda text: text.encode())
    else:
        generated = st.text(max_size=30).map(lambda text: text.encode())
    return st.binary(max_size=64) | generated


def _ids(target: FuzzTarget) -> str:
    return target.name


def test_every_decoder_has_seeds() -> None:
    assert len(TARGETS) == 14
    for target in TARGETS:
        assert target.seeds, target.name
        for path, payload in target.seeds:
            target.decode(payload, path)


@pytest.mark.parametrize("target", TARGETS, ids=_ids)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_inputs_raise_only_codec_errors(target: FuzzTarget, data: st.DataObject) -> None:
    payload = data.draw(payloads_for(target), label="payload")
    path = data.draw(st.sampled_from(REQUEST_PATHS), label="path")
    with contextlib.suppress(CodecError):
        target.decode(payload, path)


@pytest.mark.parametrize("target", TARGETS, ids=_ids)
def test_mutated_inputs_raise_only_codec_errors(target: FuzzTarget) -> None:
    report = run(target, QUICK_MUTATIONS, seed=1)
    assert report.unexpected == 0, report.examples


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=_ids)
def test_long_fuzz(target: FuzzTarget) -> None:
    report = run(target, LONG_MUTATIONS, seed=2026)
    print(
        f"{report.name}: {report.inputs} inputs, {report.inputs_per_second:,.0f} inputs/s, "
        f"{report.unexpected} unexpected"
    )
    assert report.unexpected == 0, report.examples
    assert math.isfinite(report.inputs_per_second)
