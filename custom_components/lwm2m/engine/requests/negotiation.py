"""Choosing content formats per device, and remembering what each device refused.

A device announces formats with ``ct`` on its root link (LwM2M 1.1 and later); a 1.0
device speaks TLV. What a device refuses in practice (a 4.06 or 4.15 answer, or a request
with an Accept option dropped without answer) is remembered per endpoint, so the next
request goes straight to what works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..codec import SUPPORTED_FORMATS, ContentFormat

_VALUE_PREFERENCE = (
    ContentFormat.LWM2M_CBOR,
    ContentFormat.SENML_CBOR,
    ContentFormat.SENML_JSON,
    ContentFormat.LWM2M_JSON,
    ContentFormat.TLV,
)
_COMPOSITE_PREFERENCE = (
    ContentFormat.SENML_CBOR,
    ContentFormat.SENML_JSON,
    ContentFormat.LWM2M_CBOR,
)


@dataclass(slots=True)
class FormatMemory:
    """What the server learnt about one endpoint's formats and composite operations;
    survives re-registration."""

    refused: set[int] = field(default_factory=set)
    drops_accept: bool = False
    accept_answered: bool = False
    composite_answered: bool = False
    no_composite: bool = False


class Negotiator:
    """Format choices for one device, from its registration and its ``FormatMemory``."""

    def __init__(self, lwm2m_version: str, advertised: tuple[int, ...], memory: FormatMemory):
        self.lwm2m_version = lwm2m_version
        self.advertised = advertised
        self.memory = memory

    def _value_formats(self) -> list[int]:
        if self.lwm2m_version == "1.0":
            candidates: list[int] = [ContentFormat.TLV]
        else:
            candidates = [fmt for fmt in _VALUE_PREFERENCE if fmt in self.advertised]
            candidates.append(ContentFormat.TLV)
        return [fmt for fmt in dict.fromkeys(candidates) if fmt not in self.memory.refused]

    def read_format(self, single: bool) -> int | None:
        """The Accept for a read or observe; None sends none (the device chooses)."""
        if self.memory.drops_accept:
            return None
        formats = self._value_formats()
        if single and ContentFormat.TEXT not in self.memory.refused and not formats:
            return int(ContentFormat.TEXT)
        return formats[0] if formats else None

    def write_format(self, single: bool) -> int:
        """The Content-Format for a write or create."""
        formats = self._value_formats()
        if formats:
            return formats[0]
        return int(ContentFormat.TEXT if single else ContentFormat.TLV)

    def composite_format(self) -> int:
        for fmt in _COMPOSITE_PREFERENCE:
            if fmt in self.advertised and fmt not in self.memory.refused:
                return int(fmt)
        for fmt in _COMPOSITE_PREFERENCE:
            if fmt not in self.memory.refused:
                return int(fmt)
        return int(ContentFormat.SENML_CBOR)

    def refuse(self, fmt: int) -> None:
        self.memory.refused.add(fmt)

    @staticmethod
    def supported(fmt: int | None) -> bool:
        return fmt in SUPPORTED_FORMATS
