"""The columns of a device credentials CSV and how header names are matched to them.

Header matching ignores case, whitespace, underscores and hyphens, and a trailing
parenthesised note: ``Endpoint ID``, ``endpoint_id``, ``ENDPOINT-ID`` and
``endpointid`` all name the endpoint column; ``disableTimeout (true/false)`` names
the disable timeout column. No two columns collapse to the same key, so a header
still names at most one column.
"""

from __future__ import annotations

import re
from enum import StrEnum


class CredentialsColumn(StrEnum):
    """The known columns, each spelled as in the reference CSV layout."""

    DEVICE_ID = "ID"
    ID_TYPE = "IDTYPE"
    CREDENTIALS = "CREDENTIALS"
    NAME = "NAME"
    TYPE = "TYPE"
    SHELL = "SHELL"
    CUMULOCITY_AGENT = "com_cumulocity_model_Agent"
    ENDPOINT = "endpoint id"
    SERVER_URL = "lwm2m server url"
    SECURITY_MODE = "securityMode"
    SERVER_PUBLIC_KEY = "serverPublicKey"
    GENERATE_BOOTSTRAP_SERVER_CONFIG = "generateBootstrapServerConfig"
    SECURITY_INSTANCE_OFFSET = "securityInstanceOffset"
    BOOTSTRAP_SHORT_SERVER_ID = "bootstrapShortServerId"
    LWM2M_SHORT_SERVER_ID = "lwm2mShortServerId"
    REGISTRATION_LIFETIME = "registrationLifetime"
    DEFAULT_MINIMUM_PERIOD = "defaultMinimumPeriod"
    DEFAULT_MAXIMUM_PERIOD = "defaultMaximumPeriod"
    BINDING_MODE = "bindingMode"
    NOTIFICATION_IF_DISABLED = "notificationIfDisabled"
    DISABLE_TIMEOUT = "disableTimeout"
    LWM2M_PSK_ID = "lwm2m psk_id"
    LWM2M_PSK_KEY = "lwm2m psk_key"
    BOOTSTRAP_PSK_ID = "bootstrap psk_id"
    BOOTSTRAP_PSK_KEY = "bootstrap psk_key"
    EXTERNAL_BOOTSTRAP_PSK_ID = "external-c8y_BootstrapPskId"


PSK_COLUMNS = (
    CredentialsColumn.LWM2M_PSK_ID,
    CredentialsColumn.LWM2M_PSK_KEY,
    CredentialsColumn.BOOTSTRAP_PSK_ID,
    CredentialsColumn.BOOTSTRAP_PSK_KEY,
    CredentialsColumn.EXTERNAL_BOOTSTRAP_PSK_ID,
)
REQUIRED_FOR_PSK = PSK_COLUMNS[:4]
REQUIRED_COLUMNS = (CredentialsColumn.ENDPOINT, CredentialsColumn.SECURITY_MODE)

_TRAILING_NOTE = re.compile(r"\([^()]*\)\s*$")
_SEPARATORS = re.compile(r"[\s_\-]+")


def header_key(header: str) -> str:
    """The form in which two spellings of the same column compare equal."""
    return _SEPARATORS.sub("", _TRAILING_NOTE.sub("", header)).casefold()


_BY_KEY = {header_key(column.value): column for column in CredentialsColumn}


def match_column(header: str) -> CredentialsColumn | None:
    """The column a header names, or None when it names none."""
    return _BY_KEY.get(header_key(header))
