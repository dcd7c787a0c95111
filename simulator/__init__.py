"""A simulated LwM2M client (device) for tests, benchmarks and demos.

Not part of the integration: it talks to any LwM2M server over CoAP/UDP on loopback.
"""

from .defaults import default_objects
from .device import RegistrationError, SimulatedDevice
from .objects import DeviceObject
from .quirks import Quirks
from .records import RequestRecord

__all__ = [
    "DeviceObject",
    "Quirks",
    "RegistrationError",
    "RequestRecord",
    "SimulatedDevice",
    "default_objects",
]
