"""Changed values reach exactly the entities that watch them."""

from __future__ import annotations

from custom_components.lwm2m.engine import Path
from custom_components.lwm2m.value_listeners import ValueListeners

VALUE = Path.of(3303, 0, 5700)
UNIT = Path.of(3303, 0, 5701)
LATITUDE = Path.of(6, 0, 0)
LONGITUDE = Path.of(6, 0, 1)


def test_only_watchers_of_a_changed_path_hear_of_it_once() -> None:
    listeners = ValueListeners()
    heard: dict[str, list[set[Path]]] = {"value": [], "unit": [], "tracker": [], "other": []}
    listeners.listen("dev", [VALUE], heard["value"].append)
    listeners.listen("dev", [UNIT], heard["unit"].append)
    listeners.listen("dev", [LATITUDE, LONGITUDE], heard["tracker"].append)
    listeners.listen("other", [VALUE], heard["other"].append)

    listeners.notify("dev", {VALUE, LATITUDE, LONGITUDE})

    assert heard["value"] == [{VALUE, LATITUDE, LONGITUDE}]
    assert heard["unit"] == []
    assert heard["tracker"] == [{VALUE, LATITUDE, LONGITUDE}]
    assert heard["other"] == []


def test_forgotten_listeners_hear_nothing_and_leave_nothing_behind() -> None:
    listeners = ValueListeners()
    heard: list[set[Path]] = []
    kept: list[set[Path]] = []
    forget = listeners.listen("dev", [VALUE, UNIT], heard.append)
    listeners.listen("dev", [VALUE], kept.append)
    forget()
    forget()  # twice is harmless
    listeners.notify("dev", {VALUE, UNIT})
    assert heard == []
    assert kept == [{VALUE, UNIT}]
    listeners.notify("nobody", {VALUE})


def test_the_last_forget_of_a_device_drops_its_table() -> None:
    listeners = ValueListeners()
    forget = listeners.listen("dev", [VALUE], lambda changed: None)
    forget()
    assert not listeners._by_endpoint
