"""Device-management requests from entities and actions: typed values in, translated errors
out, and the hub's states kept in step with what the device answered."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .discovery import object_definition
from .engine import Path, ResourceDef, announced_version
from .errors import engine_errors, validation_error
from .values.coerce import coerce
from .values.credentials import masked
from .values.json_forms import to_response
from .write_rules import async_check_write

if TYPE_CHECKING:
    from .hub import LwM2MHub

WRITE_ATTRIBUTES = ("pmin", "pmax", "gt", "lt", "st", "epmin", "epmax")


def resource_definition(hub: LwM2MHub, endpoint: str, path: Path) -> ResourceDef | None:
    """The DDF definition of the resource ``path`` names (None when unknown)."""
    if len(path) < 3:
        return None
    state = hub.devices.get(endpoint)
    objects = state.objects if state is not None else {}
    version = announced_version(objects, path.ids[0])
    obj = object_definition(hub.object_registry, path.ids[0], version)
    return None if obj is None else obj.resource(path.ids[2])


def typed_values(hub: LwM2MHub, endpoint: str, path: Path, raw: Any) -> dict[Path, Any]:
    """What to write at ``path``: one value, a list for a multiple resource, or for an
    object instance a mapping of resource id to value."""
    if len(path) == 2:
        if not isinstance(raw, Mapping):
            raise validation_error("instance_needs_mapping", path=str(path))
        result: dict[Path, Any] = {}
        for key, item in raw.items():
            result.update(typed_values(hub, endpoint, path.child(_resource_id(key)), item))
        return result
    if len(path) < 2:
        raise validation_error("write_needs_instance", path=str(path))
    resource = resource_definition(hub, endpoint, path)
    if len(path) == 3 and isinstance(raw, list):
        return {path.child(index): _typed(resource, path, item) for index, item in enumerate(raw)}
    return {path: _typed(resource, path, raw)}


def _typed(resource: ResourceDef | None, path: Path, raw: Any) -> Any:
    try:
        return coerce(resource, raw)
    except ValueError as err:
        raise validation_error("invalid_value", path=str(path), detail=str(err)) from err


def _resource_id(key: Any) -> int:
    try:
        resource_id = int(key)
    except (TypeError, ValueError) as err:
        raise validation_error("invalid_resource_id", key=str(key)) from err
    if not 0 <= resource_id <= 65535:
        raise validation_error("invalid_resource_id", key=str(key))
    return resource_id


@contextmanager
def _sent(hub: LwM2MHub, endpoint: str, operation: str, path: Path) -> Iterator[None]:
    """One request to the device: recorded in its history, errors translated."""
    with (
        engine_errors(endpoint, path),
        hub.entry.runtime_data.history.track(endpoint, operation, path),
    ):
        yield


def responses(values: Mapping[Path, Any]) -> dict[str, Any]:
    """Values keyed by their path text, in JSON-safe form, for action responses; the
    secret resources of the credential objects (/0, /21) are masked."""
    return {str(path): to_response(value) for path, value in sorted(masked(values).items())}


async def async_read(hub: LwM2MHub, endpoint: str, path: Path) -> dict[Path, Any]:
    with _sent(hub, endpoint, "read", path):
        values = await hub.server.read(endpoint, path)
    hub.apply_values(endpoint, values)
    return values


async def async_write(hub: LwM2MHub, endpoint: str, path: Path, raw: Any) -> None:
    """Write after the device protocol's validation rules accepted every value."""
    values = typed_values(hub, endpoint, path, raw)
    await async_check_write(hub, endpoint, values)
    with _sent(hub, endpoint, "write", path):
        await hub.server.write(endpoint, path, values, partial=len(path) == 2)
    hub.apply_values(endpoint, values, from_device=False)


async def async_execute(hub: LwM2MHub, endpoint: str, path: Path, args: str | None) -> None:
    if len(path) != 3:
        raise validation_error("execute_needs_resource", path=str(path))
    with _sent(hub, endpoint, "execute", path):
        await hub.server.execute(endpoint, path, args)


async def async_observe(hub: LwM2MHub, endpoint: str, path: Path) -> None:
    with _sent(hub, endpoint, "observe", path):
        await hub.server.observe(endpoint, path)


async def async_cancel_observation(hub: LwM2MHub, endpoint: str, path: Path) -> None:
    with _sent(hub, endpoint, "cancel_observation", path):
        await hub.server.cancel_observation(endpoint, path)
    hub.observation_cancelled(endpoint, path)


async def async_write_attributes(
    hub: LwM2MHub, endpoint: str, path: Path, attributes: Mapping[str, Any]
) -> None:
    unknown = sorted(set(attributes) - set(WRITE_ATTRIBUTES))
    if unknown:
        raise validation_error("unknown_attribute", attribute=", ".join(unknown))
    if not attributes:
        raise validation_error("no_attributes")
    with _sent(hub, endpoint, "write_attributes", path):
        await hub.server.write_attributes(endpoint, path, **attributes)


async def async_discover(hub: LwM2MHub, endpoint: str, path: Path) -> list[dict[str, Any]]:
    with _sent(hub, endpoint, "discover", path):
        links = await hub.server.discover(endpoint, path)
    return [{"link": link.uri, "attributes": dict(link.params)} for link in links]


async def async_create(
    hub: LwM2MHub, endpoint: str, path: Path, raw: Mapping[str, Any] | None
) -> Path:
    """Create an instance of the object ``path`` names (``/o``, or ``/o/i`` to pick its id).

    Without an instance id the lowest id the device does not list is used.
    """
    if len(path) not in (1, 2):
        raise validation_error("create_needs_object", path=str(path))
    instance = path if len(path) == 2 else path.child(_free_instance(hub, endpoint, path))
    values = typed_values(hub, endpoint, instance, raw or {})
    await async_check_write(hub, endpoint, values)
    with _sent(hub, endpoint, "create", path):
        created = await hub.server.create(endpoint, path, values)
    created_values = {Path((*created.ids, *p.ids[2:])): v for p, v in values.items()}
    hub.apply_values(endpoint, created_values, from_device=False)
    return created


def _free_instance(hub: LwM2MHub, endpoint: str, object_path: Path) -> int:
    state = hub.devices.get(endpoint)
    used = {
        path.ids[1]
        for path in (state.objects if state is not None else {})
        if len(path) == 2 and path.ids[0] == object_path.ids[0]
    }
    return next(instance for instance in range(65536) if instance not in used)


async def async_delete(hub: LwM2MHub, endpoint: str, path: Path) -> None:
    if len(path) < 2:
        raise validation_error("delete_needs_instance", path=str(path))
    with _sent(hub, endpoint, "delete", path):
        await hub.server.delete(endpoint, path)
    hub.deleted(endpoint, path)
