"""Running device-management requests, device by device.

A request to a device that is not in queue mode runs at once. A queue-mode device's
requests wait in its queue until it is awake (an uplink opens an awake window) and are
then delivered in order; one that times out puts the device back to sleep and waits for
the next uplink. What the server has set up on a device (write-attributes, observations)
is restored whenever the device registers again or moves.

The dispatcher is the registrar's :class:`DeviceActivity`: it hears of every turn of a
registration and keeps its per-device state in step.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import aiocoap
from aiocoap.numbers.codes import Code

from ..clock import Clock
from ..errors import (
    DeviceNotRegisteredError,
    DevicePendingError,
    LwM2MError,
    RequestCancelledError,
    RequestTimeoutError,
)
from ..events import LwM2MEvent
from ..log_once import LogOnce
from ..model.device_model import DeviceModel
from ..model.types import ObjectLookup
from ..path import Path
from ..registration.record import Registration
from ..registration.routes import Routes
from ..registration.store import RegistrationStore
from ..requests.composite import composite_or_single
from ..requests.exchange import DeviceLink, Exchanger
from ..requests.negotiation import FormatMemory, Negotiator
from ..requests.operations import HANDLERS
from ..requests.request import AttributeValue, DeviceRequest, Operation
from .events import Asleep, Awake, NotificationReceived, QueueChanged
from .observations import Observation, Observations, ObservationTarget
from .presence import Presence
from .queue import QueuedRequest, QueuedRequestInfo, RequestQueue

_LOGGER = logging.getLogger(__name__)


class RequestDispatcher:
    """Requests by endpoint: run now, or queued for a queue-mode device's next wake-up."""

    def __init__(
        self,
        store: RegistrationStore,
        routes: Routes,
        model: ObjectLookup,
        exchanger: Exchanger,
        emit: Callable[[LwM2MEvent], None],
        clock: Clock,
        log_once: LogOnce,
        *,
        awake_window: float,
        queue_limit: int,
    ) -> None:
        self._store = store
        self._routes = routes
        self._model = model
        self._exchanger = exchanger
        self._emit = emit
        self._log_once = log_once
        self._queue_limit = queue_limit
        self._formats: dict[str, FormatMemory] = {}
        self._queues: dict[str, RequestQueue] = {}
        self._flushing: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._attributes: dict[str, dict[Path, dict[str, AttributeValue]]] = {}
        self._presence = Presence(clock, awake_window, self._presence_changed)
        self.observations = Observations(
            exchanger, self._notified, clock, log_once, self.cancel_observation
        )

    def close(self) -> None:
        """Stop everything running; queued requests with a caller fail."""
        self.observations.close()
        self._presence.forget_all()
        for task in [*self._tasks, *self._flushing.values()]:
            task.cancel()
        for queue in self._queues.values():
            for item in queue:
                if item.future is not None and not item.future.done():
                    item.future.set_exception(LwM2MError("the server stopped"))

    # --- what the registrar tells (DeviceActivity) --------------------------------------

    def session_started(self, endpoint: str) -> None:
        self._formats.setdefault(endpoint, FormatMemory())
        self.observations.stop_all(endpoint)

    def registered(self, registration: Registration) -> None:
        endpoint = registration.endpoint
        if registration.queue_mode:
            self._presence.uplink(endpoint, announce=False)
        if not registration.pending:
            self._spawn(self._resume(endpoint))
            self._flush(endpoint)

    def accepted(self, endpoint: str) -> None:
        self._spawn(self._resume(endpoint))
        self._flush(endpoint)

    def moved(self, endpoint: str) -> None:
        self.observations.stop_all(endpoint)
        registration = self._store.get(endpoint)
        if registration is not None and not registration.pending:
            self._spawn(self._resume(endpoint))

    def heard_from(self, endpoint: str) -> None:
        registration = self._store.get(endpoint)
        if registration is None:
            return
        if registration.queue_mode:
            self._presence.uplink(endpoint)
        else:
            self._presence.forget(endpoint)
        if not registration.pending:
            self._flush(endpoint)

    def gone(self, endpoint: str) -> None:
        self.observations.stop_all(endpoint)
        self._presence.forget(endpoint)
        queue = self._queues.get(endpoint)
        if queue is None:
            return
        for item in queue.take_all():
            if item.future is None:
                queue.push(item)
            elif not item.future.done():
                item.future.set_exception(DeviceNotRegisteredError(endpoint))

    # --- events of its own --------------------------------------------------------------

    def _notified(self, event: LwM2MEvent) -> None:
        self._emit(event)
        if isinstance(event, NotificationReceived):
            self.heard_from(event.endpoint)  # a notification is an uplink too (queue mode)

    def _presence_changed(self, endpoint: str, awake: bool) -> None:
        self._emit(Awake(endpoint) if awake else Asleep(endpoint))

    # --- restoring what was set up ------------------------------------------------------

    async def _resume(self, endpoint: str) -> None:
        """Restore what the server had set up on a device: attributes, observations."""
        for path, attributes in list(self._attributes.get(endpoint, {}).items()):
            request = DeviceRequest(
                Operation.WRITE_ATTRIBUTES, path, attributes=tuple(attributes.items())
            )
            await self._resume_one(endpoint, request)
        for target in self.observations.remembered(endpoint):
            operation = Operation.OBSERVE_COMPOSITE if target.composite else Operation.OBSERVE
            request = DeviceRequest(
                operation, target.path, paths=target.paths, accept=target.accept
            )
            await self._resume_one(endpoint, request)

    async def _resume_one(self, endpoint: str, request: DeviceRequest) -> None:
        try:
            await self.submit(endpoint, request)
        except LwM2MError as error:
            self._log_once(
                f"resume:{endpoint}",
                "could not restore %s on %s for %s: %s",
                request.operation.value,
                request.path,
                endpoint,
                error,
            )

    def _remember_attributes(self, endpoint: str, request: DeviceRequest) -> None:
        stored = self._attributes.setdefault(endpoint, {}).setdefault(request.path, {})
        for name, value in request.attributes:
            if value is None:
                stored.pop(name, None)
            else:
                stored[name] = value
        if not stored:
            del self._attributes[endpoint][request.path]

    # --- running requests -------------------------------------------------------------

    def link(self, endpoint: str) -> DeviceLink:
        """How to reach a registered, accepted device right now."""
        registration = self._store.get(endpoint)
        route = self._routes.get(endpoint)
        if registration is None or route is None:
            raise DeviceNotRegisteredError(endpoint)
        if registration.pending:
            raise DevicePendingError(endpoint)
        root = tuple(part for part in registration.root_path.split("/") if part)
        memory = self._formats.setdefault(endpoint, FormatMemory())
        return DeviceLink(
            endpoint=endpoint,
            transport=route.transport,
            remote=route.remote,
            root=root,
            model=DeviceModel(self._model, registration.object_version),
            formats=Negotiator(registration.lwm2m_version, registration.content_formats, memory),
        )

    async def _run(self, endpoint: str, request: DeviceRequest) -> Any:
        link = self.link(endpoint)
        operation = request.operation
        if operation in (Operation.OBSERVE, Operation.OBSERVE_COMPOSITE):
            target = ObservationTarget(
                request.paths or (request.path,),
                composite=operation is Operation.OBSERVE_COMPOSITE,
                accept=request.accept,
            )
            if not target.composite:
                return await self.observations.start(link, target)
            return await composite_or_single(
                self._exchanger,
                link,
                lambda: self.observations.start(link, target),
                lambda: self._observe_each(link, target),
            )
        if operation is Operation.CANCEL_OBSERVATION:
            await self.observations.cancel_actively(endpoint, _target_of(request))
            return None
        result = await HANDLERS[operation](self._exchanger, link, request)
        if operation is Operation.WRITE_ATTRIBUTES:
            self._remember_attributes(endpoint, request)
        return result

    async def _observe_each(self, link: DeviceLink, target: ObservationTarget) -> Observation:
        """Observe-Composite for a device without it: one observation per path (each
        reports its own path); the handle cancels them all."""
        initial: dict[Path, Any] = {}
        for path in target.paths:
            single = ObservationTarget((path,), accept=target.accept)
            initial.update((await self.observations.start(link, single)).initial)
        return Observation(link.endpoint, target, initial, b"", self.cancel_observation)

    async def submit(self, endpoint: str, request: DeviceRequest) -> Any:
        """Run ``request`` on the device now, or when it wakes up (queue mode)."""
        registration = self._store.get(endpoint)
        if registration is None:
            raise DeviceNotRegisteredError(endpoint)
        if registration.pending:
            raise DevicePendingError(endpoint)
        if not registration.queue_mode:
            return await self._run(endpoint, request)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        item = QueuedRequest(request, future)
        queue = self._queue(endpoint)
        queue.push(item)
        self._emit(QueueChanged(endpoint))
        self._flush(endpoint)
        try:
            return await future
        finally:
            queue.discard(item)
            self._emit(QueueChanged(endpoint))

    def _queue(self, endpoint: str) -> RequestQueue:
        queue = self._queues.get(endpoint)
        if queue is None:
            queue = self._queues[endpoint] = RequestQueue(endpoint, self._queue_limit)
        return queue

    def _flush(self, endpoint: str) -> None:
        """Start delivering queued requests if the device is awake."""
        registration = self._store.get(endpoint)
        queue = self._queues.get(endpoint)
        if registration is None or registration.pending or not queue:
            return
        if registration.queue_mode and not self._presence.is_awake(endpoint):
            return
        running = self._flushing.get(endpoint)
        if running is not None and not running.done():
            return
        task = asyncio.get_running_loop().create_task(self._drain(endpoint, queue))
        self._flushing[endpoint] = task

    async def _drain(self, endpoint: str, queue: RequestQueue) -> None:
        while True:
            registration = self._store.get(endpoint)
            if registration is None or registration.pending:
                return
            if registration.queue_mode and not self._presence.is_awake(endpoint):
                return
            item = queue.pop()
            if item is None:
                return
            try:
                result = await self._run(endpoint, item.request)
            except RequestTimeoutError:
                queue.push_front(item)
                self._presence.asleep(endpoint)
                return
            except Exception as error:
                _settle(item, error=error)
            else:
                _settle(item, result=result)
            if item.future is None:  # an imported request: nobody's finally announces it
                self._emit(QueueChanged(endpoint))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def raw(self, endpoint: str, code: Code, path: Path, **options: Any) -> aiocoap.Message:
        """One CoAP request, its response whatever its code (see ``LwM2MServer.request_raw``)."""
        link = self.link(endpoint)
        message = self._exchanger.message(link, code, path, **options)
        exchange = await self._exchanger.send(link, message, path, blockwise=False)
        return exchange.response

    # --- observations -------------------------------------------------------------------

    async def cancel_observation(
        self, endpoint: str, target: ObservationTarget, active: bool
    ) -> None:
        """Forget an observation (passive), or tell the device too (active)."""
        memory = self._formats.get(endpoint)
        if (
            target.composite
            and memory is not None
            and memory.no_composite
            and not self.observations.knows(endpoint, target)
        ):
            for path in target.paths:  # observed one by one (see _observe_each)
                await self.cancel_observation(endpoint, ObservationTarget((path,)), active)
            return
        if active and self.observations.token(endpoint, target) is not None:
            request = DeviceRequest(
                Operation.CANCEL_OBSERVATION,
                target.path,
                paths=target.paths if target.composite else (),
                active=True,
            )
            await self.submit(endpoint, request)
        else:
            self.observations.stop(endpoint, target, forget=True)

    def is_observed(self, endpoint: str, path: Path) -> bool:
        return any(
            observed.is_prefix_of(path)
            for target in self.observations.remembered(endpoint)
            for observed in target.paths
        )

    # --- queue persistence ------------------------------------------------------------

    def export_queue(self) -> dict[str, list[dict[str, Any]]]:
        return {
            endpoint: [item.request.to_dict() for item in queue if not item.abandoned]
            for endpoint, queue in self._queues.items()
            if len(queue)
        }

    def import_queue(self, data: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        for endpoint, requests in data.items():
            queue = self._queue(endpoint)
            for entry in requests:
                queue.push(QueuedRequest(DeviceRequest.from_dict(entry)))
            self._flush(endpoint)

    # --- the queue as installers see it ------------------------------------------------

    def is_awake(self, endpoint: str) -> bool:
        return self._presence.is_awake(endpoint)

    def queued_requests(self, endpoint: str) -> list[QueuedRequestInfo]:
        queue = self._queues.get(endpoint)
        if queue is None:
            return []
        return [QueuedRequestInfo.of(item) for item in queue if not item.abandoned]

    def cancel_queued(self, endpoint: str, request_id: int) -> bool:
        queue = self._queues.get(endpoint)
        item = None if queue is None else queue.find(request_id)
        if queue is None or item is None or item.abandoned:
            return False
        queue.discard(item)
        if item.future is None:
            self._emit(QueueChanged(endpoint))
        else:
            item.future.set_exception(RequestCancelledError(endpoint, item.request.path))
        return True


def _target_of(request: DeviceRequest) -> ObservationTarget:
    if request.paths:
        return ObservationTarget(request.paths, composite=True)
    return ObservationTarget((request.path,))


def _settle(item: QueuedRequest, *, result: Any = None, error: Exception | None = None) -> None:
    future = item.future
    if future is None:
        if error is not None:
            _LOGGER.warning(
                "queued %s on %s failed: %s", item.request.operation.value, item.request.path, error
            )
        return
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
