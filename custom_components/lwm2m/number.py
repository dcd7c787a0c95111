"""Numbers: writable numeric resources, bounded by the DDF's range."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .discovery import EntityTarget
from .engine import ResourceType
from .entity import LwM2MEntity, async_setup_platform_entities
from .hub import LwM2MHub

PARALLEL_UPDATES = 1
# Without a DDF range: the widest range Home Assistant's frontend handles well.
UNBOUNDED = 1_000_000_000.0


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(hass, entry, Platform.NUMBER, async_add_entities, LwM2MNumber)


class LwM2MNumber(LwM2MEntity, NumberEntity):
    """Setting it writes the resource; integers step by 1."""

    def __init__(self, hub: LwM2MHub, target: EntityTarget) -> None:
        super().__init__(hub, target)
        spec = target.spec
        is_float = spec.resource_type is ResourceType.FLOAT
        unsigned = spec.resource_type is ResourceType.UNSIGNED_INTEGER
        self._attr_native_min_value = (
            spec.minimum if spec.minimum is not None else (0.0 if unsigned else -UNBOUNDED)
        )
        self._attr_native_max_value = spec.maximum if spec.maximum is not None else UNBOUNDED
        self._attr_native_step = 0.01 if is_float else 1.0
        self._attr_native_unit_of_measurement = spec.unit

    @property
    def native_value(self) -> float | None:
        value = self.resource_value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    async def async_set_native_value(self, value: float) -> None:
        if self.target.spec.resource_type is not ResourceType.FLOAT:
            await self.async_write_value(int(value))
        else:
            await self.async_write_value(value)
