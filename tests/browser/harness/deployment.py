"""A Home Assistant started for browser tests: configured like script/develop, onboarded
through its API, with the LwM2M entry and simulated devices when asked for."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Playwright

from .api import HomeAssistantApi, Tokens
from .devices import SimulatedDevices
from .home_assistant import (
    HomeAssistantProcess,
    free_port,
    free_udp_ports,
    seed_entry,
    seed_store,
    write_configuration,
)
from .wakaama import WakaamaDevice, wakaama_binary

CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1280, "height": 900}
# A US installation: units the integration reports in metric must be converted alike.
CORE = {"homeassistant": {"unit_system": "us_customary", "time_zone": "UTC", "country": "US"}}


def chromium_path() -> str:
    """Debian's chromium (script/setup installs it); Playwright's own downloads are not used."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("chromium is missing: run script/setup (it installs it)")
    return path


def launch_browser(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)


@dataclass
class Deployment:
    """One running Home Assistant and what the tests need to reach it."""

    home_assistant: HomeAssistantProcess
    api: HomeAssistantApi
    tokens: Tokens
    ports: dict[str, int]
    devices: SimulatedDevices | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    others: list[SimulatedDevices | WakaamaDevice] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.home_assistant.url

    @property
    def config_dir(self) -> Path:
        return self.home_assistant.config_dir

    def new_context(self, browser: Browser) -> BrowserContext:
        """A signed-in browser context that reaches nothing but this Home Assistant."""
        context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[arg-type]
        url = self.url

        def only_local(route: Any) -> None:
            target = route.request.url
            if target.startswith((url, "data:", "blob:")):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", only_local)
        stored = json.dumps(json.dumps(self.tokens.for_frontend(url)))
        context.add_init_script(f"window.localStorage.setItem('hassTokens', {stored});")
        return context

    def start_devices(self, count: int = 3, prefix: str = "demo-") -> SimulatedDevices:
        """script/develop's demo devices, registered with the entry's CoAP port."""
        self.stop_devices()
        self.devices = SimulatedDevices(
            self.ports["coap_port"], count, prefix, self.config_dir / "devices.log"
        )
        self.devices.start()
        last = f"sensor.{prefix.replace('-', '_')}{count}_temperature"
        self.api.wait_for(f"{last} to report", lambda: _reported(self.api.state(last)))
        return self.devices

    def stop_devices(self) -> None:
        if self.devices is not None:
            self.devices.stop()
            self.devices = None
        for other in self.others:
            other.stop()
        self.others.clear()

    def add_devices(
        self, count: int, prefix: str, *, queue: bool = False, animate: float = 5
    ) -> SimulatedDevices:
        """More simulated devices beside the demo ones, registered once this returns."""
        devices = SimulatedDevices(
            self.ports["coap_port"],
            count,
            prefix,
            self.config_dir / f"{prefix}devices.log",
            animate,
            queue=queue,
        )
        devices.start()
        self.others.append(devices)
        for endpoint in devices.endpoints:
            self.wait_registered(endpoint)
        return devices

    def add_wakaama(self, endpoint: str) -> WakaamaDevice:
        """Eclipse Wakaama's client, registered once this returns (skips without it)."""
        device = WakaamaDevice(
            wakaama_binary(), endpoint, self.ports["coap_port"], self.config_dir / "wakaama.log"
        )
        device.start()
        self.others.append(device)
        self.wait_registered(endpoint)
        return device

    def logged(self, text: str) -> int:
        """How many lines of Home Assistant's log hold ``text`` (at any level)."""
        log = self.home_assistant.log_path
        if not log.exists():
            return 0
        return sum(text in line for line in log.read_text("utf-8", errors="replace").splitlines())

    def wait_registered(self, endpoint: str) -> None:
        """Until the endpoint's entities report (the hub made its device)."""
        slug = endpoint.replace("-", "_")

        def reported() -> bool:
            return any(
                state["entity_id"].split(".", 1)[1].startswith(f"{slug}_")
                and state["state"] != "unavailable"
                for state in self.api.states()
            )

        self.api.wait_for(f"{endpoint} to register", reported)


def _reported(state: dict[str, Any] | None) -> bool:
    return state is not None and state["state"] not in ("unknown", "unavailable")


def entry_data(ports: dict[str, int], policy: str = "open") -> dict[str, Any]:
    return {
        "bind_address": "127.0.0.1",
        **ports,
        "server_uri": f"coap://127.0.0.1:{ports['coap_port']}",
        "security_policy": policy,
    }


@contextmanager
def deployment(
    playwright: Playwright,
    config_dir: Path,
    *,
    with_entry: bool = True,
    policy: str = "open",
    devices: int = 3,
    stored: Mapping[str, Any] | None = None,
) -> Iterator[Deployment]:
    """Home Assistant in ``config_dir``, onboarded; the LwM2M entry on free loopback ports
    (``with_entry``) and ``devices`` demo devices registered with it. ``stored`` seeds
    Home Assistant's storage: the data of each Store key (``lwm2m.credentials``, ...)."""
    names = ("coap_port", "coaps_port", "bootstrap_port", "bootstraps_port")
    ports = dict(zip(names, free_udp_ports(len(names)), strict=True))
    http_port = free_port()
    write_configuration(config_dir, http_port, CORE)
    if with_entry:
        seed_entry(config_dir, entry_data(ports, policy))
    for key, data in (stored or {}).items():
        seed_store(config_dir, key, data)
    process = HomeAssistantProcess(config_dir, http_port)
    api: HomeAssistantApi | None = None
    running: Deployment | None = None
    try:
        process.start()
        api = HomeAssistantApi(playwright, process.url)
        running = Deployment(process, api, api.onboard(), ports)
        # Pages opened while Home Assistant still starts up race its frontend's data.
        api.wait_for("Home Assistant to run", lambda: api.get("/api/config")["state"] == "RUNNING")
        if with_entry and devices:
            running.start_devices(devices)
        yield running
    finally:
        if running is not None:
            running.stop_devices()
        if api is not None:
            api.close()
        process.stop()
