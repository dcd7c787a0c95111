"""Tunables of the DTLS server."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DtlsConfigurationError
from .suites import DEFAULT_SUITE_PREFERENCE, SUITES_BY_CODE


@dataclass(frozen=True, slots=True)
class DtlsSettings:
    """How the DTLS server negotiates and how much state it keeps.

    ``idle_timeout`` should exceed the longest registration lifetime handed to
    devices: a device that stays silent for that long needs a new handshake.
    """

    cipher_suites: tuple[int, ...] = DEFAULT_SUITE_PREFERENCE
    require_extended_master_secret: bool = False
    max_sessions: int = 2048
    max_handshakes: int = 256
    handshake_timeout: float = 60.0
    idle_timeout: float = 90_000.0
    cookie_rotation: float = 300.0
    initial_retransmit_timeout: float = 1.0
    max_retransmit_timeout: float = 60.0
    problem_log_interval: float = 600.0

    def __post_init__(self) -> None:
        unknown = [code for code in self.cipher_suites if code not in SUITES_BY_CODE]
        if not self.cipher_suites or unknown:
            raise DtlsConfigurationError(
                "cipher_suites must name supported suites, got unknown "
                + ", ".join(f"0x{code:04X}" for code in unknown)
            )
        if len(set(self.cipher_suites)) != len(self.cipher_suites):
            raise DtlsConfigurationError("cipher_suites lists a suite twice")
        for name in ("max_sessions", "max_handshakes"):
            if getattr(self, name) < 1:
                raise DtlsConfigurationError(f"{name} must be at least 1")
        for name in (
            "handshake_timeout",
            "idle_timeout",
            "cookie_rotation",
            "initial_retransmit_timeout",
            "max_retransmit_timeout",
            "problem_log_interval",
        ):
            if not getattr(self, name) > 0:
                raise DtlsConfigurationError(f"{name} must be positive")
        if self.max_retransmit_timeout < self.initial_retransmit_timeout:
            raise DtlsConfigurationError(
                "max_retransmit_timeout must not be below initial_retransmit_timeout"
            )
