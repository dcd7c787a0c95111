"""A download server of its own for firmware images, as a vendor runs one: plain CoAP on a
free loopback port, each image answered block-wise (aiocoap cuts the blocks)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiocoap
import pytest
from aiocoap import resource
from aiocoap.numbers.codes import Code

from custom_components.lwm2m.engine.transport.udp import bind_udp, bound_port


class _Image(resource.Resource):  # type: ignore[misc]
    def __init__(self, data: bytes, requested: list[str], name: str) -> None:
        super().__init__()
        self._data = data
        self._requested = requested
        self._name = name

    async def render_get(self, request: aiocoap.Message) -> aiocoap.Message:
        self._requested.append(self._name)
        return aiocoap.Message(code=Code.CONTENT, payload=self._data)


class ImageServer:
    """Serves ``coap://127.0.0.1:<port>/images/<name>`` once started; ``requested`` names
    the image of every GET its resources answered (aiocoap answers some blocks from its
    cache without asking them)."""

    def __init__(self) -> None:
        self._site = resource.Site()
        self._context: aiocoap.Context | None = None
        self.port = 0
        self.requested: list[str] = []

    def add(self, name: str, data: bytes) -> str:
        """Serve ``data`` as ``name``; its URI."""
        self._site.add_resource(("images", name), _Image(data, self.requested, name))
        return self.uri(name)

    def uri(self, name: str) -> str:
        return f"coap://127.0.0.1:{self.port}/images/{name}"

    async def start(self) -> None:
        self._context = await bind_udp("127.0.0.1", 0, self._site)
        self.port = bound_port(self._context)

    async def stop(self) -> None:
        if self._context is not None:
            await self._context.shutdown()
            self._context = None


@pytest.fixture
async def images(loopback: None) -> AsyncIterator[ImageServer]:
    served = ImageServer()
    await served.start()
    yield served
    await served.stop()
