"""The bridge: engine events to devices, entities and states; entity and action requests to
the engine."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_point_in_utc_time

from .concurrent_steps import all_succeed, run_together
from .const import (
    ATTR_DEVICE_ID,
    ATTR_ENDPOINT,
    ATTR_REASON,
    DOMAIN,
    EVENT_DEREGISTERED,
    EVENT_REGISTERED,
    LOGGER,
)
from .descriptions import Role
from .device_lookup import endpoint_device
from .device_protocols.alarms import AlarmTracker
from .device_state import DeviceState, registration_summary
from .discovery import (
    AutoObserve,
    EntityTarget,
    device_observations,
    device_targets,
    instance_paths,
)
from .engine import (
    Asleep,
    Awake,
    Deregistered,
    DeviceCredentials,
    Expired,
    FirmwareUpdateFinished,
    LwM2MEngine,
    LwM2MError,
    LwM2MEvent,
    LwM2MServer,
    NotificationReceived,
    ObjectRegistry,
    Path,
    QueueChanged,
    Registered,
    Registration,
    RequestTimeoutError,
    Revoked,
    SecurityMode,
    SendReceived,
    Updated,
)
from .entity_links import EntityLinks
from .signals import (
    signal_new_entities,
    signal_received,
)
from .stale_entities import remove_untouched_leftovers
from .storage import LwM2MStorage
from .value_listeners import ValueListeners
from .values.credentials import without_credentials
from .values.device_identity import IDENTITY_PATHS, registry_fields

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

DEVICE_OBJECT = Path.of(3, 0)
FIRMWARE_OBJECT = Path.of(5, 0)
# Devices read and observed at the same time after registering. Without a bound, a
# registration storm (a site's devices back after a power cut) has the server send
# reads to every device at once; the answers then queue behind each other, requests
# time out, retransmissions add to the load, and registrations wait longer than the
# devices' own retransmissions last. Queue-mode devices are not counted: their
# requests may wait for the next wake-up.
SYNC_CONCURRENCY = 16


class LwM2MHub:
    """Keeps Home Assistant's view of every LwM2M device in step with the engine."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        storage: LwM2MStorage,
        object_registry: ObjectRegistry,
        engine: LwM2MEngine,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.storage = storage
        self.object_registry = object_registry
        self.engine = engine
        self.devices: dict[str, DeviceState] = {}
        self.targets: dict[str, dict[str, EntityTarget]] = {}
        self.observed: dict[str, dict[Path, AutoObserve]] = defaultdict(dict)
        self._sync_tasks: dict[str, asyncio.Task[None]] = {}
        self._presumption_timers: dict[str, CALLBACK_TYPE] = {}
        self._pending_logged: set[str] = set()
        self._unsaved: set[str] = set()  # devices whose stored form lags behind
        self._sync_slots = asyncio.Semaphore(SYNC_CONCURRENCY)
        self.value_listeners = ValueListeners()
        self.entity_links = EntityLinks(hass)
        self._alarms: dict[tuple[str, Path], _ResourceAlarm] = {}
        storage.before_devices_save = self._write_back

    @property
    def server(self) -> LwM2MServer:
        return self.engine.server

    # Lifecycle

    @callback
    def restore_known_devices(self) -> None:
        """Devices and entities from the last run, before any device speaks.

        A device whose registration lifetime had not run out yet is presumed registered
        (its entities show their last values) until that lifetime ends without news.
        """
        now = time.time()
        for endpoint, known in self.storage.devices.items():
            state = DeviceState.from_known(known)
            self.devices[endpoint] = state
            self._ensure_device(state)
            self._refresh_targets(endpoint)
            expires_at = _expiry(state.summary)
            if expires_at is not None and expires_at > now:
                state.available = True
                state.expires_at = expires_at
                self._presumption_timers[endpoint] = async_track_point_in_utc_time(
                    self.hass,
                    self._presumption_ended_callback(endpoint),
                    datetime.fromtimestamp(expires_at, UTC),
                )

    async def async_start(self) -> None:
        """Listen to the engine and start its server (after the platforms are set up)."""
        self.entry.async_on_unload(self.server.add_listener(self.handle_event))
        if self.storage.queue:
            self.server.import_queue(self.storage.queue)
        await self.server.start()

    async def async_stop(self) -> None:
        """Stop the server; keep queued requests and the devices' last values."""
        for cancel in self._presumption_timers.values():
            cancel()
        self._presumption_timers.clear()
        for task in self._sync_tasks.values():
            task.cancel()
        self._sync_tasks.clear()
        await self.storage.async_save_queue(self.server.export_queue())
        await self.server.stop()
        for endpoint, state in self.devices.items():
            self.storage.devices[endpoint] = state.to_known()
        await self.storage.async_save_devices()

    # Queries for entities and actions

    def is_available(self, endpoint: str) -> bool:
        state = self.devices.get(endpoint)
        return state is not None and state.available

    def value(self, endpoint: str, path: Path) -> Any:
        state = self.devices.get(endpoint)
        return None if state is None else state.value(path)

    def resource_instances(self, endpoint: str, path: Path) -> dict[int, Any]:
        state = self.devices.get(endpoint)
        return {} if state is None else state.resource_instances(path)

    def resource_value(self, endpoint: str, path: Path, *, multiple: bool) -> Any:
        """The resource's value; for a multiple resource, its lowest instance's."""
        if multiple:
            instances = self.resource_instances(endpoint, path)
            return instances[min(instances)] if instances else None
        return self.value(endpoint, path)

    def alarm_tracker(self, endpoint: str, path: Path) -> AlarmTracker:
        """The one tracker of the resource's alarm, which its binary sensor and its event
        entity both read; the hub feeds it every value the device reports."""
        return self._alarms[endpoint, path].tracker

    def targets_for(self, platform: str) -> list[EntityTarget]:
        return [
            target
            for targets in self.targets.values()
            for target in targets.values()
            if target.platform == platform
        ]

    def device_id(self, endpoint: str) -> str | None:
        device = endpoint_device(self.hass, self.entry.entry_id, endpoint)
        return None if device is None else device.id

    def pending_endpoints(self) -> list[str]:
        return sorted(
            endpoint
            for endpoint, registration in self.server.registrations.items()
            if registration.pending
        )

    # Engine events

    @callback
    def handle_event(self, event: LwM2MEvent) -> None:
        match event:
            case Registered(registration=registration):
                self._on_registered(registration)
            case Updated(registration=registration, changed=changed):
                self._on_updated(registration, changed)
            case Revoked():
                self._on_gone(event.endpoint, "credentials revoked")
            case Deregistered():
                self._on_gone(event.endpoint, "deregistered")
            case Expired():
                self._on_gone(event.endpoint, "expired")
            case NotificationReceived(values=values) | SendReceived(values=values):
                self.apply_values(event.endpoint, values)
            case FirmwareUpdateFinished():
                self.entry.async_create_background_task(
                    self.hass,
                    self.async_read_versions(event.endpoint),
                    f"{DOMAIN} versions {event.endpoint}",
                )
            case QueueChanged():
                self.storage.schedule_save_queue(self.server.export_queue)
            case Asleep() | Awake():
                LOGGER.debug("%s is %s", event.endpoint, type(event).__name__.lower())

    @callback
    def _on_registered(self, registration: Registration) -> None:
        endpoint = registration.endpoint
        if registration.pending:
            if endpoint not in self._pending_logged:
                self._pending_logged.add(endpoint)
                LOGGER.info(
                    "Unknown device %s waits to be accepted (integration options)", endpoint
                )
            return
        self._pending_logged.discard(endpoint)
        state = self.devices.setdefault(endpoint, DeviceState(endpoint))
        self._stop_presuming(endpoint)
        if state.away_logged:
            LOGGER.info("%s is back", endpoint)
        elif state.registration is None:
            LOGGER.info(
                "%s registered: LwM2M %s, %d objects, lifetime %d s, over %s",
                endpoint,
                registration.lwm2m_version,
                len(registration.object_ids),
                registration.lifetime,
                "DTLS" if registration.secure else "plain CoAP",
            )
        else:
            LOGGER.debug("%s registered again", endpoint)
        state.away_logged = False
        state.registration = registration
        state.available = True
        self._take_registration(state, registration)
        device_id = self._ensure_device(state)
        self._refresh_targets(endpoint)
        self.entity_links.availability_changed(endpoint)
        self.hass.bus.async_fire(
            EVENT_REGISTERED, {ATTR_DEVICE_ID: device_id, ATTR_ENDPOINT: endpoint}
        )
        self._start_sync(endpoint)

    @callback
    def _on_updated(self, registration: Registration, changed: frozenset[str]) -> None:
        if registration.pending:
            return
        state = self.devices.get(registration.endpoint)
        if state is None or state.registration is None:
            # An accepted pending device, or one the hub missed: it is registered now.
            self._on_registered(registration)
            return
        state.registration = registration
        self._take_registration(state, registration)
        if "objects" in changed:
            self._refresh_targets(registration.endpoint)
            self._start_sync(registration.endpoint)

    @callback
    def _on_gone(self, endpoint: str, reason: str) -> None:
        self._pending_logged.discard(endpoint)
        state = self.devices.get(endpoint)
        if state is None or (state.registration is None and not state.available):
            return
        state.registration = None
        state.available = False
        self._stop_presuming(endpoint)
        if not state.away_logged:
            LOGGER.info("%s is unavailable: %s", endpoint, reason)
            state.away_logged = True
        task = self._sync_tasks.pop(endpoint, None)
        if task is not None:
            task.cancel()
        self.observed.pop(endpoint, None)
        state.summary["registered"] = False
        self._remember(state)
        self.entity_links.availability_changed(endpoint)
        self.hass.bus.async_fire(
            EVENT_DEREGISTERED,
            {
                ATTR_DEVICE_ID: self.device_id(endpoint),
                ATTR_ENDPOINT: endpoint,
                ATTR_REASON: reason,
            },
        )

    @callback
    def apply_values(
        self, endpoint: str, values: Mapping[Path, Any], *, from_device: bool = True
    ) -> None:
        """New values from a response, notification or Send (or values Home Assistant
        wrote, ``from_device=False``): states follow; reported values reach the event
        and alarm entities even when unchanged."""
        state = self.devices.get(endpoint)
        if state is None:
            return
        values = without_credentials(values)
        changed = state.merge(values)
        if changed:
            if changed & IDENTITY_PATHS:
                self._ensure_device(state)
            self._remember(state)
            self.value_listeners.notify(endpoint, changed)
        if from_device:
            received = {path.resource_path() for path in values if len(path.ids) >= 3}
            for path in received:
                alarm = self._alarms.get((endpoint, path))
                if alarm is not None:
                    value = self.resource_value(endpoint, path, multiple=alarm.multiple)
                    alarm.tracker.update(value)
            if received:
                async_dispatcher_send(
                    self.hass, signal_received(self.entry.entry_id, endpoint), received
                )

    # Reads and observations after registration

    def _start_sync(self, endpoint: str) -> None:
        previous = self._sync_tasks.pop(endpoint, None)
        if previous is not None:
            previous.cancel()
        self._sync_tasks[endpoint] = self.entry.async_create_background_task(
            self.hass, self._async_sync(endpoint), f"{DOMAIN} sync {endpoint}"
        )

    async def _async_sync(self, endpoint: str) -> None:
        """Read the device's identity and entity values, then set up its observations.

        A read that times out ends the sync: a device that did not answer one request
        through all of CoAP's retransmissions will not answer the next ones either.
        """
        state = self.devices[endpoint]
        queue_mode = state.registration is not None and state.registration.queue_mode
        async with contextlib.nullcontext() if queue_mode else self._sync_slots:
            wanted = {target.path.parent for target in self.targets.get(endpoint, {}).values()}
            instances = [path for path in instance_paths(state.objects) if path in wanted]
            if DEVICE_OBJECT in state.objects and DEVICE_OBJECT not in instances:
                instances.insert(0, DEVICE_OBJECT)
            instances.sort(key=lambda path: path != DEVICE_OBJECT)
            # The first read alone: it settles the content format the others then use.
            if instances and not await self._async_read_quietly(endpoint, instances[0]):
                return
            rest = (self._async_read_quietly(endpoint, instance) for instance in instances[1:])
            if not await all_succeed(rest):
                return
            await self.async_update_observations(endpoint)

    async def async_read_versions(self, endpoint: str) -> None:
        """Read the Device and Firmware Update objects again (after a firmware update)."""
        for path in (DEVICE_OBJECT, FIRMWARE_OBJECT):
            if not await self._async_read_quietly(endpoint, path):
                return

    async def _async_read_quietly(self, endpoint: str, path: Path) -> bool:
        """Read ``path`` into the device's values; False when the device did not answer."""
        try:
            values = await self.server.read(endpoint, path)
        except RequestTimeoutError as err:
            LOGGER.debug("Reading %s of %s failed: %s", path, endpoint, err)
            return False
        except LwM2MError as err:
            LOGGER.debug("Reading %s of %s failed: %s", path, endpoint, err)
            return True
        self.apply_values(endpoint, values)
        return True

    async def async_update_observations(self, endpoint: str) -> None:
        """Observe what the device protocols (or the defaults) want; cancel the rest."""
        state = self.devices.get(endpoint)
        if state is None or state.registration is None:
            return
        wanted = device_observations(state.objects, self.object_registry, self.storage.protocols)
        current = self.observed[endpoint]
        for path in [path for path in current if path not in wanted]:
            del current[path]
            try:
                await self.server.cancel_observation(endpoint, path)
            except LwM2MError as err:
                LOGGER.debug(
                    "Cancelling the observation of %s on %s failed: %s", path, endpoint, err
                )
        await run_together(
            self._async_observe(endpoint, current, path, observation)
            for path, observation in wanted.items()
            if current.get(path) != observation
        )

    async def _async_observe(
        self, endpoint: str, current: dict[Path, AutoObserve], path: Path, wanted: AutoObserve
    ) -> None:
        previous = current.get(path)
        # Attributes the protocol no longer sets are removed (None) from the device.
        attributes: dict[str, int | float | None] = dict(wanted.attributes)
        if previous is not None:
            attributes.update(dict.fromkeys(previous.attributes.keys() - attributes.keys()))
        if attributes:
            try:
                await self.server.write_attributes(endpoint, path, **attributes)
            except LwM2MError as err:  # observing with the device's defaults still helps
                LOGGER.debug("Writing attributes of %s on %s failed: %s", path, endpoint, err)
        try:
            await self.server.observe(endpoint, path)
        except LwM2MError as err:
            LOGGER.debug("Observing %s on %s failed: %s", path, endpoint, err)
            return
        current[path] = wanted

    # Changes from the options flow

    async def async_settings_changed(self) -> None:
        """DDFs or device protocols changed: entities and observations follow."""
        for endpoint in list(self.devices):
            self._refresh_targets(endpoint)
            await self.async_update_observations(endpoint)

    async def async_set_credentials(self, credentials: Mapping[str, DeviceCredentials]) -> None:
        """The one way credentials change: saved, handed to both servers, devices renamed."""
        self.storage.credentials = dict(credentials)
        await self.storage.async_save_credentials()
        self.engine.credentials.set_all(credentials.values())
        for endpoint in credentials:
            if endpoint in self.devices:
                self._ensure_device(self.devices[endpoint])

    async def async_accept_pending(self, endpoint: str) -> None:
        """Let a held device in, and remember it so it needs no accepting next time.

        The engine announces the accepted registration with an Updated event.
        """
        self.server.accept_pending(endpoint)
        if endpoint not in self.storage.credentials:
            accepted = DeviceCredentials(endpoint, SecurityMode.NO_SEC)
            await self.async_set_credentials({**self.storage.credentials, endpoint: accepted})

    def reject_pending(self, endpoint: str) -> None:
        self.server.reject_pending(endpoint)

    @callback
    def observation_cancelled(self, endpoint: str, path: Path) -> None:
        """An action cancelled an observation: the protocol's set-up no longer holds it."""
        self.observed.get(endpoint, {}).pop(path, None)

    @callback
    def deleted(self, endpoint: str, instance: Path) -> None:
        """An action deleted an object instance (or one of its resources): its values go."""
        state = self.devices.get(endpoint)
        if state is not None:
            state.forget_instance(instance)

    async def async_forget(self, endpoint: str) -> None:
        """Drop a device that is gone for good (removed from the device page), and its
        credentials: whatever they still have open on either server is closed."""
        self._stop_presuming(endpoint)
        self.devices.pop(endpoint, None)
        self.targets.pop(endpoint, None)
        self._track_alarms(endpoint, {})
        self.observed.pop(endpoint, None)
        self.storage.devices.pop(endpoint, None)
        self._unsaved.discard(endpoint)
        await self.storage.async_save_devices()
        if endpoint in self.storage.credentials:
            remaining = dict(self.storage.credentials)
            del remaining[endpoint]
            await self.async_set_credentials(remaining)

    # Devices and entities

    def _take_registration(self, state: DeviceState, registration: Registration) -> None:
        state.objects = dict(registration.objects)
        state.summary = registration_summary(registration, time.time())
        self._remember(state)

    def _remember(self, state: DeviceState) -> None:
        """Mark the device for the next (delayed) save; converted only when it is written."""
        self._unsaved.add(state.endpoint)
        self.storage.schedule_save_devices()

    def _write_back(self) -> None:
        # Called when the Store writes, from its executor thread on Home Assistant 2025.4,
        # while the event loop may mark more devices: iterate a copy (each step below is
        # one step for the interpreter); devices marked meanwhile stay for the next write.
        taken = tuple(self._unsaved)
        self._unsaved.difference_update(taken)
        for endpoint in taken:
            state = self.devices.get(endpoint)
            if state is not None:
                self.storage.devices[endpoint] = state.to_known()

    def _ensure_device(self, state: DeviceState) -> str:
        credentials = self.storage.credentials.get(state.endpoint)
        name = (credentials.name if credentials else None) or state.endpoint
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={(DOMAIN, state.endpoint)},
            name=name,
            **registry_fields(state.values),  # type: ignore[arg-type]
        )
        return device.id

    @callback
    def _refresh_targets(self, endpoint: str) -> None:
        """Recompute the device's entities: add new ones, drop gone ones, renew changed ones."""
        state = self.devices[endpoint]
        new = device_targets(endpoint, state.objects, self.object_registry, self.storage.protocols)
        old = self.targets.get(endpoint)
        if old is None:
            remove_untouched_leftovers(self.hass, self.entry.entry_id, endpoint, new)
            old = {}
        self.targets[endpoint] = new
        self._track_alarms(endpoint, new)
        entity_registry = er.async_get(self.hass)
        for unique_id, target in old.items():
            if new.get(unique_id) == target:
                continue
            self.entity_links.resource_gone(endpoint, unique_id)
            replacement = new.get(unique_id)
            entity_id = entity_registry.async_get_entity_id(target.platform, DOMAIN, unique_id)
            if entity_id is None:
                continue
            if replacement is None or replacement.platform != target.platform:
                entity_registry.async_remove(entity_id)
            elif target.platform is Platform.SENSOR:
                # A renewed sensor that finds the unit it was added with in the registry, and
                # shows another now, gets that old unit pinned by Home Assistant (its
                # migration for integrations that dropped their own unit conversion): after
                # a change of the unit system it would no longer follow it.
                entity_registry.async_update_entity(entity_id, unit_of_measurement=None)
        added: dict[Platform, list[EntityTarget]] = defaultdict(list)
        for unique_id, target in new.items():
            if old.get(unique_id) != target:
                added[target.platform].append(target)
        for platform, targets in added.items():
            async_dispatcher_send(
                self.hass, signal_new_entities(self.entry.entry_id, platform), targets
            )

    def _track_alarms(self, endpoint: str, targets: Mapping[str, EntityTarget]) -> None:
        """One tracker per alarmed resource of the device's entities; a tracker whose
        settings changed starts over from the resource's current value."""
        wanted: dict[Path, _ResourceAlarm] = {}
        for target in targets.values():
            description = target.description
            if description.role not in (Role.ALARM, Role.ALARM_EVENTS):
                continue
            tracker = AlarmTracker(description.alarm, measured=description.measurement is not None)
            wanted[target.path] = _ResourceAlarm(tracker, description.multiple)
        for key in [key for key in self._alarms if key[0] == endpoint and key[1] not in wanted]:
            del self._alarms[key]
        for path, alarm in wanted.items():
            current = self._alarms.get((endpoint, path))
            if current is not None and current.same_as(alarm):
                continue
            alarm.tracker.start(self.resource_value(endpoint, path, multiple=alarm.multiple))
            self._alarms[endpoint, path] = alarm

    def _stop_presuming(self, endpoint: str) -> None:
        cancel = self._presumption_timers.pop(endpoint, None)
        if cancel is not None:
            cancel()
        state = self.devices.get(endpoint)
        if state is not None:
            state.expires_at = None

    def _presumption_ended_callback(self, endpoint: str) -> Callable[[datetime], None]:
        @callback
        def _ended(_now: datetime) -> None:
            self._presumption_timers.pop(endpoint, None)
            state = self.devices.get(endpoint)
            if state is not None and state.registration is None:
                self._on_gone(endpoint, "expired")

        return _ended


@dataclass(slots=True)
class _ResourceAlarm:
    """A resource's alarm tracker, and whether the resource has instances."""

    tracker: AlarmTracker
    multiple: bool

    def same_as(self, other: _ResourceAlarm) -> bool:
        return (self.tracker.settings, self.tracker.measured, self.multiple) == (
            other.tracker.settings,
            other.tracker.measured,
            other.multiple,
        )


def _expiry(summary: Mapping[str, Any]) -> float | None:
    lifetime = summary.get("lifetime")
    last_seen = summary.get("seen_at")
    if not summary.get("registered") or not lifetime or not last_seen:
        return None
    return float(last_seen) + float(lifetime)
