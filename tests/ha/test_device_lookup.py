"""The endpoint's device is looked up within its own config entry, on every release."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lwm2m.const import DOMAIN
from custom_components.lwm2m.device_lookup import endpoint_device


def _entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN)
    entry.add_to_hass(hass)
    return entry


async def test_the_entry_finds_its_own_device(hass: HomeAssistant) -> None:
    entry = _entry(hass)
    created = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "dev-1")}
    )
    assert endpoint_device(hass, entry.entry_id, "dev-1") == created
    assert endpoint_device(hass, entry.entry_id, "dev-2") is None


async def test_another_entrys_device_is_not_found(hass: HomeAssistant) -> None:
    mine, theirs = _entry(hass), _entry(hass)
    dr.async_get(hass).async_get_or_create(
        config_entry_id=theirs.entry_id, identifiers={(DOMAIN, "dev-1")}
    )
    assert endpoint_device(hass, mine.entry_id, "dev-1") is None
