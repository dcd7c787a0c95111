"""Live data for demos: a gentle random walk of temperature, light and location."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from custom_components.lwm2m.engine import Path

from .device import SimulatedDevice

TEMPERATURE = Path.of(3303, 0, 5700)
DIMMER = Path.of(3311, 0, 5851)
LIGHT_ON = Path.of(3311, 0, 5850)
LATITUDE = Path.of(6, 0, 0)
LONGITUDE = Path.of(6, 0, 1)

_TEMPERATURE_RANGE = (15.0, 30.0)
_TEMPERATURE_STEP = 0.3
_DIMMER_STEP = 5
_SWITCH_CHANCE = 0.05
_POSITION_STEP = 0.0005
_SPREAD = 0.01  # degrees of latitude from the start point to each device's own (about 1 km)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def animate(device: SimulatedDevice, rng: random.Random) -> None:
    """One step of the walk for each value the device has."""
    store = device.store
    if store.exists(TEMPERATURE):
        current = float(store.value(TEMPERATURE))
        step = rng.uniform(-_TEMPERATURE_STEP, _TEMPERATURE_STEP)
        device.set_value(TEMPERATURE, round(_clamp(current + step, *_TEMPERATURE_RANGE), 2))
    if store.exists(DIMMER):
        level = int(store.value(DIMMER)) + rng.randint(-_DIMMER_STEP, _DIMMER_STEP)
        device.set_value(DIMMER, int(_clamp(level, 0, 100)))
    if store.exists(LIGHT_ON) and rng.random() < _SWITCH_CHANCE:
        device.set_value(LIGHT_ON, not store.value(LIGHT_ON))
    for path in (LATITUDE, LONGITUDE):
        if store.exists(path):
            drift = rng.uniform(-_POSITION_STEP, _POSITION_STEP)
            device.set_value(path, round(float(store.value(path)) + drift, 6))


def spread(devices: Sequence[SimulatedDevice]) -> None:
    """Move each device with a location to its own point on a small circle around the
    start point, so that a map shows a fleet as separate markers."""
    located = [device for device in devices if device.store.exists(LATITUDE)]
    if len(located) < 2:
        return
    for index, device in enumerate(located):
        angle = 2 * math.pi * index / len(located)
        latitude = float(device.store.value(LATITUDE))
        longitude = float(device.store.value(LONGITUDE))
        # A degree of longitude is shorter than one of latitude away from the equator.
        stretch = 1 / max(math.cos(math.radians(latitude)), 0.1)
        device.set_value(LATITUDE, round(latitude + _SPREAD * math.cos(angle), 6))
        device.set_value(LONGITUDE, round(longitude + _SPREAD * stretch * math.sin(angle), 6))
