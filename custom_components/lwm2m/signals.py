"""Dispatcher signals between the hub and its entities."""

from __future__ import annotations

from homeassistant.const import Platform

from .const import DOMAIN


def signal_new_entities(entry_id: str, platform: Platform) -> str:
    """Sent with a list of EntityTarget when entities of ``platform`` appear."""
    return f"{DOMAIN}_{entry_id}_new_{platform}"


def signal_received(entry_id: str, endpoint: str) -> str:
    """Sent with the set of resource paths the device reported, changed or not."""
    return f"{DOMAIN}_{entry_id}_received_{endpoint}"


def signal_firmware(entry_id: str, endpoint: str) -> str:
    """Sent with the FirmwareStatus of the device's update whenever it moves on."""
    return f"{DOMAIN}_{entry_id}_firmware_{endpoint}"


def signal_firmware_images(entry_id: str) -> str:
    """Sent when firmware images were added or removed."""
    return f"{DOMAIN}_{entry_id}_firmware_images"
