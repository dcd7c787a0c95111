"""Write (replace and partial update), Write-Attributes, Execute, Create and Delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import CodecError, ContentFormat, Path
from custom_components.lwm2m.engine.codec import SUPPORTED_FORMATS, decode
from custom_components.lwm2m.engine.codec.tlv import Kind, parse_tlvs

from .attributes import AttributeSyntaxError, parse_write_attributes
from .reads import require_existing
from .responses import RefusedError, bad_request, not_allowed, not_found
from .state import ClientState

_WRITABLE_FORMATS = SUPPORTED_FORMATS - {ContentFormat.LINK_FORMAT}


def decode_payload(
    state: ClientState, content_format: int | None, path: Path, payload: bytes
) -> dict[Path, Any]:
    if content_format is None:
        raise bad_request("a payload needs a Content-Format")
    if content_format not in _WRITABLE_FORMATS:
        raise RefusedError(Code.UNSUPPORTED_CONTENT_FORMAT, f"cannot read format {content_format}")
    try:
        return decode(content_format, path, payload, state.store.model)
    except CodecError as err:
        raise bad_request(str(err)) from None


def check_writable(
    state: ClientState, values: Mapping[Path, Any], *, creating: bool = False
) -> None:
    """Refuse values for missing instances, unknown resources and read-only resources."""
    for path in values:
        resource_path = path.resource_path()
        if not creating and not state.store.exists(resource_path.parent):
            raise not_found(f"{resource_path.parent} does not exist")
        known = state.store.resource_definition(resource_path) is not None
        if not known and not state.store.exists(resource_path):
            raise not_found(f"{resource_path} is not a resource of this object")
        operations = state.store.operations(resource_path)
        if operations.executable or (not creating and not operations.writable):
            raise not_allowed(f"{resource_path} is not writable")


def write(
    state: ClientState, path: Path, content_format: int | None, payload: bytes, *, replace: bool
) -> Message:
    """PUT (replace) on an instance, resource or resource instance; POST on an instance."""
    if len(path) < 2:
        raise not_allowed("Write targets an instance, a resource or a resource instance")
    require_existing(state, Path(path.ids[:2]))
    values = decode_payload(state, content_format, path, payload)
    check_writable(state, values)
    replace_multiple = replace and not path.is_resource_instance
    changed = state.store.apply(values, replace_multiple=replace_multiple)
    if replace and path.is_resource and not values:
        state.store.set(path, [])
        changed = [path]
    state.changed(changed)
    return Message(code=Code.CHANGED)


def write_attributes(state: ClientState, path: Path, query: tuple[str, ...]) -> Message:
    if path.is_root:
        raise not_allowed("attributes attach to objects, instances and resources")
    require_existing(state, path)
    try:
        state.attributes.write(path, parse_write_attributes(query))
    except AttributeSyntaxError as err:
        raise bad_request(str(err)) from None
    return Message(code=Code.CHANGED)


def execute(state: ClientState, path: Path, payload: bytes) -> Message:
    require_existing(state, path)
    if not path.is_resource or not state.store.operations(path).executable:
        raise not_allowed(f"{path} is not executable")
    state.executed(path, payload.decode("utf-8", errors="replace"))
    return Message(code=Code.CHANGED)


def create(state: ClientState, path: Path, content_format: int | None, payload: bytes) -> Message:
    """POST on an object: a new instance, at the id the payload gives or the first free one."""
    object_id = path.ids[0]
    definition = state.store.definition(object_id)
    if definition is None and not state.store.exists(path):
        raise not_found(f"object {object_id} is not supported")
    existing = state.store.objects.get(object_id)
    single = definition is not None and not definition.multiple
    if single and existing is not None and existing.instances:
        raise bad_request(f"object {object_id} has a single instance")
    values: dict[Path, Any] = {}
    instance_id = state.store.free_instance_id(object_id)
    if payload:
        target = path
        if content_format == ContentFormat.TLV:
            named = _named_instance(payload)
            if named is None:
                target = path.child(instance_id)
            else:
                instance_id = named
        values = decode_payload(state, content_format, target, payload)
    instance_ids = {value_path.ids[1] for value_path in values}
    if len(instance_ids) > 1:
        raise bad_request("Create makes one instance")
    if instance_ids:
        instance_id = instance_ids.pop()
    instance = path.child(instance_id)
    if state.store.exists(instance):
        raise bad_request(f"{instance} exists already")
    check_writable(state, values, creating=True)
    state.store.create_instance(object_id, instance_id)
    state.store.apply(values, replace_multiple=True)
    state.created(instance)
    response = Message(code=Code.CREATED)
    response.opt.location_path = (str(object_id), str(instance_id))
    return response


def _named_instance(payload: bytes) -> int | None:
    """The instance id a TLV Create payload names; None when it holds resources directly."""
    try:
        tlvs = parse_tlvs(payload)
    except CodecError as err:
        raise bad_request(str(err)) from None
    if tlvs and tlvs[0].kind is Kind.OBJECT_INSTANCE:
        return tlvs[0].id
    return None


def delete(state: ClientState, path: Path) -> Message:
    if not path.is_instance:
        raise not_allowed("Delete targets an object instance")
    require_existing(state, path)
    definition = state.store.definition(path.ids[0])
    if path.ids[0] == 0 or (
        definition is not None and definition.mandatory and not definition.multiple
    ):
        raise not_allowed(f"{path} cannot be deleted")
    state.store.delete_instance(path)
    state.attributes.forget(path)
    state.deleted(path)
    return Message(code=Code.DELETED)
