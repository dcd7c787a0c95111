"""The DTLS 1.2 PSK cipher suites this server speaks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Protection(Enum):
    """How records are protected under a suite."""

    CCM = "ccm"
    GCM = "gcm"
    CBC_ENCRYPT_THEN_MAC = "cbc"


@dataclass(frozen=True, slots=True)
class CipherSuite:
    """One cipher suite: its code point and the sizes the key block is cut into."""

    code: int
    name: str
    protection: Protection
    mac_key_length: int
    key_length: int
    fixed_iv_length: int
    tag_length: int


TLS_PSK_WITH_AES_128_CCM_8 = CipherSuite(
    0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", Protection.CCM, 0, 16, 4, 8
)
TLS_PSK_WITH_AES_128_CCM = CipherSuite(
    0xC0A4, "TLS_PSK_WITH_AES_128_CCM", Protection.CCM, 0, 16, 4, 16
)
TLS_PSK_WITH_AES_128_GCM_SHA256 = CipherSuite(
    0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", Protection.GCM, 0, 16, 4, 16
)
# Offered only to clients that also offer encrypt_then_mac (RFC 7366).
TLS_PSK_WITH_AES_128_CBC_SHA256 = CipherSuite(
    0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", Protection.CBC_ENCRYPT_THEN_MAC, 32, 16, 0, 32
)

SUITES_BY_CODE: dict[int, CipherSuite] = {
    suite.code: suite
    for suite in (
        TLS_PSK_WITH_AES_128_CCM_8,
        TLS_PSK_WITH_AES_128_CCM,
        TLS_PSK_WITH_AES_128_GCM_SHA256,
        TLS_PSK_WITH_AES_128_CBC_SHA256,
    )
}

# Server preference order; CCM_8 is the suite LwM2M mandates.
DEFAULT_SUITE_PREFERENCE: tuple[int, ...] = (0xC0A8, 0xC0A4, 0x00A8, 0x00AE)
