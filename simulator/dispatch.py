"""Routing one request from the server to the operation it asks for."""

from __future__ import annotations

from aiocoap import Message
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, Path

from . import composite, reads, writes
from .responses import RefusedError, not_allowed, not_found
from .state import ClientState


def request_path(state: ClientState, uri_path: tuple[str, ...]) -> Path:
    """The LwM2M path a request's URI path names, below the device's root."""
    root = state.quirks.root_segments
    if tuple(uri_path[: len(root)]) != root:
        raise not_found("outside the LwM2M root")
    segments = [segment for segment in uri_path[len(root) :] if segment]
    try:
        return Path.parse("/" + "/".join(segments))
    except ValueError:
        raise not_found("not an LwM2M path") from None


def handle(state: ClientState, request: Message) -> Message:
    """The response to a request that is not an Observe registration."""
    try:
        path = request_path(state, request.opt.uri_path)
        return _operation(state, request, path)
    except RefusedError as refusal:
        return refusal.to_message()


def _operation(state: ClientState, request: Message, path: Path) -> Message:
    code = request.code
    payload = bytes(request.payload)
    if code == Code.GET:
        if request.opt.accept == ContentFormat.LINK_FORMAT:
            return reads.discover(state, path)
        return reads.read(state, path, request.opt.accept)
    if code == Code.PUT:
        if not payload and request.opt.uri_query:
            return writes.write_attributes(state, path, request.opt.uri_query)
        return writes.write(state, path, request.opt.content_format, payload, replace=True)
    if code == Code.POST:
        if path.is_object:
            return writes.create(state, path, request.opt.content_format, payload)
        if path.is_instance:
            return writes.write(state, path, request.opt.content_format, payload, replace=False)
        if path.is_resource:
            return writes.execute(state, path, payload)
        raise not_allowed("POST targets an object, an instance or a resource")
    if code == Code.DELETE:
        return writes.delete(state, path)
    if code in (Code.FETCH, Code.iPATCH) and state.quirks.composite != "yes":
        refusal = Code.NOT_FOUND if state.quirks.composite == "4.04" else Code.METHOD_NOT_ALLOWED
        raise RefusedError(refusal, "no composite operations")
    if code == Code.FETCH:
        paths = composite.requested_paths(state, request.opt.content_format, payload)
        return composite.read_composite(
            state, paths, request.opt.accept, request.opt.content_format
        )
    if code == Code.iPATCH:
        return composite.write_composite(state, request.opt.content_format, payload)
    raise not_allowed(f"{code} is not an LwM2M operation")
