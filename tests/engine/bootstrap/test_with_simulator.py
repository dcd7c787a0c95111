"""Client-initiated bootstrap of the simulator, over NoSec and DTLS-PSK, then registration.

The credentials come from CSV text in both reference layouts; the simulated device
must end up with exactly the Security and Server instances its row describes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.lwm2m.engine import BootstrapFinished, BootstrapStarted, Path, Registered
from simulator import Quirks
from tests.tinydtls import requires_tinydtls

from .harness import (
    EXTERNAL_BOOTSTRAP_ID,
    KEYS,
    DeviceFactory,
    Stack,
    bootstrap_psk,
)

MANUFACTURER = Path.of(3, 0, 0)


async def test_nosec_bootstrap_then_plain_registration(
    stack: Stack, make_device: DeviceFactory
) -> None:
    device = await make_device("plain-meter")
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.bootstrap_address)
    event = await finished
    assert (event.security_instance, event.server_instance, event.bootstrap_instance) == (
        1,
        0,
        None,
    )

    bootstrap_uri = f"coap://127.0.0.1:{stack.bootstrap.port}"
    assert device.instances(0) == {
        # The server found the bootstrap account at /0/0 and left it as it was ...
        0: {0: bootstrap_uri, 1: True, 2: 3, 3: b"", 4: b"", 5: b""},
        # ... so the LwM2M server account, offset 0 asked for, went to the next free id.
        1: {
            0: f"coap://127.0.0.1:{stack.server.port}",
            1: False,
            2: 3,
            3: b"",
            4: b"",
            5: b"",
            10: 1,
        },
    }
    # Notification Storing (/1/0/6) is Mandatory: the CSV leaves it out, its default goes in
    assert device.instances(1) == {0: {0: 1, 1: 86400, 6: True, 7: "UQ"}}

    registered = stack.server_events.next(Registered)
    await device.register_from_bootstrap()
    registration = (await registered).registration
    assert registration.endpoint == "plain-meter"
    assert not registration.secure
    assert registration.queue_mode
    assert registration.lifetime == 86400
    assert await stack.server.read("plain-meter", MANUFACTURER) == {
        MANUFACTURER: "Simulated Devices Ltd"
    }


@pytest.mark.parametrize("lwm2m_version", ["1.0", "1.1", "1.2"])
async def test_a_client_that_checks_mandatory_resources_accepts_the_configuration(
    stack: Stack, make_device: DeviceFactory, lwm2m_version: str
) -> None:
    """Such a client refuses Bootstrap-Finish (4.06) while a Security or Server instance
    lacks a Mandatory resource of its version of the object."""
    device = await make_device(
        "plain-meter",
        lwm2m_version=lwm2m_version,
        quirks=Quirks(bootstrap_requires_mandatory=True),
    )
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.bootstrap_address)
    await finished
    assert device.instances(1)[0][6] is True  # the specification's default
    registered = stack.server_events.next(Registered)
    await device.register_from_bootstrap()
    assert (await registered).registration.endpoint == "plain-meter"


@requires_tinydtls
async def test_psk_bootstrap_then_dtls_registration(
    stack: Stack, make_device: DeviceFactory
) -> None:
    device = await make_device("meter-a")
    started = stack.events.next(BootstrapStarted)
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-a"))
    assert (await started).secure
    event = await finished
    assert (event.security_instance, event.server_instance, event.bootstrap_instance) == (3, 0, 0)

    lwm2m_id, lwm2m_key, bootstrap_id, bootstrap_key = KEYS["meter-a"]
    assert device.instances(0) == {
        # generateBootstrapServerConfig: the bootstrap account is rewritten in place,
        # with bootstrapShortServerId 5.
        0: {
            0: f"coaps://127.0.0.1:{stack.bootstrap.secure_port}",
            1: True,
            2: 0,
            3: bootstrap_id.encode(),
            4: b"",
            5: bootstrap_key,
            10: 5,
        },
        # securityInstanceOffset 3, lwm2mShortServerId 7.
        3: {
            0: f"coaps://127.0.0.1:{stack.server.secure_port}",
            1: False,
            2: 0,
            3: lwm2m_id.encode(),
            4: b"",
            5: lwm2m_key,
            10: 7,
        },
    }
    # lifetime 600, pmin 10, pmax 300, disable timeout 120, no storing, binding U.
    assert device.instances(1) == {0: {0: 7, 1: 600, 2: 10, 3: 300, 5: 120, 6: False, 7: "U"}}

    registered = stack.server_events.next(Registered)
    await device.register_from_bootstrap()
    registration = (await registered).registration
    assert registration.secure
    assert registration.security_identity == lwm2m_id
    assert registration.lifetime == 600
    assert not registration.queue_mode
    assert await stack.server.read("meter-a", MANUFACTURER) == {
        MANUFACTURER: "Simulated Devices Ltd"
    }


@requires_tinydtls
async def test_row_with_defaults_gets_default_accounts(
    stack: Stack, make_device: DeviceFactory
) -> None:
    device = await make_device("meter-b")
    await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-b"))
    assert set(device.instances(0)) == {0, 1}
    assert device.instances(0)[1][10] == 1
    assert device.instances(1) == {0: {0: 1, 1: 86400, 6: True, 7: "UQ"}}
    await device.register_from_bootstrap()
    assert stack.server.registrations["meter-b"].queue_mode
    assert await stack.server.read("meter-b", MANUFACTURER) == {
        MANUFACTURER: "Simulated Devices Ltd"
    }


@requires_tinydtls
async def test_external_bootstrap_identity_also_bootstraps(
    stack: Stack, make_device: DeviceFactory
) -> None:
    device = await make_device("meter-a")
    _, key = bootstrap_psk("meter-a")
    await device.bootstrap(stack.secure_bootstrap_address, psk=(EXTERNAL_BOOTSTRAP_ID, key))
    assert 3 in device.instances(0)


@requires_tinydtls
async def test_bootstrap_account_at_instance_1_survives(
    stack: Stack, make_device: DeviceFactory
) -> None:
    """meter-a asks for offset 3; shift it to 1, where this client keeps its account."""
    row = stack.store.get("meter-a")
    assert row is not None
    stack.store.update(replace(row, security_instance_offset=1))
    device = await make_device("meter-a", quirks=Quirks(bootstrap_account_instance=1))
    finished = stack.events.next(BootstrapFinished)
    await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-a"))
    event = await finished
    assert (event.security_instance, event.bootstrap_instance) == (2, 1)
    security = device.instances(0)
    assert set(security) == {1, 2}
    assert security[1][1] is True
    assert security[1][0] == f"coaps://127.0.0.1:{stack.bootstrap.secure_port}"
    assert security[2][1] is False
    assert security[2][10] == 7
    await device.register_from_bootstrap()
    assert stack.server.registrations["meter-a"].secure


async def test_store_update_reaches_both_servers(stack: Stack, make_device: DeviceFactory) -> None:
    """An import that drops a device locks it out of both servers at once."""
    stack.store.remove("plain-meter")
    device = await make_device("plain-meter")
    with pytest.raises(Exception, match="4.03"):
        await device.bootstrap(stack.bootstrap_address)
    with pytest.raises(Exception, match="4.03"):
        await device.register(("127.0.0.1", stack.server.port))


@requires_tinydtls
async def test_device_closes_its_bootstrap_session_to_register(
    stack: Stack, make_device: DeviceFactory
) -> None:
    """Bootstrapping twice reuses the session; moving on to the LwM2M server ends it."""
    dtls = stack.bootstrap.dtls_endpoint
    assert dtls is not None
    device = await make_device("meter-b")
    for _ in range(2):
        finished = stack.events.next(BootstrapFinished)
        await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-b"))
        await finished
    assert dtls.stats().handshakes_completed == 1
    assert dtls.stats().sessions == 1
    registered = stack.server_events.next(Registered)
    await device.register_from_bootstrap()
    await registered
    await device.bootstrap(stack.secure_bootstrap_address, psk=bootstrap_psk("meter-b"))
    assert dtls.stats().handshakes_completed == 2
