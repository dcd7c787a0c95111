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

    Limits: a PSK identity keeps at most ``max_sessions_per_identity`` sessions (its
    least recently active one makes room for its newest); a host address at most
    ``max_sessions_per_address``, and the table ``max_sessions`` (a new session
    beyond either is refused, so no one's established session is pushed out). A
    host has at most ``max_handshakes_per_address`` handshakes in progress (more are
    ignored until one ends); a full handshake table drops the oldest handshake of
    the host with the most. Records that arrive before the keys they need are kept
    up to ``max_early_bytes`` over all handshakes.

    ``connection_id_length`` is the length of the Connection IDs (RFC 9146) this
    server asks clients to put on their records; 0 negotiates CIDs without one of
    its own (it still sends the client's), None leaves the extension out.
    """

    cipher_suites: tuple[int, ...] = DEFAULT_SUITE_PREFERENCE
    require_extended_master_secret: bool = False
    max_sessions: int = 2048
    max_sessions_per_identity: int = 4
    max_sessions_per_address: int = 512
    max_handshakes: int = 256
    max_handshakes_per_address: int = 32
    max_early_bytes: int = 64 * 1024
    connection_id_length: int | None = 6
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
        for name in (
            "max_sessions",
            "max_sessions_per_identity",
            "max_sessions_per_address",
            "max_handshakes",
            "max_handshakes_per_address",
            "max_early_bytes",
        ):
            if getattr(self, name) < 1:
                raise DtlsConfigurationError(f"{name} must be at least 1")
        if self.connection_id_length is not None and not 0 <= self.connection_id_length <= 255:
            raise DtlsConfigurationError("connection_id_length must be 0 to 255, or None")
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
