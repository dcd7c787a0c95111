"""Object URNs as the OMA registry assigns them."""

from __future__ import annotations

from .versions import DEFAULT_VERSION

# The registry's object id classes: 0-1023 are OMA's own objects, 2048-10240 come from
# other standards bodies, 10241-42768 from companies and individuals. Ids outside those
# classes (reserved or test ranges) are given the vendor label, the one for non-standard objects.
_OMA_LAST = 1023
_EXT_FIRST, _EXT_LAST = 2048, 10240


def urn_label(object_id: int) -> str:
    """``oma``, ``ext`` or ``x``: the label an object id's class carries in its URN."""
    if 0 <= object_id <= _OMA_LAST:
        return "oma"
    if _EXT_FIRST <= object_id <= _EXT_LAST:
        return "ext"
    return "x"


def default_urn(object_id: int, version: str = DEFAULT_VERSION) -> str:
    """``urn:oma:lwm2m:{label}:{id}``, plus ``:{version}`` unless the version is 1.0."""
    urn = f"urn:oma:lwm2m:{urn_label(object_id)}:{object_id}"
    return urn if version == DEFAULT_VERSION else f"{urn}:{version}"
