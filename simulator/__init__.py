"""A simulated LwM2M client (device) for tests, benchmarks and demos.

Not part of the integration: it talks to any LwM2M server over CoAP/UDP.

    device = SimulatedDevice("sim-1", lwm2m_version="1.1", quirks=Quirks())
    await device.start()                          # binds its UDP socket
    await device.register(("127.0.0.1", 5683))    # -> "rd/..."
    device.set_value(Path.of(3303, 0, 5700), 23.5)  # observers get notified
    await device.send([Path.of(3303, 0, 5700)])   # LwM2M Send
    await device.deregister()
    await device.stop()

``python -m simulator --server coap://127.0.0.1:5683 --count 10 --animate 5`` runs a
fleet until interrupted.
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
