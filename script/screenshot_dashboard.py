"""Screenshots of the example dashboard from a running ``script/develop``.

Run through ``script/screenshots`` while ``script/develop`` runs. It finishes Home
Assistant's onboarding with a development owner (or logs in as that owner), registers a
demo firmware image through the integration's options flow and installs it on demo-1,
waits for the temperature history to fill, then drives a headless Chromium over the
DevTools protocol and writes the PNG files into docs/.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("SCREENSHOT_URL", "http://localhost:8123")
CLIENT_ID = f"{BASE}/"
USERNAME = os.environ.get("SCREENSHOT_USER", "dev")
PASSWORD = os.environ.get("SCREENSHOT_PASSWORD", "dev-password")  # a local development owner
DEMO_IMAGE_VERSION = "1.0.1"  # the version a simulated 1.0.0 device installs
DEMO_MODEL = "SIM-100"
DASHBOARD = "/lwm2m-demo/fleet"  # config/dashboards/lwm2m.yaml, as configuration.yaml names it
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def say(text: str) -> None:
    print(f"[screenshots] {text}", flush=True)


class HomeAssistant:
    """The REST calls the screenshots need, as the development owner."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.tokens: dict[str, Any] = {}

    async def login(self) -> None:
        async with self.session.get(f"{BASE}/api/onboarding") as response:
            steps = {step["step"]: step["done"] for step in await response.json()}
        if not steps.get("user", True):
            say(f"onboarding: creating the owner {USERNAME!r}")
            code = await self._post_json(
                "/api/onboarding/users",
                {
                    "client_id": CLIENT_ID,
                    "name": "Developer",
                    "username": USERNAME,
                    "password": PASSWORD,
                    "language": "en",
                },
                auth=False,
            )
            await self._token(code["auth_code"])
        else:
            await self._token(await self._login_flow())
        for step in ("core_config", "analytics", "integration"):
            if not steps.get(step, True):
                body: dict[str, Any] = {}
                if step == "integration":
                    body = {"client_id": CLIENT_ID, "redirect_uri": f"{BASE}/?auth_callback=1"}
                await self._post_json(f"/api/onboarding/{step}", body)

    async def _login_flow(self) -> str:
        flow = await self._post_json(
            "/auth/login_flow",
            {
                "client_id": CLIENT_ID,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{BASE}/?auth_callback=1",
            },
            auth=False,
        )
        result = await self._post_json(
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": CLIENT_ID, "username": USERNAME, "password": PASSWORD},
            auth=False,
        )
        if result.get("type") != "create_entry":
            raise SystemExit(
                "[screenshots] cannot log in: set SCREENSHOT_USER and SCREENSHOT_PASSWORD "
                "to an owner of this configuration"
            )
        return str(result["result"])

    async def _token(self, code: str) -> None:
        data = {"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID}
        async with self.session.post(f"{BASE}/auth/token", data=data) as response:
            response.raise_for_status()
            self.tokens = await response.json()

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    async def _post_json(self, path: str, body: Any, *, auth: bool = True) -> Any:
        headers = self._headers if auth else {}
        async with self.session.post(f"{BASE}{path}", json=body, headers=headers) as response:
            if response.status >= 400:
                raise SystemExit(f"[screenshots] {path}: {response.status} {await response.text()}")
            return await response.json()

    async def get(self, path: str) -> Any:
        async with self.session.get(f"{BASE}{path}", headers=self._headers) as response:
            response.raise_for_status()
            return await response.json()

    async def add_demo_image(self) -> None:
        """Register a demo image for the demo devices' model, once."""
        entries = await self.get("/api/config/config_entries/entry")
        (entry,) = [item for item in entries if item["domain"] == "lwm2m"]
        flow = await self._post_json(
            "/api/config/config_entries/options/flow", {"handler": entry["entry_id"]}
        )
        step = f"/api/config/config_entries/options/flow/{flow['flow_id']}"
        menu = await self._post_json(step, {"next_step_id": "firmware_images"})
        if DEMO_IMAGE_VERSION in menu["description_placeholders"]["images"]:
            say("the demo firmware image is registered already")
            await self.session.delete(f"{BASE}{step}", headers=self._headers)
            return
        await self._post_json(step, {"next_step_id": "firmware_add"})
        form = aiohttp.FormData()
        form.add_field("file", os.urandom(256 * 1024), filename="demo-firmware.bin")
        async with self.session.post(
            f"{BASE}/api/file_upload", data=form, headers=self._headers
        ) as response:
            response.raise_for_status()
            file_id = (await response.json())["file_id"]
        done = await self._post_json(
            step,
            {
                "file": file_id,
                "version": DEMO_IMAGE_VERSION,
                "name": "demo-firmware",
                "models": DEMO_MODEL,
            },
        )
        say(f"options flow: {done.get('reason')} ({done.get('description_placeholders')})")

    async def install_on(self, entity_id: str) -> None:
        state = await self.get(f"/api/states/{entity_id}")
        if state["attributes"].get("installed_version") == DEMO_IMAGE_VERSION:
            return
        say(f"installing {DEMO_IMAGE_VERSION} on {entity_id}")
        started = time.monotonic()
        await self._post_json("/api/services/update/install", {"entity_id": entity_id})
        say(f"installed in {time.monotonic() - started:.1f} s")


class Browser:
    """A headless Chromium driven over the DevTools protocol."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.profile = tempfile.mkdtemp(prefix="lwm2m-shots-")
        self.process: asyncio.subprocess.Process | None = None
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = 0

    async def start(self) -> None:
        binary = next((path for name in BROWSERS if (path := shutil.which(name))), None)
        if binary is None:
            raise SystemExit("[screenshots] no Chromium: apt-get install chromium")
        self.process = await asyncio.create_subprocess_exec(
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        async with asyncio.timeout(30):
            # Chromium writes the port it picked into this file: no event to wait on.
            while not port_file.exists() or not port_file.read_text().strip():  # noqa: ASYNC110
                await asyncio.sleep(0.2)
        port = port_file.read_text().split()[0]
        async with self.session.get(f"http://127.0.0.1:{port}/json/list") as response:
            page = next(t for t in await response.json() if t["type"] == "page")
        self.socket = await self.session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        assert self.socket is not None
        self._ids += 1
        await self.socket.send_json({"id": self._ids, "method": method, "params": params})
        while True:
            message = json.loads((await self.socket.receive()).data)
            if message.get("id") == self._ids:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    async def sign_in(self, tokens: dict[str, Any]) -> None:
        """Hand the frontend the tokens the way it keeps them itself."""
        await self.call("Page.enable")
        await self.call("Page.navigate", url=f"{BASE}/")
        await asyncio.sleep(2)
        stored = {
            **tokens,
            "hassUrl": BASE,
            "clientId": CLIENT_ID,
            "expires": int(time.time() * 1000) + int(tokens["expires_in"]) * 1000,
        }
        await self.call(
            "Runtime.evaluate",
            expression=f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(stored))})",
        )

    async def shoot(self, path: str, size: tuple[int, int], target: Path, wait: float) -> None:
        width, height = size
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        await self.call("Page.navigate", url=f"{BASE}{path}")
        await asyncio.sleep(wait)
        shot = await self.call("Page.captureScreenshot", format="png")
        target.write_bytes(base64.b64decode(shot["data"]))
        say(f"wrote {target.relative_to(ROOT)}")

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.process is not None:
            self.process.terminate()
            async with asyncio.timeout(10):
                await self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--history", type=float, default=0, help="seconds to let the graphs fill first"
    )
    options = parser.parse_args()
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    # The threaded resolver: the one aiohttp picks may not match the installed DNS library.
    connector = aiohttp.TCPConnector(resolver=aiohttp.ThreadedResolver())
    async with aiohttp.ClientSession(connector=connector) as session:
        hass = HomeAssistant(session)
        await hass.login()
        await hass.add_demo_image()
        await hass.install_on("update.demo_1_firmware")
        if options.history:
            say(f"waiting {options.history:.0f} s for the graphs")
            await asyncio.sleep(options.history)
        browser = Browser(session)
        await browser.start()
        try:
            await browser.sign_in(hass.tokens)
            await browser.shoot(DASHBOARD, (1400, 1000), docs / "dashboard.png", 10)
        finally:
            await browser.stop()


if __name__ == "__main__":
    asyncio.run(main())
