"""Live data for demos: a gentle random walk of temperature, light and location."""

from __future__ import annotations

import random

from custom_components.lwm2m.engine.path import Path

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
