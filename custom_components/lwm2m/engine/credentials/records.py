"""Per-device LwM2M registration and bootstrap credentials."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, NamedTuple, Self

_SECRET = {"secret": True}
_SHOWN_PROBLEMS = 5


class SecurityMode(StrEnum):
    """How a device secures its CoAP traffic (the modes this integration supports)."""

    NO_SEC = "NO_SEC"
    PSK = "PSK"


class BindingMode(StrEnum):
    """The binding written to the device's Server object: UDP, or UDP with queue mode."""

    U = "U"
    UQ = "UQ"


@dataclass(frozen=True, slots=True, repr=False)
class DeviceCredentials:
    """What the servers need to know about one device, keyed by its endpoint name.

    PSK identities, PSK keys and the unused ``credentials`` column are secrets:
    ``repr()`` and ``str()`` show only whether they are set.
    """

    endpoint: str
    security_mode: SecurityMode
    device_id: str | None = None
    id_type: str | None = None
    credentials: str | None = field(default=None, metadata=_SECRET)
    name: str | None = None
    device_type: str | None = None
    shell: bool = False
    cumulocity_agent: bool = False
    server_url: str | None = None
    server_public_key: str | None = None
    generate_bootstrap_server_config: bool = False
    security_instance_offset: int = 0
    bootstrap_short_server_id: int = 0
    lwm2m_short_server_id: int = 1
    registration_lifetime: int | None = None
    default_minimum_period: int | None = None
    default_maximum_period: int | None = None
    binding_mode: BindingMode = BindingMode.UQ
    notification_if_disabled: bool | None = None
    disable_timeout: int | None = None
    lwm2m_psk_id: str | None = field(default=None, metadata=_SECRET)
    lwm2m_psk_key: bytes | None = field(default=None, metadata=_SECRET)
    bootstrap_psk_id: str | None = field(default=None, metadata=_SECRET)
    bootstrap_psk_key: bytes | None = field(default=None, metadata=_SECRET)
    external_bootstrap_psk_id: str | None = field(default=None, metadata=_SECRET)

    @property
    def has_bootstrap_data(self) -> bool:
        """True when the bootstrap server can provision this device.

        That takes the LwM2M server URL to hand out and, for PSK, both the
        bootstrap and the LwM2M identity and key.
        """
        if self.server_url is None:
            return False
        if self.security_mode is SecurityMode.NO_SEC:
            return True
        return None not in (
            self.lwm2m_psk_id,
            self.lwm2m_psk_key,
            self.bootstrap_psk_id,
            self.bootstrap_psk_key,
        )

    def __repr__(self) -> str:
        parts = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.metadata.get("secret") and value is not None:
                parts.append(f"{item.name}=<redacted>")
            else:
                parts.append(f"{item.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict: enums as their names, PSK keys as lowercase hex."""
        result: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bytes):
                value = value.hex()
            elif isinstance(value, StrEnum):
                value = value.value
            result[item.name] = value
        return result

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild what ``to_dict`` produced; raises ValueError on malformed data.

        Missing optional keys take their defaults; unknown keys are ignored.
        """
        reader = _DictReader(data)
        return cls(
            endpoint=reader.required_text("endpoint"),
            security_mode=SecurityMode(reader.required_text("security_mode")),
            device_id=reader.text("device_id"),
            id_type=reader.text("id_type"),
            credentials=reader.text("credentials"),
            name=reader.text("name"),
            device_type=reader.text("device_type"),
            shell=reader.flag("shell", default=False),
            cumulocity_agent=reader.flag("cumulocity_agent", default=False),
            server_url=reader.text("server_url"),
            server_public_key=reader.text("server_public_key"),
            generate_bootstrap_server_config=reader.flag(
                "generate_bootstrap_server_config", default=False
            ),
            security_instance_offset=reader.count("security_instance_offset", default=0),
            bootstrap_short_server_id=reader.count("bootstrap_short_server_id", default=0),
            lwm2m_short_server_id=reader.count("lwm2m_short_server_id", default=1),
            registration_lifetime=reader.number("registration_lifetime"),
            default_minimum_period=reader.number("default_minimum_period"),
            default_maximum_period=reader.number("default_maximum_period"),
            binding_mode=BindingMode(reader.text("binding_mode") or BindingMode.UQ),
            notification_if_disabled=reader.optional_flag("notification_if_disabled"),
            disable_timeout=reader.number("disable_timeout"),
            lwm2m_psk_id=reader.text("lwm2m_psk_id"),
            lwm2m_psk_key=reader.key("lwm2m_psk_key"),
            bootstrap_psk_id=reader.text("bootstrap_psk_id"),
            bootstrap_psk_key=reader.key("bootstrap_psk_key"),
            external_bootstrap_psk_id=reader.text("external_bootstrap_psk_id"),
        )


class _DictReader:
    """Typed, checked access to the values of a persisted credentials dict."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def _get(self, key: str, kind: type) -> Any:
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ValueError(f"{key} must be of type {kind.__name__}, got {value!r}")
        return value

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise ValueError(f"{key} is required")
        return value

    def text(self, key: str) -> str | None:
        value: str | None = self._get(key, str)
        return value

    def number(self, key: str) -> int | None:
        value: int | None = self._get(key, int)
        return value

    def count(self, key: str, *, default: int) -> int:
        value = self.number(key)
        return default if value is None else value

    def optional_flag(self, key: str) -> bool | None:
        value: bool | None = self._get(key, bool)
        return value

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.optional_flag(key)
        return default if value is None else value

    def key(self, key: str) -> bytes | None:
        value = self.text(key)
        return None if value is None else bytes.fromhex(value)


class CredentialsProblem(NamedTuple):
    """One problem found in imported credentials; ``line`` 0 means no file line."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return self.described()

    def described(self, endpoint: str | None = None) -> str:
        """The problem, naming the row's endpoint when it is known."""
        where = f"line {self.line}" if self.line else "import"
        if endpoint:
            where = f"{where} ({endpoint})"
        return f"{where}, {self.field or 'row'}: {self.message}"


class CredentialsCSVError(ValueError):
    """Imported credentials were refused; ``errors`` lists every problem found.

    A file's rows are known too: ``rows`` maps the line of each data row to its endpoint
    (empty when the row gives none).
    """

    def __init__(
        self, errors: Sequence[CredentialsProblem], rows: Mapping[int, str] | None = None
    ) -> None:
        self.errors: list[CredentialsProblem] = list(errors)
        self.rows: dict[int, str] = dict(rows or {})
        shown = "; ".join(str(problem) for problem in self.errors[:_SHOWN_PROBLEMS])
        hidden = len(self.errors) - _SHOWN_PROBLEMS
        more = f"; and {hidden} more" if hidden > 0 else ""
        count = len(self.errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}: {shown}{more}")

    @property
    def rows_with_problems(self) -> int:
        return len({problem.line for problem in self.errors} & self.rows.keys())

    @property
    def rows_ok(self) -> int:
        return len(self.rows) - self.rows_with_problems

    def problem_lines(self) -> list[str]:
        """Every problem, each naming its row's endpoint where the row gives one."""
        return [problem.described(self.rows.get(problem.line)) for problem in self.errors]
