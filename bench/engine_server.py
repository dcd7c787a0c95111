"""The engine alone for the benches: an open LwM2M server on loopback counting one event."""

from __future__ import annotations

from typing import Any


async def counting_server(kind: type) -> tuple[Any, list[int]]:
    """A started ``LwM2MServer`` (port 0, open policy) and the count of its ``kind`` events."""
    from custom_components.lwm2m.engine import LwM2MServer, ObjectRegistry, SecurityPolicy

    server = LwM2MServer(
        ObjectRegistry.default(), host="127.0.0.1", port=0, policy=SecurityPolicy.OPEN
    )
    await server.start()
    counted = [0]

    def count(event: Any) -> None:
        if isinstance(event, kind):
            counted[0] += 1

    server.add_listener(count)
    return server, counted
