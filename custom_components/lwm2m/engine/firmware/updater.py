"""Firmware updates (LwM2M object 5) of the devices registered with one server.

    updater = FirmwareUpdater(server)               # before or after server.start()
    image = FirmwareImage("app.bin", "1.4.0", data, models=("SIM-100",))
    updater.start("sensor-7", image)                # pull when it can, else push
    ...                                             # FirmwareProgress events follow
    status = await updater.wait("sensor-7")         # or FirmwareUpdateFinished

Pull (preferred): the image is served block-wise (Block2) from this server's own CoAP
or CoAPS port at a single-use URI, ``<scheme>://<host>:<port>/fw/<random token>``; the
host is ``advertised_host`` when given, else the local address the device's latest
uplink arrived at. The URI answers only the device it was issued to (its IP address over
CoAP, its PSK identity over DTLS: others get 4.03) and answers 4.04 once the device has
the image, once the update ends, or once the transfer phase's time is up.

Push: for devices whose Delivery Method (/5/0/9) is push only, or when asked, the image
is written into /5/0/0 with Block1, one block per round trip (so a queue-mode device
must stay awake for it).

An :class:`ExternalImage` lies on another server: its own URI goes into /5/0/1 and the
device downloads from there (pull only, over any scheme its Firmware Update Protocol
Support lists). Nothing here sees that download, so its status has no progress.

Progress counts bytes served or acknowledged. Each phase has a deadline that grows with
the image (:class:`FirmwareTimeouts`), so no update stays in progress for ever.

Restarts: before the server stops, save :meth:`FirmwareUpdater.export_state` (JSON-safe,
images named by sha256, external ones by their URI) and call
:meth:`FirmwareUpdater.close`; after it starts again, :meth:`FirmwareUpdater.import_state`
resumes each update still in progress as soon as its device is registered: an install
under way is awaited, a downloaded image installed, an unfinished transfer started again
from its first block (with a fresh URI, or the external image's own). An update whose
image cannot be found, or whose device does not come back within the phase's limit,
fails as ``interrupted``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..clock import Clock, LoopClock
from ..errors import DeviceNotRegisteredError, LwM2MError
from ..events import LwM2MEvent
from ..registration.events import Deregistered, Expired, Registered, Updated
from ..server.events import NotificationReceived
from .events import FirmwareProgress, FirmwareUpdateFinished
from .grants import RESOURCE_PATH, DownloadGrants, same_device
from .image import ExternalImage, FirmwareImage, ImageSource
from .image_resource import LARGEST_BLOCK_EXPONENT, FirmwareResource
from .reset import cancel_on_device
from .run import RunSettings, Signal, UpdateRun
from .status import DeliveryMethod, ErrorKey, FirmwareStatus, Phase
from .timeouts import FirmwareTimeouts

if TYPE_CHECKING:
    from ..server.lwm2m_server import LwM2MServer

__all__ = [
    "DeliveryMethod",
    "ErrorKey",
    "ExternalImage",
    "FirmwareImage",
    "FirmwareStatus",
    "FirmwareTimeouts",
    "FirmwareUpdater",
    "ImageSource",
    "Phase",
    "UpdateInProgressError",
    "UpdateNotCancellableError",
]

_LOGGER = logging.getLogger(__name__)
STATE_VERSION = 1
DEFAULT_POLL_INTERVAL = 30.0

ImageLookup = Callable[[str], FirmwareImage | None]
"""The image with a given sha256, if it is still at hand."""


class UpdateInProgressError(LwM2MError):
    """The device has an update in progress already."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(f"{endpoint}: a firmware update is in progress already")
        self.endpoint = endpoint


class UpdateNotCancellableError(LwM2MError):
    """The device installs the image already: object 5 has no way back from there."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(f"{endpoint}: the firmware is being installed and cannot be cancelled")
        self.endpoint = endpoint


class FirmwareUpdater:
    """Runs firmware updates, at most one per device at a time, and reports on them.

    ``advertised_host`` is the host put in download URIs (give it when devices reach the
    server through an address it cannot see, such as a NAT or a container's port
    mapping; the port stays the one the device talks to). ``poll_interval`` is how often
    State and Update Result are read from a device that cannot observe them.
    ``push_block_exponent`` sets the Block1 size of a push (6: 1024 bytes).
    """

    def __init__(
        self,
        server: LwM2MServer,
        *,
        clock: Clock | None = None,
        advertised_host: str | None = None,
        timeouts: FirmwareTimeouts | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        push_block_exponent: int = LARGEST_BLOCK_EXPONENT,
    ) -> None:
        if not 0 <= push_block_exponent <= LARGEST_BLOCK_EXPONENT:
            raise ValueError(f"push_block_exponent must be 0..{LARGEST_BLOCK_EXPONENT}")
        self._server = server
        self._clock: Clock = clock or LoopClock()
        self._settings = RunSettings(
            clock=self._clock,
            timeouts=timeouts or FirmwareTimeouts(),
            poll_interval=poll_interval,
            advertised_host=advertised_host,
            push_block_exponent=push_block_exponent,
        )
        self._grants = DownloadGrants(self._clock, self._same_device)
        self._statuses: dict[str, FirmwareStatus] = {}
        self._runs: dict[str, UpdateRun] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        server.add_resource(RESOURCE_PATH, FirmwareResource(self._grants))
        self._stop_listening = server.add_listener(self._on_event)

    # --- reading --------------------------------------------------------------------

    def status(self, endpoint: str) -> FirmwareStatus:
        """The device's current or latest update (phase idle when it never had one)."""
        return self._statuses.get(endpoint, FirmwareStatus())

    @property
    def statuses(self) -> Mapping[str, FirmwareStatus]:
        """Every device's current or latest update (a read-only view)."""
        return MappingProxyType(self._statuses)

    def in_progress(self, endpoint: str) -> bool:
        return endpoint in self._runs

    # --- acting ---------------------------------------------------------------------

    def start(
        self,
        endpoint: str,
        image: ImageSource,
        *,
        method: DeliveryMethod = DeliveryMethod.AUTO,
    ) -> FirmwareStatus:
        """Begin updating ``endpoint`` to ``image``; returns at once with the first status.

        Raises DeviceNotRegisteredError, or UpdateInProgressError when an update of that
        device is still running; ValueError when an external image is to be pushed.
        Everything later, failures included, comes as statuses.
        """
        if isinstance(image, ExternalImage):
            if method is DeliveryMethod.PUSH:
                raise ValueError("an image on another server cannot be pushed")
            method = DeliveryMethod.PULL
        if endpoint in self._runs:
            raise UpdateInProgressError(endpoint)
        if endpoint not in self._server.registrations:
            raise DeviceNotRegisteredError(endpoint)
        now = self._clock.time()
        status = FirmwareStatus(
            phase=Phase.TRANSFERRING,
            image_name=image.name,
            image_version=image.version,
            image_sha256=image.sha256 if isinstance(image, FirmwareImage) else None,
            image_uri=image.uri if isinstance(image, ExternalImage) else None,
            started=now,
            updated=now,
        )
        self._launch(endpoint, image, status, method, resume=False)
        return status

    async def wait(self, endpoint: str) -> FirmwareStatus:
        """The status once the device's running update (if any) has ended."""
        task = self._tasks.get(endpoint)
        if task is not None:
            await asyncio.wait({task})
        return self.status(endpoint)

    async def cancel(self, endpoint: str) -> FirmwareStatus:
        """Stop the device's update: failed with ``cancelled``; the device is told with
        Cancel (/5/0/10) where it has it, else reset with an empty Package URI or Package.

        Raises UpdateNotCancellableError once the device installs the image.
        """
        run = self._runs.get(endpoint)
        task = self._tasks.get(endpoint)
        if run is None or task is None or task.done():
            return self.status(endpoint)
        if run.status.phase is Phase.UPDATING:
            raise UpdateNotCancellableError(endpoint)
        task.cancel()
        await asyncio.wait({task})
        if run.status.finished:  # it ended on its own before the cancel reached it
            return run.status
        await cancel_on_device(self._server, endpoint, run.status.method)
        cancelled = replace(
            run.status, phase=Phase.FAILED, error=ErrorKey.CANCELLED, updated=self._clock.time()
        )
        self._publish(endpoint, cancelled)
        return cancelled

    async def close(self) -> None:
        """Stop following every update without ending it (save ``export_state`` first to
        resume them); download URIs stop working. The updater is not used afterwards."""
        self._stop_listening()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    # --- persistence ----------------------------------------------------------------

    def export_state(self) -> dict[str, Any]:
        """Every device's status, JSON-safe; images are named by their sha256 only."""
        return {
            "version": STATE_VERSION,
            "devices": {endpoint: status.to_dict() for endpoint, status in self._statuses.items()},
        }

    def import_state(self, data: Mapping[str, Any], images: ImageLookup) -> None:
        """Take saved statuses back; resume each update that was in progress (see the
        module's description). A malformed entry is skipped with a warning; data of an
        unknown shape raises ValueError."""
        devices = data.get("devices") if isinstance(data, Mapping) else None
        if data.get("version") != STATE_VERSION or not isinstance(devices, Mapping):
            raise ValueError("not a saved firmware update state")
        for endpoint, entry in devices.items():
            if endpoint in self._runs:
                continue
            try:
                status = FirmwareStatus.from_dict(entry)
            except ValueError as error:
                _LOGGER.warning("%s: ignoring a saved firmware update: %s", endpoint, error)
                continue
            if not status.in_progress:
                self._statuses[endpoint] = status
                continue
            image = _saved_image(status, images)
            if image is None:
                lost = replace(
                    status,
                    phase=Phase.FAILED,
                    error=ErrorKey.INTERRUPTED,
                    updated=self._clock.time(),
                )
                self._publish(endpoint, lost)
                continue
            method = status.method or DeliveryMethod.AUTO
            self._launch(endpoint, image, status, method, resume=True)

    # --- internals ------------------------------------------------------------------

    def _launch(
        self,
        endpoint: str,
        image: ImageSource,
        status: FirmwareStatus,
        method: DeliveryMethod,
        *,
        resume: bool,
    ) -> None:
        run = UpdateRun(
            self._server,
            self._grants,
            self._settings,
            image,
            status,
            lambda changed: self._publish(endpoint, changed),
            endpoint=endpoint,
            method=method,
            resume=resume,
        )
        self._runs[endpoint] = run
        self._publish(endpoint, status)
        run.arm()
        self._tasks[endpoint] = asyncio.get_running_loop().create_task(self._drive(run))

    async def _drive(self, run: UpdateRun) -> None:
        try:
            await run.run()
        finally:
            del self._runs[run.endpoint]
            del self._tasks[run.endpoint]

    def _publish(self, endpoint: str, status: FirmwareStatus) -> None:
        previous = self._statuses.get(endpoint)
        self._statuses[endpoint] = status
        if previous is None or _progress(previous) != _progress(status):
            self._server.emit(FirmwareProgress(endpoint, status=status))
        if status.finished and (previous is None or not previous.finished):
            self._server.emit(FirmwareUpdateFinished(endpoint, status=status))

    def _same_device(self, endpoint: str, remote: Any) -> bool:
        return same_device(self._server.registrations.get(endpoint), remote)

    def _on_event(self, event: LwM2MEvent) -> None:
        run = self._runs.get(event.endpoint)
        if run is None:
            return
        if isinstance(event, NotificationReceived):
            run.notified(event.values)
        elif isinstance(event, Registered):
            run.signal(Signal.REGISTERED)
        elif isinstance(event, Updated):
            run.signal(Signal.UPDATED)
        elif isinstance(event, Deregistered | Expired):
            run.signal(Signal.GONE)


def _saved_image(status: FirmwareStatus, images: ImageLookup) -> ImageSource | None:
    """The image a saved update installs: looked up by sha256, or rebuilt from its URI."""
    if status.image_uri is not None:
        try:
            return ExternalImage(
                status.image_name or "", status.image_version or "", status.image_uri
            )
        except ValueError:
            return None
    return images(status.image_sha256) if status.image_sha256 else None


def _progress(status: FirmwareStatus) -> tuple[Phase, int, DeliveryMethod | None]:
    """What a FirmwareProgress event is sent for when it changes."""
    return status.phase, status.percent, status.method
