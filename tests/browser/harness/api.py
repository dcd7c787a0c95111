"""Home Assistant's HTTP API as the browser's user: onboarding, tokens, states, flows.

Requests go through Playwright's request context (the browser tooling's own HTTP client),
so a test needs nothing else to talk to Home Assistant.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import APIRequestContext, Page, Playwright

OWNER = "owner"
PASSWORD = "browser-test-password"  # a throwaway owner of a throwaway configuration


@dataclass(frozen=True)
class Tokens:
    """The OAuth tokens of the owner, in the form the frontend keeps them."""

    access_token: str
    refresh_token: str
    expires_in: int

    def for_frontend(self, url: str) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
            "hassUrl": url,
            "clientId": f"{url}/",
            "expires": int(time.time() * 1000) + self.expires_in * 1000,
        }


class HomeAssistantApi:
    """REST calls to one Home Assistant, onboarded through its API on first use."""

    def __init__(self, playwright: Playwright, url: str) -> None:
        self.url = url
        self.client_id = f"{url}/"
        self._request: APIRequestContext = playwright.request.new_context(base_url=url)
        self.tokens: Tokens | None = None

    def close(self) -> None:
        self._request.dispose()

    def onboard(self) -> Tokens:
        """Create the owner and finish every onboarding step, as the onboarding pages do."""
        created = self._post(
            "/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": "Installer",
                "username": OWNER,
                "password": PASSWORD,
                "language": "en",
            },
            auth=False,
        )
        response = self._request.post(
            "/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": created["auth_code"],
                "client_id": self.client_id,
            },
        )
        assert response.ok, response.text()
        body = response.json()
        self.tokens = Tokens(body["access_token"], body["refresh_token"], body["expires_in"])
        self._post("/api/onboarding/core_config", {})
        self._post("/api/onboarding/analytics", {})
        self._post(
            "/api/onboarding/integration",
            {"client_id": self.client_id, "redirect_uri": f"{self.url}/?auth_callback=1"},
        )
        return self.tokens

    @property
    def _headers(self) -> dict[str, str]:
        assert self.tokens is not None, "onboard() first"
        return {"Authorization": f"Bearer {self.tokens.access_token}"}

    def _post(self, path: str, body: Any, *, auth: bool = True) -> Any:
        headers = self._headers if auth else {}
        response = self._request.post(path, data=body, headers=headers)
        assert response.ok, f"POST {path}: {response.status} {response.text()}"
        return response.json()

    def get(self, path: str) -> Any:
        response = self._request.get(path, headers=self._headers)
        assert response.ok, f"GET {path}: {response.status} {response.text()}"
        return response.json()

    def post(self, path: str, body: Any) -> Any:
        return self._post(path, body)

    def template(self, template: str) -> str:
        response = self._request.post(
            "/api/template", data={"template": template}, headers=self._headers
        )
        assert response.ok, f"template: {response.status} {response.text()}"
        return response.text()

    def device_id(self, entity_id: str) -> str:
        return self.template(f"{{{{ device_id('{entity_id}') }}}}")

    def state(self, entity_id: str) -> dict[str, Any] | None:
        response = self._request.get(f"/api/states/{entity_id}", headers=self._headers)
        if response.status == 404:
            return None
        assert response.ok, response.text()
        result: dict[str, Any] = response.json()
        return result

    def states(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.get("/api/states")
        return result

    def entry(self, domain: str = "lwm2m") -> dict[str, Any] | None:
        entries = self.get("/api/config/config_entries/entry")
        return next((entry for entry in entries if entry["domain"] == domain), None)

    def wait_for(self, what: str, check: Any, timeout: float = 60) -> Any:
        """Poll ``check()`` until it returns something truthy (over HTTP: no event to await)."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f} s for {what}")
            time.sleep(0.5)


def websocket(page: Page, message: dict[str, Any]) -> Any:
    """A websocket command through the signed-in frontend's own connection."""
    return page.evaluate(
        "message => document.querySelector('home-assistant').hass.callWS(message)", message
    )
