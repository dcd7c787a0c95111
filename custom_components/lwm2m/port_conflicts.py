"""A UDP port another program or integration holds: who it likely is, a free port to use
instead, and the repair issue while the entry waits for its port.

Home Assistant's Shelly integration listens for CoIoT on UDP 5683, the LwM2M default,
inside Home Assistant itself: a port held by this very process is named after the
integration known to use it when that integration is loaded.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .engine import BindAddressError, first_taken_port
from .port_owner import PortOwner, udp_port_owner

PORT_IN_USE = "port_in_use"
# Integrations of Home Assistant known to hold a UDP port, by port.
KNOWN_HOLDERS: dict[int, tuple[tuple[str, str], ...]] = {
    5683: (("shelly", "the Shelly integration (its CoIoT listener)"),),
}
HIGHEST_PORT = 65535


def describe_owner(hass: HomeAssistant, port: int, owner: PortOwner | None) -> str | None:
    """Who holds ``port``, for a message; None when nobody can tell."""
    if owner is None:
        return None
    if not owner.is_this_process:
        return str(owner)
    for domain, label in KNOWN_HOLDERS.get(port, ()):
        if domain in hass.config.components:
            return f"{label}, inside Home Assistant"
    return "another integration, inside Home Assistant"


async def async_port_owner(hass: HomeAssistant, port: int) -> str | None:
    owner = await hass.async_add_executor_job(udp_port_owner, port)
    return describe_owner(hass, port, owner)


def taken_port(address: str, ports: Iterable[int]) -> int | None:
    """The first of ``ports`` another program holds where the servers bind; None when none
    is (or the address is no longer usable). Blocking: run it in the executor."""
    try:
        return first_taken_port(address, ports)
    except BindAddressError:
        return None


def free_port_near(address: str, taken: int, avoid: Iterable[int]) -> int | None:
    """The first port above ``taken`` that binds where the servers bind and is none of
    ``avoid``. Blocking: run it in the executor."""
    skip = set(avoid)
    for port in range(taken + 1, min(taken + 200, HIGHEST_PORT + 1)):
        if port not in skip and first_taken_port(address, [port]) is None:
            return port
    return None


def address_in_use(err: OSError) -> bool:
    return err.errno in (errno.EADDRINUSE, errno.EACCES)


def async_update_port_issue(
    hass: HomeAssistant, port: int | None = None, server: str = "", owner: str | None = None
) -> None:
    """The repair issue of a taken port while the entry waits for it; none with no port."""
    if port is None:
        ir.async_delete_issue(hass, DOMAIN, PORT_IN_USE)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        PORT_IN_USE,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="port_in_use_by" if owner else "port_in_use",
        translation_placeholders={"port": str(port), "server": server, "owner": owner or ""},
    )


async def async_describe_bind_failure(
    hass: HomeAssistant,
    address: str,
    server: str,
    ports: list[int],
    cause: BaseException | None,
) -> tuple[str, dict[str, str]]:
    """The translation key and placeholders of a server (``server`` or ``bootstrap``) that
    could not bind ``ports``: the one port another program holds and who holds it, as the
    repair issue it raises says; else the ports and the cause, without a raw errno."""
    if isinstance(cause, Exception) and isinstance(cause.__cause__, OSError):
        cause = cause.__cause__  # the secure port's bind error, wrapped by DTLS
    taken = None
    if isinstance(cause, OSError) and address_in_use(cause):
        taken = await hass.async_add_executor_job(taken_port, address, ports)
    if taken is None:
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause)
        return f"{server}_start_failed", {"ports": ", ".join(map(str, ports)), "error": reason}
    name = "LwM2M server" if server == "server" else "bootstrap server"
    owner = await async_port_owner(hass, taken)
    async_update_port_issue(hass, taken, name, owner)
    key = "port_in_use_by" if owner else "port_in_use"
    return key, {"port": str(taken), "server": name, "owner": owner or ""}
