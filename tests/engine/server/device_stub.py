"""Registering a RawPeer with a server and answering reads from a dict of values."""

from __future__ import annotations

from typing import Any

import aiocoap
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine import ContentFormat, Path
from custom_components.lwm2m.engine.codec import encode

from .harness import REGISTRY
from .raw_peer import RawPeer

DEVICE_VALUES: dict[Path, Any] = {
    Path.of(3, 0, 0): "Acme",
    Path.of(3, 0, 1): "Model 7",
    Path.of(3, 0, 2): "SN-1",
    Path.of(3, 0, 9): 87,
    Path.of(3, 0, 7, 0): 3800,
    Path.of(3, 0, 7, 1): 5000,
}


def request_path(request: aiocoap.Message) -> Path:
    return Path(tuple(int(part) for part in request.opt.uri_path))


def content(path: Path, values: dict[Path, Any], fmt: int) -> aiocoap.Message:
    selected = {key: value for key, value in values.items() if key.startswith(path)}
    if not selected:
        return aiocoap.Message(code=Code.NOT_FOUND)
    payload = encode(fmt, path, selected, REGISTRY)
    return aiocoap.Message(code=Code.CONTENT, payload=payload, content_format=fmt)


def answer_reads(values: dict[Path, Any], default: int = ContentFormat.TLV) -> Any:
    """A responder answering GETs from ``values`` in the Accept'ed format."""

    def respond(request: aiocoap.Message) -> aiocoap.Message:
        if request.code != Code.GET:
            return aiocoap.Message(code=Code.METHOD_NOT_ALLOWED)
        accept = request.opt.accept
        return content(request_path(request), values, default if accept is None else accept)

    return respond


async def register(peer: RawPeer, port: int, endpoint: str, query: str = "") -> str:
    links = b'</>;rt="oma.lwm2m";ct="110 112 11542 11544",</1/0>,</3/0>,</3303/0>'
    extra = f"&{query}" if query else ""
    response = await peer.register(port, f"ep={endpoint}&lt=300&lwm2m=1.1{extra}", links)
    assert response.code == Code.CREATED
    return "/" + "/".join(response.opt.location_path)
