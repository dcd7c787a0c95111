"""A process that writes the integration's stores until it is killed, and a loader.

    python -m tests.ha.storage_worker CONFIG_DIR import   # credential imports, forever
    python -m tests.ha.storage_worker CONFIG_DIR queue    # requests queued, forever
    python -m tests.ha.storage_worker CONFIG_DIR steady   # ten requests a second, forever
    python -m tests.ha.storage_worker CONFIG_DIR load     # prints what the stores hold

Both writers print one line per change that is on disk ("committed N"), so the test that
kills them knows what must survive. They use Home Assistant's own ``Store`` through
:class:`LwM2MStorage`, in a real (minimal) Home Assistant core, exactly as the
integration does; the queue writer also runs the real server with a sleeping
queue-mode device, and saves ``export_queue()`` on QueueChanged as the hub does.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path as FsPath
from typing import Any

from homeassistant.core import HomeAssistant

from custom_components.lwm2m.engine import (
    DeviceCredentials,
    LwM2MEvent,
    LwM2MServer,
    ObjectRegistry,
    Path,
    QueueChanged,
    SecurityMode,
    SecurityPolicy,
)
from custom_components.lwm2m.engine.server.queue import DEFAULT_QUEUE_LIMIT
from custom_components.lwm2m.storage import QUEUE_MAX_AGE, LwM2MStorage

DEVICES = 3000  # a large import: its file takes a while to write
STEADY_QUEUE_LIMIT = 10_000  # room for many minutes of steady queueing


def credentials(generation: int) -> dict[str, DeviceCredentials]:
    """Every record of one import carries the import's number in its name."""
    return {
        f"dev-{n}": DeviceCredentials(
            f"dev-{n}", SecurityMode.NO_SEC, name=f"import {generation}", device_type="x" * 64
        )
        for n in range(DEVICES)
    }


def committed(number: int) -> None:
    print(f"committed {number}", flush=True)


async def imports(storage: LwM2MStorage) -> None:
    generation = 0
    while True:
        generation += 1
        storage.credentials = credentials(generation)
        await storage.async_save_credentials()
        committed(generation)


async def _sleeping_device_server(
    storage: LwM2MStorage, queue_limit: int = DEFAULT_QUEUE_LIMIT
) -> LwM2MServer:
    """The real server with a queue-mode device asleep, saving its queue as the hub does."""
    from simulator import SimulatedDevice

    server = LwM2MServer(
        ObjectRegistry.default(),
        host="127.0.0.1",
        port=0,
        policy=SecurityPolicy.OPEN,
        awake_window=0.2,  # asleep for the server soon after registering
        queue_limit=queue_limit,
    )

    def listen(event: LwM2MEvent) -> None:
        if isinstance(event, QueueChanged):
            storage.schedule_save_queue(server.export_queue)

    server.add_listener(listen)
    await server.start()
    device = SimulatedDevice("sleepy", queue_mode=True, auto_update=False)
    await device.start()
    await device.register(("127.0.0.1", server.port))
    await device.sleep()
    await asyncio.sleep(0.3)
    return server


async def queued(storage: LwM2MStorage, hass: HomeAssistant) -> None:
    server = await _sleeping_device_server(storage)
    waiting: list[asyncio.Future[Any]] = []
    store_file = FsPath(hass.config.path(".storage", "lwm2m.queue"))
    while True:
        count = len(waiting) + 1
        request = server.write("sleepy", Path.of(3303, 0, 5750), f"write {count}")
        waiting.append(asyncio.ensure_future(request))
        while True:  # until this request is on disk
            await asyncio.sleep(QUEUE_MAX_AGE / 4)
            try:
                saved = json.loads(store_file.read_text())["data"]["requests"]
            except (OSError, ValueError, KeyError):
                continue
            if len(saved.get("sleepy", [])) == count:
                break
        committed(count)


async def steady(storage: LwM2MStorage) -> None:
    """Queue a request every 0.1 s without waiting for the disk; say when each was queued
    (CLOCK_MONOTONIC, which the killing test reads too)."""
    server = await _sleeping_device_server(storage, queue_limit=STEADY_QUEUE_LIMIT)
    waiting: list[asyncio.Future[Any]] = []
    while True:
        count = len(waiting) + 1
        request = server.write("sleepy", Path.of(3303, 0, 5750), f"write {count}")
        waiting.append(asyncio.ensure_future(request))
        print(f"queued {count} {time.monotonic()}", flush=True)
        await asyncio.sleep(0.1)


async def load(hass: HomeAssistant) -> dict[str, Any]:
    storage = LwM2MStorage(hass)
    await storage.async_load()
    return {
        "credentials": len(storage.credentials),
        "imports": sorted({record.name or "" for record in storage.credentials.values()}),
        "queue": storage.queue,
    }


async def main(config_dir: str, mode: str) -> None:
    hass = HomeAssistant(config_dir)
    storage = LwM2MStorage(hass)
    if mode == "import":
        await imports(storage)
    elif mode == "queue":
        await queued(storage, hass)
    elif mode == "steady":
        await steady(storage)
    else:
        print(json.dumps(await load(hass)), flush=True)
    await hass.async_stop(force=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
