"""A tiny LwM2M server stand-in for the simulator's tests: /rd, /dp, and requests out."""

from __future__ import annotations

import asyncio
import itertools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code
from aiocoap.resource import Resource

from simulator import SimulatedDevice
from simulator.transport import open_context


@dataclass
class Arrival:
    """One request the stand-in received: register, update, deregister or send."""

    kind: str
    query: tuple[str, ...]
    payload: bytes
    content_format: int | None
    source: tuple[str, int]
    location: str = ""

    @property
    def query_map(self) -> dict[str, str | None]:
        parsed: dict[str, str | None] = {}
        for item in self.query:
            name, has_value, value = item.partition("=")
            parsed[name] = value if has_value else None
        return parsed


@dataclass
class _Waiter:
    predicate: Callable[[Arrival], bool]
    future: asyncio.Future[Arrival]


class StandInSite(Resource):  # type: ignore[misc]
    """Answers Register (2.01 rd/N), Update (2.04, or 4.04 once forgotten), De-register, Send,
    and Bootstrap-Request (``bootstrap_answer``, 2.04 unless changed)."""

    def __init__(self) -> None:
        super().__init__()
        self.bootstrap_answer = Code.CHANGED
        self.arrivals: list[Arrival] = []
        self.known: set[str] = set()
        self.files: dict[tuple[str, ...], bytes] = {}
        self._numbers = itertools.count(1)
        self._waiters: list[_Waiter] = []

    async def needs_blockwise_assembly(self, request: Message) -> bool:
        return True

    async def render(self, request: Message) -> Message:
        path = request.opt.uri_path
        cf = request.opt.content_format
        arrival = Arrival(
            kind="",
            query=tuple(request.opt.uri_query),
            payload=bytes(request.payload),
            content_format=None if cf is None else int(cf),
            source=_host_port(request.remote.hostinfo),
        )
        response = self._answer(request.code, path, arrival)
        if arrival.kind:
            self._arrived(arrival)
        return response

    def _answer(self, code: Code, path: tuple[str, ...], arrival: Arrival) -> Message:
        if code == Code.GET and path in self.files:
            return Message(code=Code.CONTENT, payload=self.files[path])
        if code == Code.POST and path == ("rd",):
            arrival.kind = "register"
            arrival.location = f"rd/{next(self._numbers)}"
            self.known.add(arrival.location)
            return Message(code=Code.CREATED, location_path=tuple(arrival.location.split("/")))
        location = "/".join(path)
        if code == Code.POST and path[:1] == ("rd",):
            arrival.kind, arrival.location = "update", location
            return Message(code=Code.CHANGED if location in self.known else Code.NOT_FOUND)
        if code == Code.DELETE and path[:1] == ("rd",):
            arrival.kind, arrival.location = "deregister", location
            self.known.discard(location)
            return Message(code=Code.DELETED)
        if code == Code.POST and path == ("dp",):
            arrival.kind = "send"
            return Message(code=Code.CHANGED)
        if code == Code.POST and path == ("bs",):
            arrival.kind = "bootstrap"
            return Message(code=self.bootstrap_answer)
        return Message(code=Code.NOT_FOUND)

    def _arrived(self, arrival: Arrival) -> None:
        self.arrivals.append(arrival)
        for waiter in list(self._waiters):
            if not waiter.future.done() and waiter.predicate(arrival):
                waiter.future.set_result(arrival)
                self._waiters.remove(waiter)

    async def wait_for(self, kind: str, *, since: int = 0, within: float = 5) -> Arrival:
        def matches(arrival: Arrival) -> bool:
            return arrival.kind == kind

        for arrival in self.arrivals[since:]:
            if matches(arrival):
                return arrival
        future: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._waiters.append(_Waiter(matches, future))
        async with asyncio.timeout(within):
            return await future


def _host_port(hostinfo: str) -> tuple[str, int]:
    host, _, port = hostinfo.rpartition(":")
    return host.strip("[]"), int(port)


class ServerStandIn:
    """The stand-in server: its site, its context, and requests aimed at devices."""

    def __init__(self, context: Any, site: StandInSite) -> None:
        self.context = context
        self.site = site

    @classmethod
    async def start(cls) -> ServerStandIn:
        site = StandInSite()
        return cls(await open_context(site), site)

    async def stop(self) -> None:
        await self.context.shutdown()

    @property
    def address(self) -> tuple[str, int]:
        interface = self.context.request_interfaces[0].token_interface.message_interface
        sock = interface.transport.get_extra_info("socket")
        return "127.0.0.1", int(sock.getsockname()[1])

    @property
    def arrivals(self) -> list[Arrival]:
        return self.site.arrivals

    async def wait_for(self, kind: str, *, since: int = 0, within: float = 5) -> Arrival:
        return await self.site.wait_for(kind, since=since, within=within)

    def message(
        self,
        device: SimulatedDevice | tuple[str, int],
        code: Code,
        path: str,
        *,
        accept: int | None = None,
        content_format: int | None = None,
        payload: bytes = b"",
        query: tuple[str, ...] = (),
        observe: int | None = None,
    ) -> Message:
        host, port = device.address if isinstance(device, SimulatedDevice) else device
        message = Message(code=code, uri=f"coap://{host}:{port}")
        message.opt.uri_path = tuple(segment for segment in path.split("/") if segment)
        message.opt.uri_query = query
        message.payload = payload
        if accept is not None:
            message.opt.accept = accept
        if content_format is not None:
            message.opt.content_format = content_format
        if observe is not None:
            message.opt.observe = observe
        return message

    async def request(
        self, device: SimulatedDevice | tuple[str, int], code: Code, path: str, **options: Any
    ) -> Message:
        message = self.message(device, code, path, **options)
        response: Message = await self.context.request(message).response
        return response

    async def observe(
        self, device: SimulatedDevice | tuple[str, int], path: str, **options: Any
    ) -> Observer:
        message = self.message(device, options.pop("code", Code.GET), path, observe=0, **options)
        request = self.context.request(message)
        first: Message = await request.response
        return Observer(request, first)


class Observer:
    """Every notification of one observation, in arrival order (none is skipped)."""

    def __init__(self, request: Any, first: Message) -> None:
        self.request = request
        self.first = first
        self.notifications: list[Message] = []
        self.ended = False
        self._changed = asyncio.Event()
        if request.observation is None or first.opt.observe is None:
            self.ended = True
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            request.observation.register_callback(self._notified)
            request.observation.register_errback(self._failed)

    def _notified(self, message: Message) -> None:
        self.notifications.append(message)
        self._changed.set()

    def _failed(self, error: Exception) -> None:
        self.ended = True
        self._changed.set()

    async def wait_for_count(self, count: int, within: float = 5) -> list[Message]:
        async with asyncio.timeout(within):
            while len(self.notifications) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.notifications

    async def wait_for_end(self, within: float = 5) -> None:
        async with asyncio.timeout(within):
            while not self.ended:
                self._changed.clear()
                await self._changed.wait()

    def cancel(self) -> None:
        """Forget the observation locally: the next CON notification is answered with RST."""
        self.request.observation.cancel()
