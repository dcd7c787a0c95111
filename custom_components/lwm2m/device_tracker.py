"""Device trackers: a device's Location object (/6), so it shows on the map.

Latitude and longitude come from /6/x/0 and /6/x/1, the accuracy from Radius (/6/x/3);
altitude, speed and the fix's timestamp are attributes. The mapping observes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

# The package's own name for it: newer releases deprecate the device_tracker.config_entry
# alias. Releases up to 2026.2 export it from the package without listing it in __all__.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined, unused-ignore]
    TrackerEntity,
)
from homeassistant.components.device_tracker.const import SourceType
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .data import LwM2MConfigEntry
from .descriptions import LwM2MTrackerDescription
from .engine import Path
from .entity import LwM2MEntity, async_setup_platform_entities

PARALLEL_UPDATES = 0
LATITUDE, LONGITUDE, ALTITUDE, RADIUS, TIMESTAMP, SPEED = 0, 1, 2, 3, 5, 6


async def async_setup_entry(
    hass: HomeAssistant, entry: LwM2MConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    async_setup_platform_entities(
        hass, entry, Platform.DEVICE_TRACKER, async_add_entities, LwM2MLocationTracker
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class LwM2MLocationTracker(LwM2MEntity, TrackerEntity):
    """Where the device says it is."""

    entity_description: LwM2MTrackerDescription

    _attr_source_type = SourceType.GPS

    @property
    def entity_category(self) -> EntityCategory | None:
        """The table's category (Home Assistant would make every tracker diagnostic)."""
        return self.entity_description.entity_category

    def _resource(self, resource_id: int) -> Any:
        return self.hub.value(self.endpoint, self.path.parent.child(resource_id))

    @property
    def watched_paths(self) -> frozenset[Path]:
        """Every resource of the Location instance the tracker shows."""
        instance = self.path.parent
        return frozenset(
            instance.child(resource)
            for resource in (LATITUDE, LONGITUDE, ALTITUDE, RADIUS, TIMESTAMP, SPEED)
        )

    @property
    def latitude(self) -> float | None:
        return _number(self._resource(LATITUDE))

    @property
    def longitude(self) -> float | None:
        return _number(self._resource(LONGITUDE))

    @property
    def location_accuracy(self) -> int:
        radius = _number(self._resource(RADIUS))
        return 0 if radius is None or radius < 0 else round(radius)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        timestamp = self._resource(TIMESTAMP)
        return {
            "altitude": _number(self._resource(ALTITUDE)),
            "speed": _number(self._resource(SPEED)),
            "timestamp": timestamp.isoformat() if isinstance(timestamp, datetime) else None,
        }
