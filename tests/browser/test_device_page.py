"""demo-1's device page and the LwM2M dashboard, on a Home Assistant in US units."""

from __future__ import annotations

from playwright.sync_api import Page

from .harness.deployment import Deployment
from .harness.screens import Screens


def test_device_page_units_and_words(
    home_assistant: Deployment, page: Page, screens: Screens
) -> None:
    api = home_assistant.api
    device_id = api.device_id("sensor.demo_1_temperature")
    page.goto(f"{home_assistant.url}/config/devices/device/{device_id}")
    page.get_by_text("Simulated Devices Ltd").first.wait_for()
    content = screens.capture("demo-1", docs="device_page.png")
    units = {
        entity_id: (api.state(entity_id) or {}).get("attributes", {}).get("unit_of_measurement")
        for entity_id in (
            "sensor.demo_1_temperature",
            "sensor.demo_1_temperature_min_measured_value",
            "sensor.demo_1_temperature_max_measured_value",
        )
    }
    assert set(units.values()) == {"°F"}, units
    battery = api.state("sensor.demo_1_battery_status")
    assert battery is not None
    assert battery["state"] == "normal"
    assert content.shows("Normal")
    # An installer follows a registration in the log: one line at info level, and none
    # per notification.
    info = "INFO (MainThread) [custom_components.lwm2m] demo-1 "
    assert home_assistant.logged(info + "registered:") == 1
    # demo-3's temperature: the panel's tests, which may run first on this Home Assistant,
    # give demo-1's temperature a threshold (gt) that holds its notifications back.
    info = "INFO (MainThread) [custom_components.lwm2m] demo-3 "
    lines = home_assistant.logged(info)
    notified = api.state("sensor.demo_3_temperature")
    assert notified is not None
    api.wait_for(
        "a notification of demo-3's temperature",
        lambda: (api.state("sensor.demo_3_temperature") or notified)["last_updated"]
        != notified["last_updated"],
    )
    assert home_assistant.logged(info) == lines


def test_the_lwm2m_dashboard(home_assistant: Deployment, page: Page, screens: Screens) -> None:
    page.goto(f"{home_assistant.url}/lwm2m-demo/fleet")
    page.get_by_text("Firmware").first.wait_for()
    screens.capture("dashboard")
