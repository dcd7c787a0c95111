"""DDF units (UCUM-style strings) to Home Assistant units and the device class they imply."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant import const as ha_const
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    DEGREE,
    LIGHT_LUX,
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    SIGNAL_STRENGTH_DECIBELS,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    UnitOfApparentPower,
    UnitOfArea,
    UnitOfDataRate,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfInformation,
    UnitOfLength,
    UnitOfPower,
    UnitOfPressure,
    UnitOfSpeed,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
)


def _concentration(enum: str, member: str) -> str:
    """A concentration unit from the enum newer releases have, else from the older constant.

    Newer Home Assistant releases deprecate the ``CONCENTRATION_*`` constants for
    ``UnitOfDensity`` and ``UnitOfRatio``; 2025.4 has only the constants. The strings are
    the same.
    """
    units = getattr(ha_const, enum, None)
    if units is not None:
        return str(getattr(units, member))
    return str(getattr(ha_const, f"CONCENTRATION_{member}"))


MICROGRAMS_PER_CUBIC_METER = _concentration("UnitOfDensity", "MICROGRAMS_PER_CUBIC_METER")
MILLIGRAMS_PER_CUBIC_METER = _concentration("UnitOfDensity", "MILLIGRAMS_PER_CUBIC_METER")
PARTS_PER_BILLION = _concentration("UnitOfRatio", "PARTS_PER_BILLION")
PARTS_PER_MILLION = _concentration("UnitOfRatio", "PARTS_PER_MILLION")

_MEASUREMENT = SensorStateClass.MEASUREMENT
_TOTAL_INCREASING = SensorStateClass.TOTAL_INCREASING


@dataclass(frozen=True, slots=True)
class Unit:
    """A Home Assistant unit, with the device and state class a sensor in it gets."""

    native: str
    device_class: SensorDeviceClass | None = None
    state_class: SensorStateClass = _MEASUREMENT


def _unit(
    native: str,
    device_class: SensorDeviceClass | None = None,
    state_class: SensorStateClass = _MEASUREMENT,
) -> Unit:
    return Unit(native, device_class, state_class)


_D = SensorDeviceClass

UNITS: dict[str, Unit] = {
    "Cel": _unit(UnitOfTemperature.CELSIUS, _D.TEMPERATURE),
    "K": _unit(UnitOfTemperature.KELVIN, _D.TEMPERATURE),
    "[degF]": _unit(UnitOfTemperature.FAHRENHEIT, _D.TEMPERATURE),
    "%": _unit(PERCENTAGE),
    "%RH": _unit(PERCENTAGE, _D.HUMIDITY),
    "/100": _unit(PERCENTAGE),
    "V": _unit(UnitOfElectricPotential.VOLT, _D.VOLTAGE),
    "mV": _unit(UnitOfElectricPotential.MILLIVOLT, _D.VOLTAGE),
    "A": _unit(UnitOfElectricCurrent.AMPERE, _D.CURRENT),
    "mA": _unit(UnitOfElectricCurrent.MILLIAMPERE, _D.CURRENT),
    "W": _unit(UnitOfPower.WATT, _D.POWER),
    "kW": _unit(UnitOfPower.KILO_WATT, _D.POWER),
    "Wh": _unit(UnitOfEnergy.WATT_HOUR, _D.ENERGY, _TOTAL_INCREASING),
    "kWh": _unit(UnitOfEnergy.KILO_WATT_HOUR, _D.ENERGY, _TOTAL_INCREASING),
    "VA": _unit(UnitOfApparentPower.VOLT_AMPERE, _D.APPARENT_POWER),
    "var": _unit("var", _D.REACTIVE_POWER),
    "Hz": _unit(UnitOfFrequency.HERTZ, _D.FREQUENCY),
    "MHz": _unit(UnitOfFrequency.MEGAHERTZ, _D.FREQUENCY),
    "lx": _unit(LIGHT_LUX, _D.ILLUMINANCE),
    "Pa": _unit(UnitOfPressure.PA, _D.PRESSURE),
    "hPa": _unit(UnitOfPressure.HPA, _D.PRESSURE),
    "kPa": _unit(UnitOfPressure.KPA, _D.PRESSURE),
    "bar": _unit(UnitOfPressure.BAR, _D.PRESSURE),
    "m": _unit(UnitOfLength.METERS, _D.DISTANCE),
    "cm": _unit(UnitOfLength.CENTIMETERS, _D.DISTANCE),
    "mm": _unit(UnitOfLength.MILLIMETERS, _D.DISTANCE),
    "km": _unit(UnitOfLength.KILOMETERS, _D.DISTANCE),
    "m/s": _unit(UnitOfSpeed.METERS_PER_SECOND, _D.SPEED),
    "km/h": _unit(UnitOfSpeed.KILOMETERS_PER_HOUR, _D.SPEED),
    "dBm": _unit(SIGNAL_STRENGTH_DECIBELS_MILLIWATT, _D.SIGNAL_STRENGTH),
    "dB": _unit(SIGNAL_STRENGTH_DECIBELS, _D.SIGNAL_STRENGTH),
    "ms": _unit(UnitOfTime.MILLISECONDS, _D.DURATION),
    "s": _unit(UnitOfTime.SECONDS, _D.DURATION),
    "min": _unit(UnitOfTime.MINUTES, _D.DURATION),
    "h": _unit(UnitOfTime.HOURS, _D.DURATION),
    "d": _unit(UnitOfTime.DAYS, _D.DURATION),
    "ppm": _unit(PARTS_PER_MILLION),
    "ppb": _unit(PARTS_PER_BILLION),
    "ug/m3": _unit(MICROGRAMS_PER_CUBIC_METER),
    "mg/m3": _unit(MILLIGRAMS_PER_CUBIC_METER),
    "B": _unit(UnitOfInformation.BYTES, _D.DATA_SIZE),
    "kB": _unit(UnitOfInformation.KILOBYTES, _D.DATA_SIZE),
    "KiB": _unit(UnitOfInformation.KIBIBYTES, _D.DATA_SIZE),
    "MB": _unit(UnitOfInformation.MEGABYTES, _D.DATA_SIZE),
    "GB": _unit(UnitOfInformation.GIGABYTES, _D.DATA_SIZE),
    "bit/s": _unit(UnitOfDataRate.BITS_PER_SECOND, _D.DATA_RATE),
    "B/s": _unit(UnitOfDataRate.BYTES_PER_SECOND, _D.DATA_RATE),
    "Mbit/s": _unit(UnitOfDataRate.MEGABITS_PER_SECOND, _D.DATA_RATE),
    "MB/s": _unit(UnitOfDataRate.MEGABYTES_PER_SECOND, _D.DATA_RATE),
    "m2": _unit(UnitOfArea.SQUARE_METERS, _D.AREA),
    "m3": _unit(UnitOfVolume.CUBIC_METERS, _D.VOLUME),
    "l": _unit(UnitOfVolume.LITERS, _D.VOLUME),
    "deg": _unit(DEGREE),
    "1/min": _unit(REVOLUTIONS_PER_MINUTE),
}


def ha_unit(ddf_units: str) -> Unit | None:
    """The Home Assistant unit for a DDF ``Units`` string; unknown ones are kept as written."""
    text = ddf_units.strip()
    if not text:
        return None
    return UNITS.get(text, Unit(text))
