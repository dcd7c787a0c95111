"""Who holds a UDP port (/proc), named for an installer; the free port proposed instead."""

from __future__ import annotations

import os
import socket

import pytest
from homeassistant.core import HomeAssistant

from custom_components.lwm2m.port_conflicts import describe_owner, free_port_near
from custom_components.lwm2m.port_owner import PortOwner, udp_port_owner


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(
    ("family", "address"), [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::")]
)
def test_the_owner_of_a_bound_port_is_found(family: socket.AddressFamily, address: str) -> None:
    try:
        holder = socket.socket(family, socket.SOCK_DGRAM)
        holder.bind((address, 0))
    except OSError:
        pytest.skip(f"cannot bind {address}")
    with holder:
        port = holder.getsockname()[1]
        owner = udp_port_owner(port)
        assert owner is not None
        assert owner.pid == os.getpid()
        assert owner.is_this_process
        assert str(owner).endswith(f"(process {os.getpid()})")
    assert udp_port_owner(port) is None


async def test_a_port_inside_home_assistant_is_named_after_the_integration_known_to_use_it(
    hass: HomeAssistant,
) -> None:
    own = PortOwner(os.getpid(), "python3")
    assert describe_owner(hass, 5683, own) == "another integration, inside Home Assistant"
    hass.config.components.add("shelly")
    assert describe_owner(hass, 5683, own) == (
        "the Shelly integration (its CoIoT listener), inside Home Assistant"
    )
    assert describe_owner(hass, 5700, own) == "another integration, inside Home Assistant"
    assert describe_owner(hass, 5683, PortOwner(1, "leshan")) == "leshan (process 1)"
    assert describe_owner(hass, 5683, None) is None


@pytest.mark.usefixtures("socket_enabled")
def test_the_proposed_port_is_free_and_none_of_the_others() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", 0))
        taken = holder.getsockname()[1]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as next_one:
            try:
                next_one.bind(("127.0.0.1", taken + 1))
            except OSError:
                pytest.skip("the next port is taken already")
            proposal = free_port_near("127.0.0.1", taken, avoid=[taken + 2])
    assert proposal is not None
    assert proposal > taken + 2
