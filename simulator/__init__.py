"""A simulated LwM2M client (device) for tests, benchmarks and demos.

Not part of the integration: it talks to any LwM2M server over CoAP/UDP.

    device = SimulatedDevice("sim-1", lwm2m_version="1.1", quirks=Quirks())
    await device.start()                          # binds its UDP socket
    await device.register(("127.0.0.1", 5683))    # -> "rd/..."
    device.set_value(Path.of(3303, 0, 5700), 23.5)  # observers get notified
    await device.send([Path.of(3303, 0, 5700)])   # LwM2M Send
    await device.deregister()
    await device.stop()

Bootstrap, client-initiated (the bootstrap account goes to Security instance
``Quirks.bootstrap_account_instance``)::

    await device.bootstrap(("127.0.0.1", 5784), psk=("bs-identity", key), pct=112)
    device.instances(0), device.instances(1)      # what the server wrote
    await device.register_from_bootstrap()        # coaps:// when the account says PSK
    device.faults.add("PUT", "/0/1", Code.INTERNAL_SERVER_ERROR)  # answer one write 5.00

``python -m simulator --server coap://127.0.0.1:5683 --count 10 --animate 5`` runs a
fleet until interrupted.
"""

from .accounts import ServerAccount
from .defaults import default_objects
from .device import BootstrapError, RegistrationError, SimulatedDevice
from .faults import Faults
from .objects import DeviceObject
from .quirks import Quirks
from .records import RequestRecord

__all__ = [
    "BootstrapError",
    "DeviceObject",
    "Faults",
    "Quirks",
    "RegistrationError",
    "RequestRecord",
    "ServerAccount",
    "SimulatedDevice",
    "default_objects",
]
