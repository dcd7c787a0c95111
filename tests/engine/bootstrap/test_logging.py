"""No PSK key or identity in any log line, with every logger at DEBUG (aiocoap's too),
over a full DTLS bootstrap, a DTLS registration, a read, and refused attempts."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from custom_components.lwm2m.engine import BootstrapFailed, BootstrapFinished, Path
from simulator import BootstrapError
from tests.tinydtls import requires_tinydtls

from .harness import (
    EXTERNAL_BOOTSTRAP_ID,
    KEYS,
    DeviceFactory,
    Stack,
    bootstrap_psk,
)


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def all_logs() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    loggers = [root] + [
        item
        for item in logging.Logger.manager.loggerDict.values()
        if isinstance(item, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    for logger, level in levels.items():
        logger.setLevel(level)


def forbidden() -> list[str]:
    strings = [EXTERNAL_BOOTSTRAP_ID]
    for lwm2m_id, lwm2m_key, bootstrap_id, bootstrap_key in KEYS.values():
        strings += [lwm2m_id, bootstrap_id]
        for key in (lwm2m_key, bootstrap_key):
            strings += [key.hex(), key.hex().upper(), repr(key), key.decode("latin-1")]
            strings += [repr(key)[2:-1]]
    return strings


@requires_tinydtls
async def test_no_secret_in_any_log_line(
    all_logs: Everything, stack: Stack, make_device: DeviceFactory
) -> None:
    # Loggers created during the run start at DEBUG too.
    logging.getLogger().setLevel(logging.DEBUG)
    device = await make_device("meter-a")
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-a"))
    await finished
    await device.register_from_bootstrap()
    assert await stack.server.read("meter-a", Path.of(3, 0, 0))

    intruder = await make_device("meter-b")
    refused = stack.events.next(BootstrapFailed)
    with pytest.raises(BootstrapError):
        await intruder.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-a"))
    await refused

    # The capture saw the run: the servers' aiocoap contexts and the device's DTLS client.
    sources = {line.split(" ", 1)[0] for line in all_logs.lines}
    assert {"custom_components.lwm2m.engine.coap", "simulator.coaps"} <= sources
    assert len(all_logs.lines) > 50
    text = "\n".join(all_logs.lines)
    leaked = [secret for secret in forbidden() if secret in text]
    assert leaked == []
