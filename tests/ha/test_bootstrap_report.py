"""Bootstrap events in Home Assistant: bus events, rate-limited log lines, diagnostics."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.bootstrap_report import (
    REPORTS_PER_WINDOW,
    FailureGate,
    step_kind,
)
from custom_components.lwm2m.const import EVENT_BOOTSTRAP_FAILED, EVENT_BOOTSTRAP_FINISHED
from custom_components.lwm2m.diagnostics import (
    async_get_config_entry_diagnostics,
    async_get_device_diagnostics,
)
from custom_components.lwm2m.engine import (
    BootstrapFailed,
    BootstrapFinished,
    BootstrapStarted,
    DeviceCredentials,
    SecurityMode,
)

from .devices import device_of
from .fake_server import LoopbackBootstrap, TableServer


@pytest.fixture
def fired(hass: HomeAssistant) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []

    @callback
    def _seen(event: Event) -> None:
        seen.append((event.event_type, dict(event.data)))

    for name in (EVENT_BOOTSTRAP_FINISHED, EVENT_BOOTSTRAP_FAILED):
        hass.bus.async_listen(name, _seen)
    return seen


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "custom_components.lwm2m" and record.levelno == logging.WARNING
    ]


def _known(entry: MockConfigEntry, endpoint: str) -> None:
    entry.runtime_data.storage.credentials[endpoint] = DeviceCredentials(
        endpoint, SecurityMode.NO_SEC
    )


async def test_finished_bootstrap_fires_logs_and_is_remembered(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_server: TableServer,
    fake_bootstrap: LoopbackBootstrap,
    fired: list[tuple[str, dict[str, Any]]],
    register_sensor_device: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.lwm2m")
    await register_sensor_device("dev-1")
    fake_bootstrap.emit(BootstrapStarted("dev-1", secure=True))
    fake_bootstrap.emit(BootstrapFinished("dev-1", security_instance=1, duration=0.25))
    await hass.async_block_till_done()

    device = device_of(hass, "dev-1")
    assert device is not None
    assert fired == [
        (
            EVENT_BOOTSTRAP_FINISHED,
            {"endpoint": "dev-1", "device_id": device.id, "secure": True},
        )
    ]
    assert "dev-1 was bootstrapped over DTLS in 0.2 s" in caplog.text

    diagnostics = await async_get_device_diagnostics(hass, loaded_entry, device)
    last = diagnostics["last_bootstrap"]
    assert (last["result"], last["secure"], last["duration"]) == ("finished", True, 0.25)
    assert "at" in last
    entry_diagnostics = await async_get_config_entry_diagnostics(hass, loaded_entry)
    assert entry_diagnostics["bootstraps"]["dev-1"]["result"] == "finished"
    servers = entry_diagnostics["servers"]
    assert servers["bind_host"] == "127.0.0.1"
    for name, server in (("lwm2m", fake_server), ("bootstrap", fake_bootstrap)):
        assert servers[name]["port"] == server.port
        assert server.secure_port is not None
        assert servers[name]["secure_port"] == server.secure_port
        assert servers[name]["dtls_unavailable_reason"] is None
        assert servers[name]["dtls"]["handshakes_completed"] == 0


async def test_each_failure_is_reported_once_until_the_device_bootstraps(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_bootstrap: LoopbackBootstrap,
    fired: list[tuple[str, dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _known(loaded_entry, "dev-1")
    write_failed = BootstrapFailed(
        "dev-1", step="write /0/1", code="4.00", reason="bad payload", attempts=3
    )
    fake_bootstrap.emit(BootstrapStarted("dev-1"))
    fake_bootstrap.emit(write_failed)
    fake_bootstrap.emit(BootstrapStarted("dev-1"))
    fake_bootstrap.emit(BootstrapFailed("dev-1", step="write /1/0", code="4.00", reason="again"))
    fake_bootstrap.emit(BootstrapStarted("dev-1"))
    fake_bootstrap.emit(BootstrapFailed("dev-1", step="finish", code=None, reason="timeout"))
    await hass.async_block_till_done()

    assert fired == [
        (
            EVENT_BOOTSTRAP_FAILED,
            {
                "endpoint": "dev-1",
                "device_id": None,
                "step": "write /0/1",
                "code": "4.00",
                "reason": "bad payload",
            },
        ),
        (
            EVENT_BOOTSTRAP_FAILED,
            {
                "endpoint": "dev-1",
                "device_id": None,
                "step": "finish",
                "code": None,
                "reason": "timeout",
            },
        ),
    ]
    assert len(_warnings(caplog)) == 2
    assert "failed at finish (no answer): timeout" in _warnings(caplog)[1]
    # The last outcome is kept even when it was not reported.
    last = loaded_entry.runtime_data.bootstraps.last("dev-1")
    assert last is not None
    assert (last["step"], last["reason"], last["secure"]) == ("finish", "timeout", False)

    fake_bootstrap.emit(BootstrapFinished("dev-1"))
    fake_bootstrap.emit(write_failed)
    await hass.async_block_till_done()
    assert [event for event, _ in fired[2:]] == [EVENT_BOOTSTRAP_FINISHED, EVENT_BOOTSTRAP_FAILED]
    assert len(_warnings(caplog)) == 3


async def test_made_up_endpoints_cannot_flood_the_bus_the_log_or_memory(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    fake_bootstrap: LoopbackBootstrap,
    fired: list[tuple[str, dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for number in range(500):
        fake_bootstrap.emit(
            BootstrapFailed(
                f"spoof-{number}", step="request", code="4.03", reason="unknown endpoint"
            )
        )
    await hass.async_block_till_done()
    assert len(fired) == REPORTS_PER_WINDOW
    warnings = _warnings(caplog)
    assert len(warnings) == REPORTS_PER_WINDOW + 1
    assert "further ones are logged at debug level only" in warnings[-1]
    outcomes = loaded_entry.runtime_data.bootstraps.outcomes()
    assert len(outcomes) == REPORTS_PER_WINDOW


def test_gate_opens_again_after_its_window() -> None:
    now = [0.0]
    gate = FailureGate(per_window=2, window=60.0, clock=lambda: now[0])
    assert gate.allow("a", "request")
    assert not gate.allow("a", "request")
    assert gate.allow("b", "request")
    assert gate.window_just_filled
    assert not gate.allow("c", "request")
    assert gate.suppressed == 1
    assert not gate.window_just_filled
    now[0] = 61.0
    assert gate.allow("c", "request")
    assert not gate.allow("a", "request")  # still remembered: reported once
    gate.clear("a")
    assert gate.allow("a", "request")


def test_gate_forgets_the_oldest_failures_beyond_its_memory() -> None:
    gate = FailureGate(per_window=100, remembered=2)
    for endpoint in ("a", "b", "c"):
        assert gate.allow(endpoint, "request")
    assert gate.allow("a", "request")
    assert not gate.allow("c", "request")


@pytest.mark.parametrize(
    ("step", "kind"),
    [("request", "request"), ("write /0/1", "write"), ("delete /", "delete"), ("", "sequence")],
)
def test_step_kind(step: str, kind: str) -> None:
    assert step_kind(step) == kind
