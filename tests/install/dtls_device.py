"""A simulated device that bootstraps and registers over DTLS-PSK, in a process of its own.

``python -m tests.install.dtls_device HOST BOOTSTRAPS_PORT ENDPOINT IDENTITY KEY_HEX``
bootstraps with the bootstrap PSK, registers where the bootstrap server sent it (with the
LwM2M PSK it wrote), prints ``registered`` and, once the server has read from it,
``read``; it runs until its standard input closes.
"""

from __future__ import annotations

import asyncio
import sys

from simulator import SimulatedDevice

STEP_TIMEOUT = 60.0


def say(word: str) -> None:
    print(word, flush=True)


async def stdin_closed() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)


async def run(host: str, port: int, endpoint: str, identity: str, key: bytes) -> None:
    device = SimulatedDevice(endpoint, auto_update=False)
    await device.start()
    try:
        await device.bootstrap((host, port), psk=(identity, key), timeout=STEP_TIMEOUT)
        async with asyncio.timeout(STEP_TIMEOUT):
            await device.register_from_bootstrap()
        say("registered")
        await device.wait_for_request(lambda record: record.method == "GET", STEP_TIMEOUT)
        say("read")
        await stdin_closed()
    finally:
        await device.stop()


def main(argv: list[str]) -> int:
    host, port, endpoint, identity, key_hex = argv
    asyncio.run(run(host, int(port), endpoint, identity, bytes.fromhex(key_hex)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
