"""Config keys and validators the device triggers, conditions and actions share."""

from __future__ import annotations

from typing import Any, Final

import voluptuous as vol

from ..engine import Path

CONF_PATH: Final = "path"
CONF_SEVERITY: Final = "severity"


def resource_path(value: Any) -> str:
    """A resource's path (``/3303/0/5700``), in its canonical spelling."""
    try:
        path = Path.parse(str(value))
    except ValueError as err:
        raise vol.Invalid(f"{value!r} is no LwM2M path") from err
    if len(path) != 3:
        raise vol.Invalid(f"{path} names no resource (/object/instance/resource)")
    return str(path)
