"""Putting a device's firmware update back to idle: Cancel, or the resetting writes.

An empty Package URI (pull) or an empty Package (push) resets the state machine to idle
in every version of object 5; from object version 1.1 on, Cancel (/5/0/10) also stops a
download and reports Update Result 10.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..errors import LwM2MError, RequestFailedError
from ..model.versions import version_key
from .device_object import CANCEL, FIRMWARE, PACKAGE, PACKAGE_URI
from .status import DeliveryMethod

if TYPE_CHECKING:
    from ..registration.record import Registration
    from ..server.lwm2m_server import LwM2MServer

_LOGGER = logging.getLogger(__name__)


async def reset_device(server: LwM2MServer, endpoint: str, method: DeliveryMethod | None) -> None:
    if method is DeliveryMethod.PUSH:
        await server.write(endpoint, PACKAGE, b"")
    else:
        await server.write(endpoint, PACKAGE_URI, "")


async def cancel_on_device(
    server: LwM2MServer, endpoint: str, method: DeliveryMethod | None
) -> None:
    """Execute Cancel where object 5 has it, else (or when refused) reset; a device that
    cannot be reached is left as it is."""
    registration = server.registrations.get(endpoint)
    if registration is None:
        return
    try:
        if has_cancel(registration):
            try:
                await server.execute(endpoint, CANCEL)
            except RequestFailedError:
                pass
            else:
                return
        await reset_device(server, endpoint, method)
    except LwM2MError as error:
        _LOGGER.warning("%s: could not cancel the firmware update there: %s", endpoint, error)


def has_cancel(registration: Registration) -> bool:
    """Whether the device announced object 5 in version 1.1 or later."""
    version = registration.object_version(FIRMWARE.ids[0])
    if version is None:
        return False
    try:
        return version_key(version) >= (1, 1)
    except ValueError:
        return False
