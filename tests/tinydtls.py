"""aiocoap's tinydtls DTLS client (DTLSSocket) as a test peer: skip where it cannot run."""

from __future__ import annotations

import pytest

from simulator.secure import tinydtls_unavailable_reason

TINYDTLS_MISSING = tinydtls_unavailable_reason()

requires_tinydtls = pytest.mark.skipif(
    TINYDTLS_MISSING is not None, reason=TINYDTLS_MISSING or "aiocoap's tinydtls client runs here"
)
