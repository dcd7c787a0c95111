"""Listeners of a server's events."""

from __future__ import annotations

import logging

import pytest

from custom_components.lwm2m.engine import BootstrapStarted, LwM2MEvent
from custom_components.lwm2m.engine.events import EventListeners

LOGGER = logging.getLogger("tests.listeners")


def test_every_listener_hears_each_event_even_after_one_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    listeners = EventListeners(LOGGER)
    heard: list[LwM2MEvent] = []

    def broken(event: LwM2MEvent) -> None:
        raise RuntimeError("boom")

    listeners.add(broken)
    listeners.add(heard.append)
    event = BootstrapStarted("dev-1")
    with caplog.at_level(logging.ERROR, logger=LOGGER.name):
        listeners.emit(event)
    assert heard == [event]
    assert "failed on BootstrapStarted" in caplog.text


def test_a_removed_listener_hears_nothing_more() -> None:
    listeners = EventListeners(LOGGER)
    heard: list[LwM2MEvent] = []
    remove = listeners.add(heard.append)
    listeners.emit(BootstrapStarted("dev-1"))
    remove()
    remove()  # a second removal is harmless
    listeners.emit(BootstrapStarted("dev-2"))
    assert [event.endpoint for event in heard] == ["dev-1"]


def test_a_listener_may_remove_itself_while_hearing() -> None:
    listeners = EventListeners(LOGGER)
    heard: list[str] = []
    removals = []

    def once(event: LwM2MEvent) -> None:
        heard.append(event.endpoint)
        removals[0]()

    removals.append(listeners.add(once))
    listeners.emit(BootstrapStarted("dev-1"))
    listeners.emit(BootstrapStarted("dev-2"))
    assert heard == ["dev-1"]
