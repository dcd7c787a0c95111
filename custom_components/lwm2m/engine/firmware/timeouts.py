"""How long each phase of a firmware update may take before it fails with ``timeout``."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .status import Phase


@dataclass(frozen=True, slots=True)
class FirmwareTimeouts:
    """Limits that grow with the image.

    Every phase gets ``base`` seconds. The transfer adds the image size over
    ``transfer_rate`` (bytes per second the slowest device link is assumed to manage);
    verifying and updating add it over ``processing_rate`` (the slowest flash assumed);
    updating adds ``install`` for the restart into the new firmware. An image of unknown
    size (one the device fetches from elsewhere) counts as ``unknown_size`` bytes.
    """

    base: float = 60.0
    transfer_rate: float = 1024.0
    processing_rate: float = 16384.0
    install: float = 300.0
    unknown_size: int = 4 * 1024 * 1024

    def __post_init__(self) -> None:
        for item in fields(self):
            if not getattr(self, item.name) > 0:
                raise ValueError(f"{item.name} must be positive")

    def limit(self, phase: Phase, size: int | None) -> float:
        """Seconds ``phase`` may last for an image of ``size`` bytes (None: unknown)."""
        if size is None:
            size = self.unknown_size
        if phase is Phase.TRANSFERRING:
            return self.base + size / self.transfer_rate
        if phase is Phase.VERIFYING:
            return self.base + size / self.processing_rate
        if phase is Phase.UPDATING:
            return self.base + self.install + size / self.processing_rate
        raise ValueError(f"a {phase} update has no time limit")
