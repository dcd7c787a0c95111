"""A stand-in for the engine's LwM2MServer that follows its public API, for unit tests."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from custom_components.lwm2m.engine import (
    Deregistered,
    DeviceNotRegisteredError,
    DtlsStats,
    Expired,
    Link,
    LwM2MError,
    LwM2MEvent,
    NotificationReceived,
    Path,
    Registered,
    Registration,
    Updated,
)


@dataclass
class Handle:
    cancelled: bool = False

    async def cancel(self, *, active: bool = False) -> None:
        self.cancelled = True


@dataclass
class FakeServer:
    """Records every request; answers reads from ``devices``; raises from ``fail``."""

    port: int = 5683
    secure_port: int | None = 5684
    dtls_unavailable_reason: str | None = None
    registrations: dict[str, Registration] = field(default_factory=dict)
    devices: dict[str, dict[Path, Any]] = field(default_factory=dict)
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    fail: dict[str, LwM2MError] = field(default_factory=dict)
    queue: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    imported_queue: dict[str, Any] | None = None
    started: bool = False
    listeners: list[Callable[[LwM2MEvent], None]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    dtls_stats: DtlsStats | None = None
    capacity_listeners: list[Callable[[bool], None]] = field(default_factory=list)

    def add_capacity_listener(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        self.capacity_listeners.append(listener)
        return lambda: self.capacity_listeners.remove(listener)

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    def add_listener(self, listener: Callable[[LwM2MEvent], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def emit(self, event: LwM2MEvent) -> None:
        for listener in list(self.listeners):
            listener(event)

    # Device side helpers

    def register(
        self,
        endpoint: str,
        objects: Mapping[str, Mapping[str, Any]] | None = None,
        values: Mapping[str, Any] | None = None,
        *,
        pending: bool = False,
        lifetime: int = 300,
    ) -> Registration:
        registration = Registration(
            endpoint=endpoint,
            registration_id=f"reg-{endpoint}-{len(self.calls)}",
            lifetime=lifetime,
            objects={Path.parse(p): dict(params) for p, params in (objects or {}).items()},
            address=("127.0.0.1", 56830),
            pending=pending,
            security_identity="secret-identity",
            registered_at=time.time(),
            updated_at=time.time(),
        )
        self.registrations[endpoint] = registration
        if values is not None:
            self.devices[endpoint] = {Path.parse(p): v for p, v in values.items()}
        self.emit(Registered(endpoint, registration))
        return registration

    def update(self, endpoint: str, objects: Mapping[str, Mapping[str, Any]]) -> None:
        old = self.registrations[endpoint]
        old.objects = {Path.parse(p): dict(params) for p, params in objects.items()}
        self.emit(Updated(endpoint, old, frozenset({"objects"})))

    def deregister(self, endpoint: str, *, expired: bool = False) -> None:
        registration = self.registrations.pop(endpoint)
        event = Expired if expired else Deregistered
        self.emit(event(endpoint, registration))

    def notify(self, endpoint: str, path: str, values: Mapping[str, Any]) -> None:
        parsed = {Path.parse(p): v for p, v in values.items()}
        self.devices.setdefault(endpoint, {}).update(parsed)
        self.emit(NotificationReceived(endpoint, Path.parse(path), parsed))

    # The server API

    def _check(self, operation: str, endpoint: str) -> None:
        if operation in self.fail:
            raise self.fail[operation]
        if endpoint not in self.registrations:
            raise DeviceNotRegisteredError(endpoint)

    async def read(
        self, endpoint: str, path: Path, *, accept: int | None = None
    ) -> dict[Path, Any]:
        self.calls.append(("read", endpoint, path))
        self._check("read", endpoint)
        return {
            key: value
            for key, value in self.devices.get(endpoint, {}).items()
            if key.startswith(path)
        }

    async def write(
        self,
        endpoint: str,
        path: Path,
        values: Mapping[Path, Any],
        *,
        partial: bool = False,
        content_format: int | None = None,
    ) -> None:
        self.calls.append(("write", endpoint, path, dict(values)))
        self._check("write", endpoint)
        self.devices.setdefault(endpoint, {}).update(values)

    async def write_attributes(self, endpoint: str, path: Path, **attributes: Any) -> None:
        self.calls.append(("write_attributes", endpoint, path, attributes))
        self._check("write_attributes", endpoint)

    async def discover(self, endpoint: str, path: Path) -> list[Link]:
        self.calls.append(("discover", endpoint, path))
        self._check("discover", endpoint)
        return self.links

    async def execute(self, endpoint: str, path: Path, args: str | None = None) -> None:
        self.calls.append(("execute", endpoint, path, args))
        self._check("execute", endpoint)

    async def create(self, endpoint: str, path: Path, values: Mapping[Path, Any]) -> Path:
        self.calls.append(("create", endpoint, path, dict(values)))
        self._check("create", endpoint)
        instance = next(iter(values)).parent if values else path.child(0)
        return Path(instance.ids[:2])

    async def delete(self, endpoint: str, path: Path) -> None:
        self.calls.append(("delete", endpoint, path))
        self._check("delete", endpoint)

    async def observe(self, endpoint: str, path: Path, *, accept: int | None = None) -> Handle:
        self.calls.append(("observe", endpoint, path))
        self._check("observe", endpoint)
        return Handle()

    async def cancel_observation(self, endpoint: str, path: Path, *, active: bool = False) -> None:
        self.calls.append(("cancel_observation", endpoint, path))
        self._check("cancel_observation", endpoint)

    def accept_pending(self, endpoint: str) -> Registration:
        """Like the engine: the accepted registration is announced as Updated."""
        self.calls.append(("accept_pending", endpoint))
        if "accept_pending" in self.fail:
            raise self.fail["accept_pending"]
        held = self.registrations[endpoint]
        accepted = replace(held, pending=False)
        self.registrations[endpoint] = accepted
        self.emit(Updated(endpoint, accepted, frozenset({"pending"})))
        return accepted

    def reject_pending(self, endpoint: str) -> None:
        self.calls.append(("reject_pending", endpoint))
        registration = self.registrations.pop(endpoint, None)
        if registration is not None:
            self.emit(Deregistered(endpoint, registration))

    def export_queue(self) -> dict[str, list[dict[str, Any]]]:
        return dict(self.queue)

    def import_queue(self, data: Mapping[str, Any]) -> None:
        self.imported_queue = dict(data)

    def requests(self, operation: str) -> list[tuple[Any, ...]]:
        return [call for call in self.calls if call[0] == operation]


@dataclass
class FakeBootstrap:
    """A stand-in for the engine's BootstrapServer: started or not, and its listeners."""

    port: int = 5783
    secure_port: int | None = 5784
    dtls_unavailable_reason: str | None = None
    started: bool = False
    listeners: list[Callable[[LwM2MEvent], None]] = field(default_factory=list)
    dtls_stats: DtlsStats | None = None
    capacity_listeners: list[Callable[[bool], None]] = field(default_factory=list)

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    def add_listener(self, listener: Callable[[LwM2MEvent], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def add_capacity_listener(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        self.capacity_listeners.append(listener)
        return lambda: self.capacity_listeners.remove(listener)

    def emit(self, event: LwM2MEvent) -> None:
        for listener in list(self.listeners):
            listener(event)
