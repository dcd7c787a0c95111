"""Read and Discover: what a GET returns."""

from __future__ import annotations

from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import CodecError, ContentFormat, Link, Path, ResourceType
from custom_components.lwm2m.engine.codec import format_link_format
from custom_components.lwm2m.engine.model.versions import version_key

from .formats import FormatChoice, Outcome, Target, encode_values
from .responses import RefusedError, content, not_allowed, not_found
from .state import ClientState


def require_existing(state: ClientState, path: Path) -> None:
    if not state.store.exists(path):
        raise not_found(f"{path} does not exist")


def read_target(state: ClientState, path: Path) -> Target:
    """Whether a read of ``path`` gives one value (which may be Opaque) or several."""
    if len(path) < 3 or (path.is_resource and state.store.is_multiple(path)):
        return Target.VALUES
    definition = state.store.resource_definition(path)
    if definition is not None:
        opaque = definition.type is ResourceType.OPAQUE
    else:
        opaque = isinstance(state.store.value(path), bytes)
    return Target.OPAQUE_VALUE if opaque else Target.VALUE


def readable_values(state: ClientState, path: Path) -> dict[Path, Any]:
    """The values a read of ``path`` returns; refuses what cannot be read."""
    if path.is_root:
        raise not_allowed("the root path cannot be read")
    require_existing(state, path)
    if len(path) >= 3 and not state.store.operations(path).readable:
        raise not_allowed(f"{path} is not readable")
    return state.store.readable_values(path)


def read_choice(state: ClientState, path: Path, accept: int | None) -> FormatChoice:
    return state.policy.for_read(accept, read_target(state, path))


def read(state: ClientState, path: Path, accept: int | None) -> Message:
    values = readable_values(state, path)
    choice = read_choice(state, path, accept)
    if choice.outcome is not Outcome.ANSWER:
        raise RefusedError(Code.NOT_ACCEPTABLE, f"cannot answer in {accept}")
    try:
        payload = encode_values(
            choice.fmt, path, values, state.store.model, state.quirks.senml_base_name
        )
    except CodecError as err:
        raise RefusedError(Code.INTERNAL_SERVER_ERROR, str(err)) from None
    return content(payload, choice.fmt if choice.content_format_option else None)


# --- Discover ---------------------------------------------------------------------------


def discover(state: ClientState, path: Path) -> Message:
    if path.is_root or path.is_resource_instance:
        raise not_allowed("Discover targets an object, an instance or a resource")
    require_existing(state, path)
    links = [Link(str(path), _object_params(state, path) | _attached(state, path))]
    with_instances = version_key(state.lwm2m_version) >= (1, 1)
    if path.is_object:
        for instance in _instances(state, path):
            links.append(Link(str(instance), _attached(state, instance)))
            links += _resource_links(state, instance, with_instances=False)
    elif path.is_instance:
        links += _resource_links(state, path, with_instances=False)
    else:
        links = _resource_links(state, path, with_instances=with_instances)
    payload = format_link_format(links).encode("utf-8")
    return content(payload, ContentFormat.LINK_FORMAT)


def _instances(state: ClientState, object_path: Path) -> list[Path]:
    return [path for path in state.store.instance_paths() if path.startswith(object_path)]


def _object_params(state: ClientState, path: Path) -> dict[str, str | None]:
    if not path.is_object:
        return {}
    obj = state.store.objects[path.ids[0]]
    return {} if version_key(obj.version) == (1, 0) else {"ver": obj.version}


def _attached(state: ClientState, path: Path) -> dict[str, str | None]:
    return {name: _attribute_text(value) for name, value in state.attributes.attached(path).items()}


def _attribute_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _resource_links(state: ClientState, path: Path, *, with_instances: bool) -> list[Link]:
    links: list[Link] = []
    for resource_path in state.store.resource_paths(path):
        params: dict[str, str | None] = {}
        value = state.store.resource(resource_path)
        multiple = isinstance(value, dict)
        if multiple:
            params["dim"] = str(len(value))
        links.append(Link(str(resource_path), params | _attached(state, resource_path)))
        if multiple and with_instances:
            for instance_id in sorted(value):
                instance_path = resource_path.child(instance_id)
                links.append(Link(str(instance_path), _attached(state, instance_path)))
    return links
