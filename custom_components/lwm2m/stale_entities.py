"""Registry entries a device's entities left behind in an earlier run.

When the entity table stops giving a resource an entity by default (or a DDF drops a
resource), the registry still holds the entry Home Assistant created for it. An entry
the integration disabled and the user never enabled stands for nothing the user chose:
it goes when the device's entities are first worked out after a start. An entry the user
enabled stays (shown as no longer provided), so nothing the user set up vanishes unseen.
"""

from __future__ import annotations

from collections.abc import Container

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN
from .device_lookup import endpoint_device


def remove_untouched_leftovers(
    hass: HomeAssistant, entry_id: str, endpoint: str, wanted: Container[str]
) -> None:
    """Remove the device's entries the integration disabled whose unique id is not wanted."""
    device = endpoint_device(hass, entry_id, endpoint)
    if device is None:
        return
    registry = er.async_get(hass)
    leftovers = [
        entry.entity_id
        for entry in er.async_entries_for_device(
            registry, device.id, include_disabled_entities=True
        )
        if entry.platform == DOMAIN
        and entry.config_entry_id == entry_id
        and entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        and entry.unique_id not in wanted
    ]
    for entity_id in leftovers:
        registry.async_remove(entity_id)
