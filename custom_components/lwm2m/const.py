"""Constants of the LwM2M integration."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Final

DOMAIN: Final = "lwm2m"
LOGGER = logging.getLogger(__package__)

CONF_BIND_ADDRESS: Final = "bind_address"
CONF_COAP_PORT: Final = "coap_port"
CONF_COAPS_PORT: Final = "coaps_port"
CONF_BOOTSTRAP_PORT: Final = "bootstrap_port"
CONF_BOOTSTRAPS_PORT: Final = "bootstraps_port"
CONF_SERVER_URI: Final = "server_uri"
CONF_SECURITY_POLICY: Final = "security_policy"

DEFAULT_BIND_ADDRESS: Final = "0.0.0.0"  # noqa: S104 - devices reach the server from the LAN
DEFAULT_COAP_PORT: Final = 5683
DEFAULT_COAPS_PORT: Final = 5684
DEFAULT_BOOTSTRAP_PORT: Final = 5783
DEFAULT_BOOTSTRAPS_PORT: Final = 5784

PORT_KEYS: Final = (CONF_COAP_PORT, CONF_COAPS_PORT, CONF_BOOTSTRAP_PORT, CONF_BOOTSTRAPS_PORT)


class SecurityPolicyOption(StrEnum):
    """Who may register: the values stored in the config entry.

    ``strict``: only endpoints with imported credentials; ``pending``: unknown endpoints
    wait for the installer to accept them; ``open``: anyone (lab use).
    """

    STRICT = "strict"
    PENDING = "pending"
    OPEN = "open"


DEFAULT_SECURITY_POLICY: Final = SecurityPolicyOption.PENDING

EVENT_REGISTERED: Final = "lwm2m_registered"
EVENT_DEREGISTERED: Final = "lwm2m_deregistered"
EVENT_BOOTSTRAP_FINISHED: Final = "lwm2m_bootstrap_finished"
EVENT_BOOTSTRAP_FAILED: Final = "lwm2m_bootstrap_failed"
EVENT_FIRMWARE_UPDATE_FINISHED: Final = "lwm2m_firmware_update_finished"
EVENT_FIRMWARE_UPDATE_FAILED: Final = "lwm2m_firmware_update_failed"

ATTR_DEVICE_ID: Final = "device_id"
ATTR_ENDPOINT: Final = "endpoint"
ATTR_REASON: Final = "reason"
ATTR_STEP: Final = "step"
ATTR_CODE: Final = "code"
ATTR_SECURE: Final = "secure"
ATTR_VERSION: Final = "version"
ATTR_PREVIOUS_VERSION: Final = "previous_version"
ATTR_IMAGE: Final = "image"
ATTR_ERROR: Final = "error"
ATTR_RESULT: Final = "result"
ATTR_WARNING: Final = "warning"
