"""Names of the codes some well-known resources report (LwM2M 1.1 core objects).

Each table pairs a code with a stable snake_case key: the key is an enum sensor's state
(translated in ``strings.json``) or, for error codes, what the problem sensor lists.
"""

from __future__ import annotations

from collections.abc import Mapping

ValueNames = tuple[tuple[int, str], ...]

OTHER = "other"  # a code the table does not name (reserved or vendor-specific)

# Network Bearer and Available Network Bearer (/4/x/0, /4/x/1).
NETWORK_BEARERS: ValueNames = (
    (0, "gsm"),
    (1, "td_scdma"),
    (2, "wcdma"),
    (3, "cdma2000"),
    (4, "wimax"),
    (5, "lte_tdd"),
    (6, "lte_fdd"),
    (7, "nb_iot"),
    (21, "wlan"),
    (22, "bluetooth"),
    (23, "ieee_802_15_4"),
    (41, "ethernet"),
    (42, "dsl"),
    (43, "plc"),
)

# Battery Status (/3/x/20).
BATTERY_STATUS: ValueNames = (
    (0, "normal"),
    (1, "charging"),
    (2, "charge_complete"),
    (3, "damaged"),
    (4, "low_battery"),
    (5, "not_installed"),
    (6, "unknown"),
)

# Error Code (/3/x/11); 0 means no error. 16..32 are the device's own codes.
DEVICE_ERRORS: ValueNames = (
    (0, "no_error"),
    (1, "low_battery_power"),
    (2, "external_power_supply_off"),
    (3, "gps_module_failure"),
    (4, "low_received_signal_strength"),
    (5, "out_of_memory"),
    (6, "sms_failure"),
    (7, "ip_connectivity_failure"),
    (8, "peripheral_malfunction"),
)
DEVICE_SPECIFIC_ERRORS = range(16, 33)


def state_options(names: ValueNames) -> list[str]:
    """Every state an enum sensor over ``names`` may take, ``other`` last."""
    return [key for _code, key in names] + [OTHER]


def name_of(names: ValueNames, value: object) -> str | None:
    """The key of ``value``; ``other`` for a number the table lacks, None for no number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    lookup: Mapping[int, str] = dict(names)
    return lookup.get(int(value), OTHER)


def error_name(code: int) -> str:
    """What an Error Code stands for."""
    named = dict(DEVICE_ERRORS).get(code)
    if named is not None:
        return named
    return "device_specific_error" if code in DEVICE_SPECIFIC_ERRORS else "reserved_error"
