"""Where a device's firmware update stands, as one typed value the HA layer can show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Phase(StrEnum):
    IDLE = "idle"
    TRANSFERRING = "transferring"  # the image is on its way to the device
    VERIFYING = "verifying"  # all of it was sent; the device checks it
    UPDATING = "updating"  # Update was executed; the device installs and restarts
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE_PHASES = frozenset({Phase.TRANSFERRING, Phase.VERIFYING, Phase.UPDATING})
FINISHED_PHASES = frozenset({Phase.SUCCEEDED, Phase.FAILED})


class DeliveryMethod(StrEnum):
    AUTO = "auto"  # pull when the device can, else push
    PULL = "pull"  # the device downloads from a URI this server gives it
    PUSH = "push"  # the server writes the image into /5/0/0


class ErrorKey(StrEnum):
    """Why an update failed: stable keys for translations."""

    # Update Result codes (/5/x/5) the device reports
    NOT_ENOUGH_FLASH = "not_enough_flash"
    OUT_OF_RAM = "out_of_ram"
    CONNECTION_LOST = "connection_lost"
    INTEGRITY_CHECK_FAILURE = "integrity_check_failure"
    UNSUPPORTED_PACKAGE_TYPE = "unsupported_package_type"
    INVALID_URI = "invalid_uri"
    UPDATE_FAILED = "update_failed"
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    CANCELLED = "cancelled"
    DEFERRED = "deferred"
    UNKNOWN_RESULT = "unknown_result"  # a result code the specification does not define
    # what the server found
    TIMEOUT = "timeout"  # a phase took longer than its limit
    INTERRUPTED = "interrupted"  # a restart of the device or the server cut it short
    UNREACHABLE = "unreachable"  # the device is not registered or does not answer
    REJECTED = "rejected"  # the device refused a request with an error code
    NOT_SUPPORTED = "not_supported"  # the device has no Firmware Update object
    UNSUPPORTED_DELIVERY = "unsupported_delivery"  # it cannot take the image as asked
    DEVICE_BUSY = "device_busy"  # it is installing an update already
    WRONG_MODEL = "wrong_model"  # the image does not fit the device's model
    VERSION_UNCHANGED = "version_unchanged"  # success reported, same version (a warning)
    NO_SERVER_ADDRESS = "no_server_address"  # no address for the download URI


RESULT_ERRORS: Mapping[int, ErrorKey] = {
    2: ErrorKey.NOT_ENOUGH_FLASH,
    3: ErrorKey.OUT_OF_RAM,
    4: ErrorKey.CONNECTION_LOST,
    5: ErrorKey.INTEGRITY_CHECK_FAILURE,
    6: ErrorKey.UNSUPPORTED_PACKAGE_TYPE,
    7: ErrorKey.INVALID_URI,
    8: ErrorKey.UPDATE_FAILED,
    9: ErrorKey.UNSUPPORTED_PROTOCOL,
    10: ErrorKey.CANCELLED,
    11: ErrorKey.DEFERRED,
}


def error_for_result(result: int | None) -> ErrorKey | None:
    """The error an Update Result stands for; None for no result, 0 (initial) and 1
    (success)."""
    if result is None or result in (0, 1):
        return None
    return RESULT_ERRORS.get(result, ErrorKey.UNKNOWN_RESULT)


@dataclass(frozen=True, slots=True)
class FirmwareStatus:
    """One device's firmware update.

    ``percent`` (0..100) counts the image bytes served (pull) or acknowledged (push) and
    never goes back; ``result`` is the Update Result last seen; ``error`` is set when
    ``phase`` is failed. The image is named by ``image_sha256`` when this server serves
    it, by ``image_uri`` (left out of the repr) when the device fetches it from
    elsewhere. ``previous_version`` is the device's firmware version when the update
    started, ``installed_version`` the one it reported on success; ``warning`` notes a
    success that looks odd (``version_unchanged``: Update Result 1, same version).
    ``started`` and ``updated`` are Unix times.
    """

    phase: Phase = Phase.IDLE
    percent: int = 0
    result: int | None = None
    error: ErrorKey | None = None
    method: DeliveryMethod | None = None
    image_name: str | None = None
    image_version: str | None = None
    image_sha256: str | None = None
    image_uri: str | None = field(default=None, repr=False)
    previous_version: str | None = None
    installed_version: str | None = None
    warning: ErrorKey | None = None
    started: float | None = None
    updated: float | None = None

    @property
    def in_progress(self) -> bool:
        return self.phase in ACTIVE_PHASES

    @property
    def finished(self) -> bool:
        return self.phase in FINISHED_PHASES

    @property
    def progress(self) -> int | None:
        """``percent``, or None for an image the device fetches from elsewhere (nothing
        here sees how far it got)."""
        return None if self.image_uri else self.percent

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form; ``from_dict`` reverses it."""
        return {name: value for name, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FirmwareStatus:
        """Rebuild a status; malformed data raises ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a firmware status is a mapping, got {type(data).__name__}")
        method = data.get("method")
        error = data.get("error")
        warning = data.get("warning")
        percent = data.get("percent", 0)
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ValueError(f"bad percent {percent!r}")
        return cls(
            phase=Phase(data.get("phase", Phase.IDLE)),
            percent=percent,
            result=_optional(data, "result", int),
            error=None if error is None else ErrorKey(error),
            method=None if method is None else DeliveryMethod(method),
            image_name=_optional(data, "image_name", str),
            image_version=_optional(data, "image_version", str),
            image_sha256=_optional(data, "image_sha256", str),
            image_uri=_optional(data, "image_uri", str),
            previous_version=_optional(data, "previous_version", str),
            installed_version=_optional(data, "installed_version", str),
            warning=None if warning is None else ErrorKey(warning),
            started=_optional_time(data, "started"),
            updated=_optional_time(data, "updated"),
        )


def _optional[T](data: Mapping[str, object], name: str, kind: type[T]) -> T | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(f"{name}: expected {kind.__name__}, got {value!r}")
    return value


def _optional_time(data: Mapping[str, Any], name: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a time, got {value!r}")
    return float(value)
