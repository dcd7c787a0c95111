"""Where the DTLS server gets pre-shared keys from: a lookup from a PSK identity, as the
client sent it, to its key (None: an unknown identity).

The server asks on every handshake, so keys added or removed at run time take effect with
the next handshake, without a restart. The credential store's ``lookup`` (LwM2M
identities) and ``bootstrap_lookup`` (bootstrap identities) are such lookups; so is a
dict's ``get``, for fixed keys.
"""

from __future__ import annotations

from collections.abc import Callable

PskLookup = Callable[[bytes], bytes | None]
