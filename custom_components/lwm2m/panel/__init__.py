"""The LwM2M sidebar panel: devices, their objects, operations, shell, bootstrap parameters
and audit, for administrators.

The page is one ES module built from ``frontend/src`` (``script/build_frontend``) and
committed as ``frontend/lwm2m-panel.js``: Home Assistant serves it from the integration's
own folder (installations are often offline). Its back end is the websocket API of
``websocket.py``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from homeassistant.components import frontend, panel_custom
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from ..const import DOMAIN

PANEL_URL_PATH = DOMAIN
STATIC_URL = f"/{DOMAIN}_panel"
ELEMENT = "lwm2m-panel"
BUNDLE = Path(__file__).parent.parent / "frontend" / f"{ELEMENT}.js"
SIDEBAR_TITLE = "LwM2M"
SIDEBAR_ICON = "mdi:access-point-network"
_STATIC_REGISTERED = f"{DOMAIN}_panel_static"


def _bundle_version() -> str:
    """A digest of the bundle: browsers fetch a changed one instead of a cached one."""
    return hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:12]


async def async_register_panel(hass: HomeAssistant) -> CALLBACK_TYPE:
    """Show the panel in the sidebar (admins only) while the entry is loaded."""
    if not hass.data.get(_STATIC_REGISTERED):
        await hass.http.async_register_static_paths(
            [StaticPathConfig(STATIC_URL, str(BUNDLE.parent), cache_headers=True)]
        )
        hass.data[_STATIC_REGISTERED] = True
    version = await hass.async_add_executor_job(_bundle_version)
    await panel_custom.async_register_panel(
        hass,
        frontend_url_path=PANEL_URL_PATH,
        webcomponent_name=ELEMENT,
        sidebar_title=SIDEBAR_TITLE,
        sidebar_icon=SIDEBAR_ICON,
        module_url=f"{STATIC_URL}/{BUNDLE.name}?v={version}",
        embed_iframe=False,
        require_admin=True,
    )

    @callback
    def _remove() -> None:
        frontend.async_remove_panel(hass, PANEL_URL_PATH)

    return _remove
