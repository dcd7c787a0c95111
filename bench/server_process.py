"""A DTLS server in a child process, driven over its stdin: the benches' load runs here
while the server's CPU and memory are its own.

The child calls :func:`serve_dtls` (imports happen there, so a child whose ``sys.path``
starts with another revision's folder serves that revision's code); the parent holds a
:class:`ServerProcess`.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any


async def serve_dtls(keys: dict[bytes, bytes]) -> None:
    """Serve coaps://127.0.0.1:<port>/x ("hello") until stdin says anything but "stats"."""
    import aiocoap
    from aiocoap import resource

    from custom_components.lwm2m.engine.dtls import create_dtls_context

    class Hello(resource.Resource):
        async def render_get(self, request: aiocoap.Message) -> aiocoap.Message:
            return aiocoap.Message(payload=b"hello")

    site = resource.Site()
    site.add_resource(["x"], Hello())
    context, endpoint = await create_dtls_context(site, ("127.0.0.1", 0), keys.get)
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def report() -> None:
        stats = endpoint.stats()
        figures = {
            "sessions": stats.sessions,
            "handshakes_in_progress": stats.handshakes_in_progress,
            "peak_sessions": stats.peak_sessions,
            "peak_handshakes": stats.peak_handshakes,
            "evictions": stats.evictions,
            "counters": dict(stats.counters),
        }
        print(json.dumps(figures), flush=True)

    def commands() -> None:
        for line in sys.stdin:
            if line.strip() != "stats":
                break
            loop.call_soon_threadsafe(report)
        loop.call_soon_threadsafe(done.set_result, None)

    threading.Thread(target=commands, daemon=True).start()
    print(endpoint.port, flush=True)
    await done
    await context.shutdown()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class ServerProcess:
    """Runs ``argv``, whose first output line is the port it serves; each "stats" line
    sent gets one JSON line back, anything else stops it."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())

    def stats(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        return dict(json.loads(self.process.stdout.readline()))

    @property
    def rss_kib(self) -> int:
        return rss_kib(self.process.pid)

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        self.process.wait(timeout=60)
