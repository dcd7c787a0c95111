"""One device's firmware update, from start to end, as one coroutine.

1. Read /5/0: a device installing already is refused; the image must fit its model;
   its version is noted; pull or push is chosen from Delivery Method (/5/0/9) and
   Firmware Update Protocol Support (/5/0/8).
2. State and Update Result are followed (:class:`FirmwareWatch`); a device left
   Downloading or Downloaded by an earlier attempt is reset first.
3. Transfer. Pull: a grant is issued and its URI written to /5/0/1; the device fetches
   the blocks. Push: the image goes into /5/0/0 with Block1. An image on another server
   (:class:`ExternalImage`) is pulled from its own URI, without progress.
4. At Downloaded (2), Update (/5/0/2) is executed.
5. Update Result 1 ends it: success. The version is read once more; one that did not
   change (and is not the image's) is noted as the warning ``version_unchanged``.

Every phase has a deadline (:class:`FirmwareTimeouts`). A device reporting idle with a
failure result fails the update with that result's key; a device back at idle without a
result after it was downloading, or after it registered anew, fails it as interrupted.

A resumed run (after the server restarted) waits for the device to be registered, then
carries on from what the device reports: it waits for the result of an install under
way, installs a downloaded image, or transfers again with a fresh URI.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum, auto
from functools import partial
from typing import TYPE_CHECKING, Any

from aiocoap.numbers.codes import Code
from aiocoap.optiontypes import BlockOption

from ..clock import Clock, Timer
from ..errors import (
    DeviceNotRegisteredError,
    InvalidResponseError,
    LwM2MError,
    RequestFailedError,
    RequestTimeoutError,
)
from ..path import Path
from .device_object import (
    FIRMWARE,
    FIRMWARE_VERSION,
    MODEL_NUMBER,
    OCTET_STREAM,
    PACKAGE,
    PACKAGE_URI,
    PACKAGE_VERSION,
    RESULT_SUCCESS,
    UPDATE,
    Capabilities,
    FirmwareReport,
    UpdateState,
)
from .grants import DownloadGrants, download_uri
from .image import ExternalImage, FirmwareImage, ImageSource
from .push import PushRefusedError, push_blocks
from .reset import reset_device
from .status import DeliveryMethod, ErrorKey, FirmwareStatus, Phase, error_for_result
from .timeouts import FirmwareTimeouts
from .watch import FirmwareWatch

if TYPE_CHECKING:
    import aiocoap

    from ..server.lwm2m_server import LwM2MServer

_LOGGER = logging.getLogger(__name__)


class Signal(Enum):
    """What the server's events tell a run about its device."""

    REGISTERED = auto()  # a new registration: the device restarted
    UPDATED = auto()  # a registration update
    GONE = auto()  # de-registered, or the registration expired


class _Deadline:
    """The current phase ran out of time."""


class UpdateFailedError(Exception):
    def __init__(self, key: ErrorKey, result: int | None = None) -> None:
        super().__init__(key.value)
        self.key = key
        self.result = result


@dataclass(frozen=True, slots=True)
class RunSettings:
    clock: Clock
    timeouts: FirmwareTimeouts
    poll_interval: float
    advertised_host: str | None
    push_block_exponent: int


class UpdateRun:
    """One update of one device; ``publish`` gets every new status."""

    def __init__(
        self,
        server: LwM2MServer,
        grants: DownloadGrants,
        settings: RunSettings,
        image: ImageSource,
        status: FirmwareStatus,
        publish: Callable[[FirmwareStatus], None],
        *,
        endpoint: str,
        method: DeliveryMethod,
        resume: bool,
    ) -> None:
        self.endpoint = endpoint
        self.image = image
        self.status = status
        self._server = server
        self._grants = grants
        self._settings = settings
        self._clock = settings.clock
        self._publish = publish
        self._method = method
        self._resume = resume
        self._inbox: asyncio.Queue[FirmwareReport | Signal | _Deadline] = asyncio.Queue()
        self._watch = FirmwareWatch(
            server, endpoint, settings.clock, settings.poll_interval, self._inbox.put_nowait
        )
        self._timer: Timer | None = None
        self._expired = False
        self._downloading_seen = False
        self._registered_again = False

    # --- what the updater feeds in -----------------------------------------------------

    def notified(self, values: Mapping[Path, Any]) -> None:
        self._watch.notified(values)

    def signal(self, signal: Signal) -> None:
        self._inbox.put_nowait(signal)

    # --- the run ----------------------------------------------------------------------

    def arm(self) -> None:
        """Start the clock of the phase the run begins in (before its task first runs)."""
        self._enter(self.status.phase if self._resume else Phase.TRANSFERRING)

    async def run(self) -> None:
        """Carry the update through (after :meth:`arm`); the final status is published.
        Cancelling the task stops it without a final status."""
        try:
            if self._resume:
                await self._resumed()
            else:
                await self._fresh()
        except UpdateFailedError as failure:
            self._finish(Phase.FAILED, failure.key, failure.result)
        except LwM2MError as error:
            _LOGGER.info("%s: firmware update stopped: %s", self.endpoint, error)
            self._finish(Phase.FAILED, error_key(error))
        else:
            self._finish(Phase.SUCCEEDED)
        finally:
            await self._clean_up()

    async def _fresh(self) -> None:
        registration = self._server.registrations.get(self.endpoint)
        if registration is None:
            raise UpdateFailedError(ErrorKey.UNREACHABLE)
        if FIRMWARE.ids[0] not in registration.object_ids:
            raise UpdateFailedError(ErrorKey.NOT_SUPPORTED)
        values = await self._server.read(self.endpoint, FIRMWARE)
        report = FirmwareReport().merged(values)
        if report.state == UpdateState.UPDATING:
            raise UpdateFailedError(ErrorKey.DEVICE_BUSY)
        await self._check_model()
        previous = await self._read_version(tolerant=False)
        method = self._choose(Capabilities.read_from(values), registration.secure)
        self._update(method=method, previous_version=previous)
        await self._watch.start()
        if report.state in (UpdateState.DOWNLOADING, UpdateState.DOWNLOADED):
            await reset_device(self._server, self.endpoint, method)
        await self._transfer(method)
        await self._install()

    async def _resumed(self) -> None:
        saved = self.status.phase
        try:
            while self.endpoint not in self._server.registrations:
                await self._next_registration()
        except UpdateFailedError:
            raise UpdateFailedError(ErrorKey.INTERRUPTED) from None
        method = self.status.method
        if method is None:  # stopped before anything reached the device
            self._enter(Phase.TRANSFERRING)
            await self._fresh()
            return
        report = FirmwareReport().merged(await self._server.read(self.endpoint, FIRMWARE))
        await self._watch.start()
        if saved is Phase.UPDATING or report.state == UpdateState.UPDATING:
            self._enter(Phase.UPDATING)
            self._inbox.put_nowait(report)
            await self._until_installed()
        elif report.state == UpdateState.DOWNLOADED:
            await self._install()
        else:
            _fail_on(report.result)
            if report.state == UpdateState.DOWNLOADING:
                await reset_device(self._server, self.endpoint, method)
            self._enter(Phase.TRANSFERRING)
            await self._transfer(method)
            await self._install()

    # --- preparing --------------------------------------------------------------------

    async def _check_model(self) -> None:
        if not self.image.models:
            return
        try:
            values = await self._server.read(self.endpoint, MODEL_NUMBER)
        except (RequestFailedError, InvalidResponseError):
            values = {}
        model = values.get(MODEL_NUMBER)
        if not self.image.fits(model if isinstance(model, str) else None):
            raise UpdateFailedError(ErrorKey.WRONG_MODEL)

    async def _read_version(self, *, tolerant: bool) -> str | None:
        """/3/0/3, else /5/0/7; with ``tolerant`` a device that does not answer (it may
        be restarting) gives None instead of an error."""
        refusals: tuple[type[LwM2MError], ...] = (RequestFailedError, InvalidResponseError)
        if tolerant:
            refusals = (LwM2MError,)
        for path in (FIRMWARE_VERSION, PACKAGE_VERSION):
            try:
                values = await self._server.read(self.endpoint, path)
            except refusals:
                continue
            version = values.get(path)
            if isinstance(version, str) and version:
                return version
        return None

    def _choose(self, capabilities: Capabilities, secure: bool) -> DeliveryMethod:
        wanted = self._method
        if isinstance(self.image, ExternalImage):
            scheme = self.image.scheme
        else:
            scheme = "coaps" if secure else "coap"
        if (
            wanted is not DeliveryMethod.PUSH
            and capabilities.pulls
            and capabilities.downloads_over(scheme)
        ):
            return DeliveryMethod.PULL
        if wanted is not DeliveryMethod.PULL and capabilities.pushes:
            return DeliveryMethod.PUSH
        if wanted is DeliveryMethod.PUSH or not capabilities.pulls:
            raise UpdateFailedError(ErrorKey.UNSUPPORTED_DELIVERY)
        raise UpdateFailedError(ErrorKey.UNSUPPORTED_PROTOCOL)

    # --- transfer ---------------------------------------------------------------------

    async def _transfer(self, method: DeliveryMethod) -> None:
        self._forget_reports()
        image = self.image
        if isinstance(image, ExternalImage):
            await self._server.write(self.endpoint, PACKAGE_URI, image.uri)
        elif method is DeliveryMethod.PULL:
            await self._offer_download(image)
        else:
            await self._push(image)
        await self._until_downloaded()

    async def _offer_download(self, image: FirmwareImage) -> None:
        base = self._server.local_uri_base(self.endpoint)
        lifetime = self._settings.timeouts.limit(Phase.TRANSFERRING, image.size)
        grant = self._grants.issue(
            self.endpoint, image, lifetime, partial(self._transferred, image.size)
        )
        uri = base and download_uri(base, grant.token, self._settings.advertised_host)
        if not uri:
            raise UpdateFailedError(ErrorKey.NO_SERVER_ADDRESS)
        await self._server.write(self.endpoint, PACKAGE_URI, uri)

    async def _push(self, image: FirmwareImage) -> None:
        async def send(block: BlockOption.BlockwiseTuple, chunk: bytes) -> aiocoap.Message:
            if self._expired:
                raise UpdateFailedError(ErrorKey.TIMEOUT)
            return await self._server.request_raw(
                self.endpoint,
                Code.PUT,
                PACKAGE,
                content_format=OCTET_STREAM,
                payload=chunk,
                block1=block,
            )

        try:
            await push_blocks(
                send,
                image.data,
                self._settings.push_block_exponent,
                partial(self._transferred, image.size),
            )
        except PushRefusedError as refusal:
            _LOGGER.info("%s: the firmware push was refused: %s", self.endpoint, refusal)
            raise UpdateFailedError(ErrorKey.REJECTED) from None
        except RequestTimeoutError:
            raise UpdateFailedError(ErrorKey.CONNECTION_LOST) from None

    def _transferred(self, size: int, end: int) -> None:
        percent = min(100, end * 100 // size)
        if percent > self.status.percent:
            self._update(percent=percent)
        if end >= size and self.status.phase is Phase.TRANSFERRING:
            self._enter(Phase.VERIFYING)

    async def _until_downloaded(self) -> None:
        while True:
            report = await self._next_report()
            if report.state == UpdateState.IDLE:
                report = await self._idle_while_downloading(report)
            if report.state == UpdateState.DOWNLOADED:
                return
            if report.state == UpdateState.DOWNLOADING:
                self._downloading_seen = True

    async def _idle_while_downloading(self, report: FirmwareReport) -> FirmwareReport:
        """Fail on a failure result; fail as interrupted when the device is back at idle
        without one after it began downloading or registered anew. It is read once more
        first, as State may have been reported before the result was set."""
        _fail_on(report.result)
        if not (self._downloading_seen or self._registered_again):
            return report  # what it said before it took the transfer in hand
        confirmed = await self._watch.refresh() or report
        if confirmed.state != UpdateState.IDLE:
            return confirmed
        _fail_on(confirmed.result)
        raise UpdateFailedError(ErrorKey.INTERRUPTED)

    # --- install ----------------------------------------------------------------------

    async def _install(self) -> None:
        self._grants.revoke(self.endpoint)
        self._update(percent=100)
        self._enter(Phase.UPDATING)
        try:
            await self._server.execute(self.endpoint, UPDATE)
        except RequestTimeoutError:
            _LOGGER.debug("%s: no answer to Update; it may be restarting into it", self.endpoint)
        await self._until_installed()

    async def _until_installed(self) -> None:
        while True:
            report = await self._next_report()
            if report.result == RESULT_SUCCESS:
                self._update(result=RESULT_SUCCESS)
                await self._confirm_version()
                return
            _fail_on(report.result)

    async def _confirm_version(self) -> None:
        """The version the device runs now; an unchanged one is a warning, not a failure
        (the device said the update succeeded, and some keep their version string)."""
        version = await self._read_version(tolerant=True)
        if version is None or self._confirms(version):
            self._update(installed_version=version)
            return
        _LOGGER.info(
            "%s: firmware update reported successful, but the device still runs %s",
            self.endpoint,
            version,
        )
        self._update(installed_version=version, warning=ErrorKey.VERSION_UNCHANGED)

    def _confirms(self, version: str) -> bool:
        return version == self.image.version or version != self.status.previous_version

    # --- waiting ----------------------------------------------------------------------

    async def _next(self) -> FirmwareReport | Signal:
        item = await self._inbox.get()
        if isinstance(item, _Deadline):
            raise UpdateFailedError(ErrorKey.TIMEOUT)
        return item

    async def _next_report(self) -> FirmwareReport:
        while True:
            item = await self._next()
            if isinstance(item, FirmwareReport):
                return item
            if item is Signal.GONE and self.status.phase is not Phase.UPDATING:
                raise UpdateFailedError(ErrorKey.CONNECTION_LOST)
            if item is Signal.REGISTERED:
                self._registered_again = True
                return await self._watch.refresh() or self._watch.latest

    async def _next_registration(self) -> None:
        while await self._next() not in (Signal.REGISTERED, Signal.UPDATED):
            pass

    def _forget_reports(self) -> None:
        """Drop what the device said before this transfer (an earlier attempt's result)."""
        self._drop(FirmwareReport)
        self._downloading_seen = False
        self._registered_again = False

    def _drop(self, kind: type[FirmwareReport | _Deadline]) -> None:
        kept = []
        while not self._inbox.empty():
            item = self._inbox.get_nowait()
            if not isinstance(item, kind):
                kept.append(item)
        for item in kept:
            self._inbox.put_nowait(item)

    # --- status -----------------------------------------------------------------------

    def _update(self, **changes: Any) -> None:
        candidate = replace(self.status, **changes)
        if candidate == self.status:
            return
        self.status = replace(candidate, updated=self._clock.time())
        self._publish(self.status)

    def _enter(self, phase: Phase) -> None:
        """Move to ``phase`` with a fresh deadline (the last one's expiry is forgotten)."""
        self._update(phase=phase)
        self._stop_timer()
        self._expired = False
        self._drop(_Deadline)
        limit = self._settings.timeouts.limit(phase, self.image.size)
        self._timer = self._clock.call_later(limit, self._expire)

    def _expire(self) -> None:
        self._expired = True
        self._inbox.put_nowait(_Deadline())

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _finish(
        self, phase: Phase, error: ErrorKey | None = None, result: int | None = None
    ) -> None:
        changes: dict[str, Any] = {"phase": phase, "error": error}
        if result is not None:
            changes["result"] = result
        self._update(**changes)

    async def _clean_up(self) -> None:
        self._stop_timer()
        self._grants.revoke(self.endpoint)
        await self._watch.stop()


def _fail_on(result: int | None) -> None:
    key = error_for_result(result)
    if key is not None:
        raise UpdateFailedError(key, result)


def error_key(error: LwM2MError) -> ErrorKey:
    """How a request that went wrong ends an update."""
    if isinstance(error, DeviceNotRegisteredError | RequestTimeoutError):
        return ErrorKey.UNREACHABLE
    if isinstance(error, RequestFailedError | InvalidResponseError):
        return ErrorKey.REJECTED
    return ErrorKey.INTERRUPTED
