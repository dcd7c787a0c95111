"""``python -m simulator``: a fleet of simulated devices registered with one server."""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import resource
import signal
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from .animation import animate, spread
from .device import SimulatedDevice

_LOGGER = logging.getLogger("simulator")
DEFAULT_PORT = 5683
REGISTRATION_CONCURRENCY = 50
SOCKETS_PER_DEVICE = 1
SPARE_FILE_DESCRIPTORS = 64


class UsageError(Exception):
    """The command line asks for something impossible."""


def parse_server(uri: str) -> tuple[str, int]:
    """``coap://host:port`` -> (host, port)."""
    parts = urlsplit(uri)
    if parts.scheme != "coap" or not parts.hostname:
        raise UsageError(f"--server must look like coap://127.0.0.1:5683, got {uri!r}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise UsageError(f"--server has a bad port: {uri!r}") from None
    return parts.hostname, port


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Run simulated LwM2M devices against a server until interrupted.",
    )
    parser.add_argument("--server", default=f"coap://127.0.0.1:{DEFAULT_PORT}")
    parser.add_argument("--count", type=int, default=1, help="how many devices")
    parser.add_argument("--prefix", default="sim-", help="endpoint names are PREFIX1, PREFIX2, ...")
    parser.add_argument("--lwm2m", default="1.1", choices=["1.0", "1.1", "1.2"])
    parser.add_argument("--lifetime", type=int, default=300, help="registration lifetime (s)")
    parser.add_argument(
        "--animate", type=float, metavar="SECONDS", help="change values every SECONDS"
    )
    parser.add_argument("--queue", action="store_true", help="queue mode (sleep between talks)")
    parser.add_argument("--awake-time", type=float, default=30.0, help="queue mode awake window")
    parser.add_argument("--host", default="127.0.0.1", help="address the devices bind to")
    parser.add_argument("--timeout", type=float, default=10.0, help="registration timeout (s)")
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args(argv)
    if options.count < 1:
        parser.error("--count must be at least 1")
    if options.animate is not None and options.animate <= 0:
        parser.error("--animate takes a positive number of seconds")
    return options


def raise_file_limit(devices: int) -> None:
    """Lift the soft limit on open files so that every device gets its socket."""
    needed = devices * SOCKETS_PER_DEVICE + SPARE_FILE_DESCRIPTORS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Fleet:
    """The devices of one run."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.server = parse_server(options.server)
        self.devices = [
            SimulatedDevice(
                f"{options.prefix}{number}",
                lwm2m_version=options.lwm2m,
                lifetime=options.lifetime,
                queue_mode=options.queue,
                awake_time=options.awake_time if options.queue else None,
                host=options.host,
            )
            for number in range(1, options.count + 1)
        ]
        if options.animate:
            spread(self.devices)

    async def register_all(self) -> None:
        gate = asyncio.Semaphore(REGISTRATION_CONCURRENCY)

        async def register(device: SimulatedDevice) -> None:
            async with gate:
                await device.start()
                async with asyncio.timeout(self.options.timeout):
                    location = await device.register(self.server)
                host, port = device.address
                _LOGGER.info(
                    "%s registered at %s from %s:%d", device.endpoint, location, host, port
                )

        async with asyncio.TaskGroup() as group:
            for device in self.devices:
                group.create_task(register(device))

    async def animate_forever(self, period: float) -> None:
        rng = random.Random()
        while True:
            await asyncio.sleep(period)
            for device in self.devices:
                if device.registered:
                    animate(device, rng)

    async def close(self) -> None:
        for device in self.devices:
            if device.registered:
                try:
                    async with asyncio.timeout(2):
                        await device.deregister()
                except Exception as err:  # the process ends either way
                    _LOGGER.info(
                        "%s could not deregister: %s", device.endpoint, failure_reason(err)
                    )
                else:
                    _LOGGER.info("%s deregistered", device.endpoint)
            await device.stop()


def failure_reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "no answer"
    cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(error) or type(error).__name__


async def run(options: argparse.Namespace) -> None:
    fleet = Fleet(options)
    try:
        try:
            await fleet.register_all()
        except ExceptionGroup as failures:
            reason = failure_reason(failures.exceptions[0])
            message = f"cannot register with the LwM2M server at {options.server}: {reason}"
            raise UsageError(message) from None
        _LOGGER.info("%d device(s) registered; Ctrl-C stops them", len(fleet.devices))
        if options.animate:
            await fleet.animate_forever(options.animate)
        else:
            await asyncio.Event().wait()
    finally:
        await fleet.close()


def main(argv: Sequence[str] | None = None) -> int:
    options = arguments(argv)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.INFO,
        format="%(asctime)s %(message)s",
    )
    if not options.verbose:
        logging.getLogger("coap").setLevel(logging.CRITICAL)
        logging.getLogger("coap-server").setLevel(logging.CRITICAL)
    # Started in the background by a shell, the process inherits SIGINT ignored; Ctrl-C (and
    # script/develop's stop) must still make the devices deregister.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        parse_server(options.server)
        raise_file_limit(options.count)
        asyncio.run(run(options))
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0
