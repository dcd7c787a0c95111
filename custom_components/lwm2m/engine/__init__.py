"""The LwM2M protocol engine: an LwM2M server, a bootstrap server and firmware updates.

It never imports Home Assistant, and this module is its public API: whoever uses the
engine imports from here only. :class:`LwM2MEngine` builds everything from
:class:`EngineSettings` and a :class:`CredentialStore`; the servers report what happens
as typed events (subclasses of :class:`LwM2MEvent`) and take device-management requests
on :class:`Path`\\ s, with values as :mod:`.values` types them.

Inside, each part has its own subpackage, lower ones never importing higher ones:
``model`` and ``codec`` (objects and content formats), ``credentials``, ``dtls``,
``transport`` (UDP and DTLS ports), ``requests`` (one device-management exchange),
``registration``, ``server``, ``bootstrap`` and ``firmware``.
"""

from .bootstrap.events import BootstrapFailed, BootstrapFinished, BootstrapStarted
from .bootstrap.server import BootstrapServer
from .codec import CodecError, ContentFormat, Link
from .credentials.columns import CredentialsColumn
from .credentials.csv_import import parse_credentials_csv
from .credentials.csv_row import (
    WRITE_ONLY_COLUMNS,
    credentials_cells,
    credentials_from_cells,
)
from .credentials.merge import ImportSummary, merge_credentials
from .credentials.records import (
    BindingMode,
    CredentialsCSVError,
    CredentialsProblem,
    DeviceCredentials,
    SecurityMode,
)
from .credentials.store import CredentialStore
from .dtls import DtlsError, DtlsStats
from .errors import (
    DeviceNotRegisteredError,
    DevicePendingError,
    InvalidResponseError,
    LwM2MError,
    QueueFullError,
    RequestCancelledError,
    RequestFailedError,
    RequestTimeoutError,
    ResponseTimeoutError,
)
from .events import LwM2MEvent
from .firmware.device_object import PROTOCOL_NUMBERS
from .firmware.events import FirmwareProgress, FirmwareUpdateFinished
from .firmware.image import ExternalImage, FirmwareImage, ImageSource, uri_scheme
from .firmware.status import ACTIVE_PHASES, DeliveryMethod, ErrorKey, FirmwareStatus, Phase
from .firmware.updater import FirmwareUpdater, UpdateInProgressError, UpdateNotCancellableError
from .lwm2m_engine import DtlsProblem, EngineSettings, LwM2MEngine
from .model import (
    DDFError,
    ObjectDef,
    ObjectLookup,
    ObjectRegistry,
    Operations,
    ResourceDef,
    ResourceType,
    ValueRange,
    parse_ddf,
)
from .path import Path
from .registration.admission import SecurityPolicy
from .registration.events import Deregistered, Expired, Registered, Revoked, Updated
from .registration.record import Registration, announced_version
from .server.events import Asleep, Awake, NotificationReceived, QueueChanged, SendReceived
from .server.lwm2m_server import LwM2MServer
from .server.observations import Observation
from .server.queue import QueuedRequestInfo
from .transport.bind_address import BindAddressError, first_taken_port
from .values import ObjectLink, parse_measurement

PACKAGE_URI_SCHEMES = frozenset(PROTOCOL_NUMBERS)
"""The URI schemes a Package URI (/5/x/1) may use: what ``fwupdate`` URLs may name."""

__all__ = [
    "ACTIVE_PHASES",
    "PACKAGE_URI_SCHEMES",
    "WRITE_ONLY_COLUMNS",
    "Asleep",
    "Awake",
    "BindAddressError",
    "BindingMode",
    "BootstrapFailed",
    "BootstrapFinished",
    "BootstrapServer",
    "BootstrapStarted",
    "CodecError",
    "ContentFormat",
    "CredentialStore",
    "CredentialsCSVError",
    "CredentialsColumn",
    "CredentialsProblem",
    "DDFError",
    "DeliveryMethod",
    "Deregistered",
    "DeviceCredentials",
    "DeviceNotRegisteredError",
    "DevicePendingError",
    "DtlsError",
    "DtlsProblem",
    "DtlsStats",
    "EngineSettings",
    "ErrorKey",
    "Expired",
    "ExternalImage",
    "FirmwareImage",
    "FirmwareProgress",
    "FirmwareStatus",
    "FirmwareUpdateFinished",
    "FirmwareUpdater",
    "ImageSource",
    "ImportSummary",
    "InvalidResponseError",
    "Link",
    "LwM2MEngine",
    "LwM2MError",
    "LwM2MEvent",
    "LwM2MServer",
    "NotificationReceived",
    "ObjectDef",
    "ObjectLink",
    "ObjectLookup",
    "ObjectRegistry",
    "Observation",
    "Operations",
    "Path",
    "Phase",
    "QueueChanged",
    "QueueFullError",
    "QueuedRequestInfo",
    "Registered",
    "Registration",
    "RequestCancelledError",
    "RequestFailedError",
    "RequestTimeoutError",
    "ResourceDef",
    "ResourceType",
    "ResponseTimeoutError",
    "Revoked",
    "SecurityMode",
    "SecurityPolicy",
    "SendReceived",
    "UpdateInProgressError",
    "UpdateNotCancellableError",
    "Updated",
    "ValueRange",
    "announced_version",
    "credentials_cells",
    "credentials_from_cells",
    "first_taken_port",
    "merge_credentials",
    "parse_credentials_csv",
    "parse_ddf",
    "parse_measurement",
    "uri_scheme",
]
