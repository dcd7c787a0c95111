"""SimulatedDevice: an LwM2M client on one UDP socket, for tests, benchmarks and demos."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, ObjectLookup, ObjectRegistry, Path
from custom_components.lwm2m.engine.codec import TimedValue

from . import behaviours
from .accounts import SECURITY_OBJECT, ServerAccount, bootstrap_account, server_accounts
from .attributes import AttributeStore
from .bootstrap import BOOTSTRAP_PATH, BootstrapSession
from .defaults import DEFAULT_PMIN, SERVER_OBJECT, default_objects
from .faults import Faults
from .firmware import RESULT_CONNECTION_LOST, FirmwareUpdate
from .formats import FormatPolicy
from .inbound import refuses_accept
from .objects import DeviceObject, Instance, ObjectStore
from .observation import Observations
from .quirks import Quirks
from .records import RequestLog, RequestPredicate, RequestRecord
from .registration import registration_links, registration_query, update_query
from .secure import SecureChannel
from .send import send_payload
from .site import DeviceSite, request_record
from .state import ClientState
from .transport import DeviceTransport
from .waiting import Changes

STOP_GRACE = 2.0  # seconds a stopping device lets its background requests finish
_LOGGER = logging.getLogger(__name__)
_ROOT = Path()
_UPDATE_SHARE_OF_LIFETIME = 0.8


class RegistrationError(Exception):
    """The server refused a registration request (or did not answer it)."""


class BootstrapError(Exception):
    """The bootstrap server refused the Bootstrap-Request or did not finish in time."""


class SimulatedDevice:
    """An LwM2M client: registers, answers the server's requests, notifies, sends.

    ``objects`` defaults to :func:`default_objects`. With ``auto_update`` the device sends
    a registration update after 80 % of its lifetime, as clients do; turn it off to
    let a registration expire. In queue mode ``awake_time`` makes the device fall asleep
    that many seconds after its last exchange with the server.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        lwm2m_version: str = "1.1",
        binding: str = "U",
        lifetime: int = 300,
        queue_mode: bool = False,
        objects: Iterable[DeviceObject] | None = None,
        quirks: Quirks | None = None,
        registry: ObjectLookup | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        awake_time: float | None = None,
        auto_update: bool = True,
    ) -> None:
        self.endpoint = endpoint
        self.lwm2m_version = lwm2m_version
        self.binding = binding
        self.lifetime = lifetime
        self.queue_mode = queue_mode
        self.quirks = quirks if quirks is not None else Quirks()
        self.registry: ObjectLookup = registry if registry is not None else ObjectRegistry.default()
        if objects is None:
            objects = default_objects(
                lwm2m_version,
                lifetime=lifetime,
                binding=binding,
                serial_number=f"SN-{endpoint}",
                model=self.registry,
            )
        self.host = host
        self.port = port
        self.awake_time = awake_time
        self.auto_update = auto_update
        self.store = ObjectStore(objects, self.registry)
        self.attributes = AttributeStore()
        self.changes = Changes()
        self.observations = Observations(on_change=self.changes.happened)
        self.state = ClientState(
            self.store,
            self.attributes,
            FormatPolicy(self.quirks, lwm2m_version),
            changed=self._written,
            executed=self._executed,
            deleted=self._deleted,
            created=self._created,
        )
        self.firmware = FirmwareUpdate(
            self._stored_value,
            self.set_value,
            fetch=self._fetch,
            changed=self.changes.happened,
            keeps_version=self.quirks.firmware_keeps_version,
        )
        self.log = RequestLog()
        self.executed: list[tuple[Path, str]] = []
        self.dropped: list[RequestRecord] = []
        self.faults = Faults()
        self.server: tuple[str, int] | None = None
        self.server_scheme = "coap"
        self.location: str | None = None
        self.asleep = False
        self._transport: DeviceTransport | None = None
        self._site: DeviceSite | None = None
        self._secure: SecureChannel | None = None
        self._bootstrap_session: BootstrapSession | None = None
        self._bootstrap_server: tuple[str, int] | None = None
        self._updater: asyncio.Task[None] | None = None
        self._sleep_timer: asyncio.TimerHandle | None = None
        self._background: set[asyncio.Task[Any]] = set()

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the device's UDP socket."""
        if self._transport is not None:
            return
        site = DeviceSite(
            self.state,
            self.observations,
            record=self._received,
            awake=lambda: not self.asleep,
            default_periods=self._default_periods,
            faults=self.faults,
            bootstrap=lambda: self._bootstrap_session,
        )
        self._site = site
        self._transport = await DeviceTransport.open(site, self.host, self.port, self._drops)

    async def stop(self) -> None:
        """Close the socket; observations end without a word to the server."""
        self._cancel_timers()
        running = [task for task in self._background if not task.done()]
        if running:  # an Update under way ends first: aiocoap cannot close around a cancelled one
            await asyncio.wait(running, timeout=STOP_GRACE)
        background = list(self._background)
        for task in background:
            task.cancel()
        # Cancelled requests must drop their interest in a response before aiocoap shuts
        # down, or it tries to fail their (cancelled) response futures.
        await asyncio.gather(*background, return_exceptions=True)
        await asyncio.sleep(0)
        if self._transport is not None:
            self.observations.end_all(silently=True)
            transport, self._transport = self._transport, None
            await transport.close()
        if self._secure is not None:
            secure, self._secure = self._secure, None
            await secure.close()

    async def reboot(self, *, firmware_result: int = RESULT_CONNECTION_LOST) -> None:
        """Power-cycle: the socket closes without a word, a firmware download in progress
        is lost (idle, Update Result ``firmware_result``), then the device comes back on
        a new port and registers again with the server it had."""
        server = self.server
        await self.stop()
        self.firmware.power_cycle(firmware_result)
        self.location = None
        self.asleep = False
        await self.start()
        if server is not None:
            await self.register(server)

    @property
    def transport(self) -> DeviceTransport:
        if self._transport is None:
            raise RuntimeError("the device is not started: await device.start() first")
        return self._transport

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the device sends from and listens on."""
        return self.transport.address

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request the server sent that the device took in, in order."""
        return self.log.records

    @property
    def registered(self) -> bool:
        return self.location is not None

    # --- registration --------------------------------------------------------------------

    async def register(self, server: tuple[str, int], *, scheme: str = "coap") -> str:
        """Register with the server at (host, port); returns the location (``rd/5a3f``).

        With ``scheme="coaps"`` the device registers over DTLS, with the PSK it was
        given for that server (see :meth:`register_from_bootstrap`).
        """
        self.server = server
        self.server_scheme = scheme
        self._awaken()
        query = registration_query(
            self.endpoint,
            lifetime=self.lifetime,
            lwm2m_version=self.lwm2m_version,
            binding=self.binding,
            queue_mode=self.queue_mode,
            quirks=self.quirks,
        )
        request = self._registration_message(Code.POST, ("rd",), query, self._links())
        response = await self._request(request)
        if response.code != Code.CREATED or not response.opt.location_path:
            raise RegistrationError(
                f"{self.endpoint}: Register answered {response.code} {response.payload!r}"
            )
        self.location = "/".join(response.opt.location_path)
        self._schedule_update()
        self._stay_awake()
        return self.location

    async def update(
        self,
        *,
        lifetime: int | None = None,
        binding: str | None = None,
        send_objects: bool = False,
        new_socket: bool = False,
    ) -> Code:
        """Registration Update; re-registers when the server no longer knows the device.

        ``new_socket`` first moves the device to a new source port, as a NAT rebinding
        does. Returns the final response code.
        """
        if self.location is None or self.server is None:
            raise RegistrationError(f"{self.endpoint}: not registered")
        was_asleep = self._awaken()
        if new_socket:
            await self.transport.rebind()
        if lifetime is not None:
            self.lifetime = lifetime
        if binding is not None:
            self.binding = binding
        payload = self._links() if send_objects else None
        segments = tuple(self.location.split("/"))
        request = self._registration_message(
            Code.POST, segments, update_query(lifetime, binding), payload
        )
        response = await self._request(request)
        if response.code == Code.NOT_FOUND:
            _LOGGER.info("%s: the server forgot the registration; registering again", self.endpoint)
            await self.register(self.server)
            return Code.CREATED
        if not response.code.is_successful():
            raise RegistrationError(f"{self.endpoint}: Update answered {response.code}")
        self._schedule_update()
        self._stay_awake()
        if was_asleep:
            self.observations.wake()
        return Code(response.code)

    async def deregister(self) -> Code:
        """De-register; observations are forgotten, as a client does."""
        if self.location is None or self.server is None:
            raise RegistrationError(f"{self.endpoint}: not registered")
        if self._updater is not None:
            self._updater.cancel()
            self._updater = None
        self._awaken()
        segments = tuple(self.location.split("/"))
        response = await self._request(self._registration_message(Code.DELETE, segments, [], None))
        self.location = None
        self.observations.end_all(silently=True)
        return Code(response.code)

    def _links(self) -> bytes:
        text = registration_links(
            self.store.objects.values(), lwm2m_version=self.lwm2m_version, quirks=self.quirks
        )
        return text.encode("utf-8")

    def _registration_message(
        self, code: Code, segments: tuple[str, ...], query: list[str], payload: bytes | None
    ) -> Message:
        message = self._server_message(code, segments)
        message.opt.uri_query = tuple(query)
        if payload is not None:
            message.payload = payload
            if self.quirks.registration_content_format:
                message.opt.content_format = ContentFormat.LINK_FORMAT
        return message

    def _server_message(self, code: Code, segments: tuple[str, ...]) -> Message:
        if self.server is None:
            raise RegistrationError(f"{self.endpoint}: no server to talk to")
        return _message_to(self.server_scheme, self.server, code, segments)

    async def _request(self, message: Message) -> Message:
        if message.requested_scheme == "coaps":
            return await (await self._secure_channel()).request(message)
        return await self.transport.request(message)

    async def _secure_channel(self) -> SecureChannel:
        if self._secure is None:
            if self._site is None:
                raise RuntimeError("the device is not started: await device.start() first")
            self._secure = await SecureChannel.open(self._site, self._drops)
        return self._secure

    # --- bootstrap -----------------------------------------------------------------------

    async def bootstrap(
        self,
        server: tuple[str, int],
        *,
        psk: tuple[str | bytes, bytes] | None = None,
        pct: int | None = None,
        timeout: float = 30,  # noqa: ASYNC109  (the public API takes a timeout)
    ) -> None:
        """Client-initiated bootstrap with the bootstrap server at (host, port).

        The device's bootstrap account (Security instance
        ``quirks.bootstrap_account_instance``) is set to that server first: coaps://
        with ``psk`` = (identity, key), else coap://. ``pct`` is the content format
        the device asks the server to write in. Returns once the server has sent
        Bootstrap-Finish; :meth:`register_from_bootstrap` then uses what it wrote.
        """
        scheme = "coap" if psk is None else "coaps"
        secret = None
        if psk is not None:
            identity, key = psk
            secret = (identity.encode("utf-8") if isinstance(identity, str) else identity, key)
            (await self._secure_channel()).add_psk(*server, *secret)
        uri = _server_uri(scheme, server)
        self.store.objects.setdefault(SECURITY_OBJECT, DeviceObject(SECURITY_OBJECT))
        self.store.objects[SECURITY_OBJECT].instances[self.quirks.bootstrap_account_instance] = (
            bootstrap_account(uri, secret)
        )
        session = self._bootstrap_session = BootstrapSession(self.state)
        self._awaken()
        try:
            message = _message_to(scheme, server, Code.POST, BOOTSTRAP_PATH)
            query = [f"ep={self.endpoint}"] + ([] if pct is None else [f"pct={pct}"])
            message.opt.uri_query = tuple(query)
            response = await self._request(message)
            if response.code != Code.CHANGED:
                raise BootstrapError(
                    f"{self.endpoint}: Bootstrap-Request answered {response.code} "
                    f"{bytes(response.payload).decode('utf-8', 'replace')}"
                )
            try:
                async with asyncio.timeout(timeout):
                    await session.finished
            except TimeoutError:
                raise BootstrapError(f"{self.endpoint}: no Bootstrap-Finish in time") from None
        finally:
            self._bootstrap_session = None
            if psk is not None:
                self._bootstrap_server = server

    @property
    def server_accounts(self) -> list[ServerAccount]:
        """The LwM2M server accounts the device holds (after a bootstrap, say)."""
        return server_accounts(self.store)

    def instances(self, object_id: int) -> dict[int, Instance]:
        """A copy of an object's instances: ``{instance id: {resource id: value}}``."""
        obj = self.store.objects.get(object_id)
        return {} if obj is None else obj.copy().instances

    async def register_from_bootstrap(self) -> str:
        """Register with the first LwM2M server account, in its terms.

        Lifetime and binding come from its Server instance ("UQ" means queue mode);
        an account in PSK mode registers over DTLS with its identity and key. The DTLS
        session to the bootstrap server, if any, is closed first.
        """
        accounts = [a for a in self.server_accounts if a.server_instance is not None]
        if not accounts:
            raise RegistrationError(f"{self.endpoint}: no LwM2M server account to register with")
        account = accounts[0]
        scheme, host, port = account.address
        if self._secure is not None and self._bootstrap_server is not None:
            self._secure.end_session(*self._bootstrap_server)  # done with the bootstrap server
            self._bootstrap_server = None
        if account.uses_psk:
            (await self._secure_channel()).add_psk(host, port, account.identity, account.secret_key)
        if account.lifetime is not None:
            self.lifetime = account.lifetime
        if account.binding is not None:
            self.queue_mode = "Q" in account.binding
            legacy = self.lwm2m_version == "1.0"
            self.binding = account.binding if legacy else account.binding.replace("Q", "") or "U"
        return await self.register((host, port), scheme=scheme)

    async def _fetch(self, message: Message) -> Message:
        """One request the device makes on its own (a firmware block), not block-wise."""
        return await self.transport.request(message, blockwise=False)

    # --- automatic updates and queue mode ------------------------------------------------

    def _schedule_update(self) -> None:
        if not self.auto_update:
            return
        if self._updater is not None and self._updater is not asyncio.current_task():
            self._updater.cancel()
        delay = max(1.0, self.lifetime * _UPDATE_SHARE_OF_LIFETIME)
        self._updater = asyncio.get_running_loop().create_task(self._update_later(delay))

    async def _update_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            if self.asleep:
                await self.wake()
            else:
                await self.update()
        except Exception as err:  # aiocoap reports network failures with its own types
            _LOGGER.warning("%s: registration update failed: %s", self.endpoint, err)
            self._schedule_update()

    async def sleep(self) -> None:
        """Fall asleep: every incoming datagram is dropped unanswered until :meth:`wake`."""
        if self._sleep_timer is not None:
            self._sleep_timer.cancel()
            self._sleep_timer = None
        self.asleep = True
        self.changes.happened()

    async def wake(self) -> None:
        """Wake up: send a registration update, then answer again and flush notifications."""
        self._awaken()
        if self.registered:
            await self.update()
        self.observations.wake()
        self._stay_awake()

    def _awaken(self) -> bool:
        """A device that talks is awake; returns whether it was asleep."""
        was_asleep = self.asleep
        if was_asleep:
            self.asleep = False
            self.changes.happened()
        return was_asleep

    def _stay_awake(self) -> None:
        """Restart the awake window (queue mode with ``awake_time`` only)."""
        if not self.queue_mode or self.awake_time is None or self.asleep:
            return
        if self._sleep_timer is not None:
            self._sleep_timer.cancel()
        self._sleep_timer = asyncio.get_running_loop().call_later(
            self.awake_time, self._fall_asleep
        )

    def _fall_asleep(self) -> None:
        self._sleep_timer = None
        self.asleep = True
        self.changes.happened()

    def _cancel_timers(self) -> None:
        self.firmware.close()
        if self._updater is not None:
            self._updater.cancel()
            self._updater = None
        if self._sleep_timer is not None:
            self._sleep_timer.cancel()
            self._sleep_timer = None

    # --- incoming requests ---------------------------------------------------------------

    def _drops(self, message: Message) -> bool:
        if self.asleep:
            if message.code.is_request():
                self._drop(message)
            return True
        if message.code in (Code.GET, Code.FETCH) and refuses_accept(self.state, message):
            self._drop(message)
            return True
        return False

    def _drop(self, message: Message) -> None:
        self.dropped.append(request_record(message))
        self.changes.happened()

    def _received(self, record: RequestRecord) -> None:
        self.log.add(record)
        self._stay_awake()

    async def wait_for_request(
        self,
        predicate: RequestPredicate,
        timeout: float = 5,  # noqa: ASYNC109  (the public API takes a timeout)
        *,
        since: int = 0,
    ) -> RequestRecord:
        """The first request (from index ``since``) matching ``predicate``, awaited."""
        return await self.log.wait_for(predicate, timeout, since=since)

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5,  # noqa: ASYNC109  (the public API takes a timeout)
    ) -> None:
        """Await a condition on the device's state (asleep, dropped, observations, ...)."""
        await self.changes.wait_until(condition, timeout)

    def _default_periods(self) -> tuple[int, int | None]:
        """Default pmin and pmax from the first Server object instance."""
        server = self.store.objects.get(SERVER_OBJECT)
        if server is None or not server.instances:
            return DEFAULT_PMIN, None
        instance = server.instances[min(server.instances)]
        pmin, pmax = instance.get(2), instance.get(3)
        return (
            pmin if isinstance(pmin, int) and pmin >= 0 else DEFAULT_PMIN,
            pmax if isinstance(pmax, int) and pmax > 0 else None,
        )

    # --- state changes -------------------------------------------------------------------

    def set_value(self, path: Path, value: Any) -> None:
        """Change a resource (a mapping for a multiple one) or resource instance; notifies."""
        self.store.set(path, value)
        self._changed([path])

    def value(self, path: Path) -> Any:
        return self.store.value(path)

    def _stored_value(self, path: Path) -> Any:
        return self.store.value(path) if self.store.exists(path) else None

    def _changed(self, paths: list[Path]) -> None:
        changed = list(paths)
        for path in paths:
            changed += behaviours.follow_sensor_value(self.store, path)
            if behaviours.is_server_lifetime(path) and self.registered:
                lifetime = self.store.resource(path.resource_path())
                if isinstance(lifetime, int) and lifetime != self.lifetime:
                    self._in_background(self.update(lifetime=lifetime))
        self.observations.changed(changed)
        self.changes.happened()

    def _executed(self, path: Path, arguments: str) -> None:
        self.executed.append((path, arguments))
        if behaviours.is_update_trigger(path) and self.registered:
            self._in_background(self.update())
        changed = behaviours.reset_min_max(self.store, path)
        if changed:
            self.observations.changed(changed)
        self.firmware.executed(path)

    def _written(self, paths: list[Path]) -> None:
        """Changes the server made: the firmware update reacts to its own resources."""
        self._changed(paths)
        for path in paths:
            self.firmware.written(path)

    def _deleted(self, path: Path) -> None:
        self.observations.changed([path])
        self._announce_objects()

    def _created(self, path: Path) -> None:
        self._announce_objects()

    def _announce_objects(self) -> None:
        """Instances came or went: an Update tells the server the new object links
        (LwM2M 1.1 Core, 6.2.2)."""
        if self.registered:
            self._in_background(self.update(send_objects=True))

    def _in_background(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # --- Send ----------------------------------------------------------------------------

    async def send(
        self,
        paths: Iterable[Path] = (),
        fmt: int = ContentFormat.SENML_CBOR,
        *,
        history: Iterable[TimedValue] = (),
    ) -> Code:
        """LwM2M Send (POST /dp): the current values under ``paths``, after ``history``.

        ``history`` holds earlier values with their times (several per path allowed);
        LwM2M CBOR carries no times. Returns the response code.
        """
        content_format = ContentFormat(fmt)
        payload = send_payload(
            self.store, content_format, paths, history, self.quirks.senml_base_name
        )
        self._awaken()
        message = self._server_message(Code.POST, ("dp",))
        message.payload = payload
        message.opt.content_format = content_format
        response = await self._request(message)
        return Code(response.code)


def _server_uri(scheme: str, server: tuple[str, int]) -> str:
    host, port = server
    authority = f"[{host}]" if ":" in host else host
    return f"{scheme}://{authority}:{port}"


def _message_to(
    scheme: str, server: tuple[str, int], code: Code, segments: tuple[str, ...]
) -> Message:
    message = Message(code=code, uri=_server_uri(scheme, server))
    message.opt.uri_path = segments
    return message
