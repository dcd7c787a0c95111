"""The shell's ``fwupdate``: the firmware of that name and version goes onto the device.

A registered image of that name and version that fits the device's model is installed as
the update entity installs it. Otherwise the device downloads the firmware from the
command's URL itself (its Package URI), and the update runs on from there the same way:
the update entity shows it in progress (without a percentage), and a failure raises the
translated reason the entity's install would.
"""

from __future__ import annotations

from typing import Any

from ..engine import ExternalImage
from ..errors import device_error
from ..hub import LwM2MHub
from ..shell.commands import FirmwarePackage
from ..values.device_identity import MODEL
from .library import StoredImage
from .updates import FirmwareUpdates, raise_for_failure


async def async_fwupdate(
    hub: LwM2MHub, firmware: FirmwareUpdates, endpoint: str, package: FirmwarePackage
) -> dict[str, Any]:
    """Run the update to its end; what was installed, and from where."""
    source = _source(hub, firmware, endpoint, package)
    await firmware.async_start_update(endpoint, source)
    status = await firmware.async_wait(endpoint)
    if status.in_progress:  # the entry unloads: the update resumes when it is back
        raise device_error("firmware_handed_over", endpoint=endpoint)
    await hub.async_read_versions(endpoint)
    raise_for_failure(status, endpoint)
    return {
        "name": package.name,
        "version": package.version,
        "source": "library" if isinstance(source, StoredImage) else "url",
        "installed_version": status.installed_version,
    }


def _source(
    hub: LwM2MHub, firmware: FirmwareUpdates, endpoint: str, package: FirmwarePackage
) -> StoredImage | ExternalImage:
    model = hub.value(endpoint, MODEL)
    stored = firmware.library.find(
        None if model is None else str(model), package.version, package.name
    )
    return stored or ExternalImage(package.name, package.version, package.url)
