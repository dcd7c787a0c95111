"""How the engine's settings become the two servers: addresses, URIs, DTLS settings, one store."""

from __future__ import annotations

from unittest.mock import patch

import pytest

from custom_components.lwm2m.engine import (
    BootstrapServer,
    CredentialStore,
    DeviceCredentials,
    EngineSettings,
    LwM2MEngine,
    LwM2MServer,
    ObjectRegistry,
    SecurityMode,
    SecurityPolicy,
)
from custom_components.lwm2m.engine.dtls import DtlsSettings
from custom_components.lwm2m.engine.lwm2m_engine import (
    BOOTSTRAP_DTLS_IDLE_TIMEOUT,
    bootstrap_dtls_settings,
    lwm2m_dtls_settings,
)

DUAL_STACK = "custom_components.lwm2m.engine.transport.bind_address.dual_stack_available"


@pytest.mark.parametrize(
    ("entered", "plain", "secure"),
    [
        ("coap://192.0.2.1:5683", "coap://192.0.2.1:5683", "coaps://192.0.2.1:5684"),
        # The entered URI keeps its own (perhaps forwarded) port ...
        ("coap://ha.example:15683", "coap://ha.example:15683", "coaps://ha.example:5684"),
        # ... and a coaps:// one gives NO_SEC devices the CoAP port.
        ("coaps://ha.example:15684", "coap://ha.example:5683", "coaps://ha.example:15684"),
        ("coap://[2001:db8::1]:5683", "coap://[2001:db8::1]:5683", "coaps://[2001:db8::1]:5684"),
        (
            "coap://homeassistant.local",
            "coap://homeassistant.local",
            "coaps://homeassistant.local:5684",
        ),
    ],
)
def test_device_uris(entered: str, plain: str, secure: str) -> None:
    uris = EngineSettings(server_uri=entered).device_uris()
    assert (uris.plain, uris.secure) == (plain, secure)


def test_lwm2m_sessions_outlive_every_lifetime_handed_out() -> None:
    default = DtlsSettings().idle_timeout
    assert default > 86400
    assert lwm2m_dtls_settings([]).idle_timeout == default
    long_lived = DeviceCredentials("slow", SecurityMode.NO_SEC, registration_lifetime=7 * 86400)
    assert lwm2m_dtls_settings([long_lived]).idle_timeout == 7 * 86400 + 3600


def test_bootstrap_sessions_are_short_lived() -> None:
    assert bootstrap_dtls_settings().idle_timeout == BOOTSTRAP_DTLS_IDLE_TIMEOUT == 300.0
    assert lwm2m_dtls_settings([]).idle_timeout > BOOTSTRAP_DTLS_IDLE_TIMEOUT


async def test_both_servers_share_one_store_and_the_settings() -> None:
    record = DeviceCredentials("dev-1", SecurityMode.NO_SEC)
    settings = EngineSettings(
        server_uri="coap://192.0.2.1:5683", bind_address="0.0.0.0", policy=SecurityPolicy.STRICT
    )
    with patch(DUAL_STACK, return_value=True):
        engine = await LwM2MEngine.create(
            settings, ObjectRegistry.default(), CredentialStore([record])
        )
    server, bootstrap = engine.server, engine.bootstrap
    assert isinstance(server, LwM2MServer)
    assert isinstance(bootstrap, BootstrapServer)
    assert engine.host == server.host == bootstrap.host == "::"
    assert server.credentials is bootstrap.credentials is engine.credentials
    assert server.policy is SecurityPolicy.STRICT
    assert (server.secure_port, bootstrap.secure_port) == (None, None)  # nothing bound yet
    assert bootstrap.server_uri == "coap://192.0.2.1:5683"
    assert bootstrap.secure_server_uri == "coaps://192.0.2.1:5684"

    # An import reaches both servers: they read the same store.
    newcomer = DeviceCredentials("dev-2", SecurityMode.NO_SEC)
    engine.credentials.set_all([newcomer])
    assert server.credentials.get("dev-2") is newcomer
    assert bootstrap.credentials.get("dev-2") is newcomer
    assert bootstrap.credentials.get("dev-1") is None


def test_download_uris_name_the_host_devices_reach() -> None:
    assert EngineSettings(server_uri="coap://ha.example:5683").advertised_host == "ha.example"
    assert EngineSettings(server_uri="coap://[2001:db8::1]").advertised_host == "2001:db8::1"
    assert EngineSettings(server_uri="coap://[broken").advertised_host is None
