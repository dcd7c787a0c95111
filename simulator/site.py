"""The device's CoAP face: one aiocoap resource that answers every request of the server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code
from aiocoap.resource import Resource

from custom_components.lwm2m.engine import ContentFormat, Path, ResourceType

from . import composite, dispatch
from .attributes import Attributes
from .bootstrap import BootstrapSession
from .faults import Faults
from .observation import ClientObservation, Observations
from .records import RequestRecord
from .responses import RefusedError
from .state import ClientState


def request_record(request: Message) -> RequestRecord:
    return RequestRecord(
        method=str(request.code),
        path="/" + "/".join(request.opt.uri_path),
        content_format=_optional_int(request.opt.content_format),
        accept=_optional_int(request.opt.accept),
        query=tuple(request.opt.uri_query),
        payload=bytes(request.payload),
        observe=request.opt.observe,
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _no_bootstrap() -> BootstrapSession | None:
    return None


def is_observe_registration(request: Message) -> bool:
    if request.opt.observe != 0:
        return False
    if request.code == Code.FETCH:
        return True
    return bool(request.code == Code.GET and request.opt.accept != ContentFormat.LINK_FORMAT)


class DeviceSite(Resource):  # type: ignore[misc]
    """Renders reads, writes and the rest through :mod:`.dispatch`; runs observations.

    Non-observe requests take aiocoap's usual path (block-wise transfer included);
    Observe registrations keep their request stream open for the notifications.
    ``faults`` answers chosen requests with errors; while ``bootstrap()`` returns a
    session, the bootstrap interface's requests go to it.
    """

    def __init__(
        self,
        state: ClientState,
        observations: Observations,
        *,
        record: Callable[[RequestRecord], None],
        awake: Callable[[], bool],
        default_periods: Callable[[], tuple[int, int | None]],
        faults: Faults | None = None,
        bootstrap: Callable[[], BootstrapSession | None] = _no_bootstrap,
    ) -> None:
        super().__init__()
        self.state = state
        self.observations = observations
        self._record = record
        self._awake = awake
        self._default_periods = default_periods
        self._faults = faults if faults is not None else Faults()
        self._bootstrap = bootstrap

    async def needs_blockwise_assembly(self, request: Message) -> bool:
        return True

    async def render(self, request: Message) -> Message:
        record = request_record(request)
        self._record(record)
        fault = self._faults.take(record)
        if fault is not None:
            return Message(code=fault, payload=b"injected fault")
        session = self._bootstrap()
        answer = None if session is None else session.handle(request)
        if answer is not None:
            return answer
        return dispatch.handle(self.state, request)

    async def render_to_pipe(self, pipe: Any) -> None:
        request: Message = pipe.request
        if str(request.code) in self.state.quirks.unanswered_methods:
            self._record(request_record(request))
            await asyncio.Event().wait()  # aiocoap sends an empty ACK meanwhile
        if is_observe_registration(request):
            await self._observe(pipe, request)
        else:
            await super().render_to_pipe(pipe)

    async def _observe(self, pipe: Any, request: Message) -> None:
        self._record(request_record(request))
        add_response: Callable[..., None] = pipe.add_response
        try:
            paths = self._observed_paths(request)
        except RefusedError as refusal:
            add_response(refusal.to_message(), is_last=True)
            return
        first = dispatch.handle(self.state, request)
        if not first.code.is_successful():
            add_response(first, is_last=True)
            return
        observation = ClientObservation(
            paths,
            render=lambda: dispatch.handle(self.state, request),
            emit=lambda response, is_last: add_response(response, is_last=is_last),
            attributes=lambda: self._attributes(request, paths),
            number=lambda: self._number(paths),
            awake=self._awake,
        )
        observation.start(first)
        self.observations.add(observation)
        try:
            await observation.ended
        finally:
            self.observations.remove(observation)
            observation.close()

    def _observed_paths(self, request: Message) -> list[Path]:
        if request.code == Code.FETCH:
            return composite.requested_paths(
                self.state, request.opt.content_format, bytes(request.payload)
            )
        return [dispatch.request_path(self.state, request.opt.uri_path)]

    def _attributes(self, request: Message, paths: list[Path]) -> Attributes:
        default_pmin, default_pmax = self._default_periods()
        if request.code == Code.FETCH:
            return Attributes(pmin=default_pmin, pmax=default_pmax)
        return self.state.attributes.effective(paths[0], default_pmin, default_pmax)

    def _number(self, paths: list[Path]) -> float | None:
        """The observed value when it is one number (what gt, lt and st compare)."""
        if len(paths) != 1 or len(paths[0]) < 3 or not self.state.store.exists(paths[0]):
            return None
        path = paths[0]
        definition = self.state.store.resource_definition(path)
        if definition is not None and (definition.multiple and path.is_resource):
            return None
        if definition is not None and definition.type not in (
            ResourceType.INTEGER,
            ResourceType.UNSIGNED_INTEGER,
            ResourceType.FLOAT,
        ):
            return None
        value = self.state.store.value(path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)
