"""Values of the objects that hold a device's credentials: never kept, never shown.

The Security object (/0) carries the device's PSK identity and key (or its key
pair), the OSCORE object (/21) its master secret. A device may report them (a
notification, a Send, the answer to a read); the hub keeps none of these objects'
values, so they reach neither states, diagnostics nor the stored device state, and
an action that reads them gets the secret resources masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine import Path

MASK = "**REDACTED**"
# object id -> its resources that are secrets
SECRET_RESOURCES: dict[int, frozenset[int]] = {
    # Public Key or Identity, Server Public Key, Secret Key,
    # SMS Binding Key Parameters, SMS Binding Secret Key(s)
    0: frozenset({3, 4, 5, 7, 8}),
    # OSCORE Master Secret, Sender ID, Recipient ID, Master Salt, ID Context
    21: frozenset({0, 1, 2, 5, 6}),
}


def is_credential_path(path: Path) -> bool:
    """Whether ``path`` lies in an object that holds credentials."""
    return len(path) >= 1 and path.ids[0] in SECRET_RESOURCES


def without_credentials(values: Mapping[Path, Any]) -> dict[Path, Any]:
    """``values`` without any of the credential objects' values."""
    return {path: value for path, value in values.items() if not is_credential_path(path)}


def masked(values: Mapping[Path, Any]) -> dict[Path, Any]:
    """``values`` with every secret resource's value replaced by a mask."""
    return {path: MASK if _is_secret(path) else value for path, value in values.items()}


def _is_secret(path: Path) -> bool:
    return len(path) >= 3 and path.ids[2] in SECRET_RESOURCES.get(path.ids[0], frozenset())
