"""What the entity table is made of: entity descriptions, and the rows that choose them.

Every entity is described by a Home Assistant ``EntityDescription`` of its platform, with
the fields every LwM2M entity adds: how it reads its resource (the resource's type,
whether it has instances, the names of its codes) and, for the entities a device
protocol's functionalities add, that functionality's settings. The table
(``entity_table.py``) holds a row per kind of resource with the description such
resources get; the resolver (``discovery.py``) completes it for one resource of one
object instance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from homeassistant.components.binary_sensor import BinarySensorEntityDescription
from homeassistant.components.button import ButtonEntityDescription

# The package's own name for it: newer releases deprecate the device_tracker.config_entry
# alias. Releases up to 2026.2 export it from the package without listing it in __all__.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined, unused-ignore]
    TrackerEntityDescription,
)
from homeassistant.components.event import EventEntityDescription
from homeassistant.components.number import NumberEntityDescription
from homeassistant.components.sensor import SensorEntityDescription
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.components.text import TextEntityDescription
from homeassistant.components.update import UpdateEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.entity import EntityDescription

from .device_protocols.alarms import AlarmSettings
from .device_protocols.settings import EventSettings, MeasurementSettings, ResourceSettings
from .engine import Operations, ResourceDef, ResourceType
from .values.names import ValueNames


class Role(StrEnum):
    """Which of a resource's entities a description describes; all but VALUE come from
    device-protocol functionalities."""

    VALUE = "value"
    ALARM = "alarm"
    ALARM_EVENTS = "alarm_events"
    EVENTS = "events"
    PAYLOAD = "payload"


@dataclass(frozen=True, kw_only=True)
class LwM2MEntityDescription(EntityDescription):
    """An LwM2M entity: Home Assistant's description, and how it reads its resource."""

    platform: ClassVar[Platform]
    role: Role = Role.VALUE
    resource_id: int = 0
    resource_type: ResourceType = ResourceType.NONE
    multiple: bool = False  # the resource has instances; the state is the lowest one's
    value_names: ValueNames | None = None  # codes an enum sensor names, or error meanings
    measurement: MeasurementSettings | None = None
    alarm: AlarmSettings | None = None
    event: EventSettings | None = None


@dataclass(frozen=True, kw_only=True)
class LwM2MSensorDescription(SensorEntityDescription, LwM2MEntityDescription):
    platform = Platform.SENSOR


@dataclass(frozen=True, kw_only=True)
class LwM2MBinarySensorDescription(BinarySensorEntityDescription, LwM2MEntityDescription):
    platform = Platform.BINARY_SENSOR


@dataclass(frozen=True, kw_only=True)
class LwM2MSwitchDescription(SwitchEntityDescription, LwM2MEntityDescription):
    platform = Platform.SWITCH


@dataclass(frozen=True, kw_only=True)
class LwM2MNumberDescription(NumberEntityDescription, LwM2MEntityDescription):
    platform = Platform.NUMBER


@dataclass(frozen=True, kw_only=True)
class LwM2MTextDescription(TextEntityDescription, LwM2MEntityDescription):
    platform = Platform.TEXT


@dataclass(frozen=True, kw_only=True)
class LwM2MButtonDescription(ButtonEntityDescription, LwM2MEntityDescription):
    platform = Platform.BUTTON


@dataclass(frozen=True, kw_only=True)
class LwM2MEventDescription(EventEntityDescription, LwM2MEntityDescription):
    platform = Platform.EVENT


@dataclass(frozen=True, kw_only=True)
class LwM2MUpdateDescription(UpdateEntityDescription, LwM2MEntityDescription):
    platform = Platform.UPDATE


@dataclass(frozen=True, kw_only=True)
class LwM2MTrackerDescription(TrackerEntityDescription, LwM2MEntityDescription):
    platform = Platform.DEVICE_TRACKER


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityRow:
    """One row of the entity table: which resources it matches, and what they become.

    A row without a description gives the resources it matches no entity of their own;
    with ``observe`` they are still observed (for an entity that reads them along with
    another resource of its instance). ``primary`` names the entity after its object;
    ``units_decide`` lets the DDF's Units fill in the unit and classes the row leaves open.
    An ``on_request`` row describes its resources' entity but creates it only when the
    object's device protocol shows the resource: no registry entry otherwise.
    """

    description: LwM2MEntityDescription | None
    objects: frozenset[int] | None = None
    resources: frozenset[int] | None = None
    types: frozenset[ResourceType] | None = None
    operations: frozenset[Operations] | None = None
    multiple: bool | None = None
    primary: bool = False
    units_decide: bool = False
    observe: bool = False
    on_request: bool = False

    def matches(self, object_id: int, resource: ResourceDef) -> bool:
        return (
            (self.objects is None or object_id in self.objects)
            and (self.resources is None or resource.id in self.resources)
            and (self.types is None or resource.type in self.types)
            and (self.operations is None or resource.operations in self.operations)
            and (self.multiple is None or resource.multiple == self.multiple)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionRow:
    """A row for device-protocol functionalities: an entity a resource gets beside its
    value entity when its settings ``need`` one."""

    needs: Callable[[ResourceSettings], bool]
    description: LwM2MEntityDescription
