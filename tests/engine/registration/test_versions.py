"""The object version a registration announces, wherever the client puts ``ver``."""

from __future__ import annotations

from custom_components.lwm2m.engine import Path, Registration, announced_version


def test_version_on_the_object_link() -> None:
    objects = {Path.of(3303): {"ver": "1.1"}, Path.of(3303, 0): {}}
    assert announced_version(objects, 3303) == "1.1"


def test_version_on_an_instance_link_as_many_clients_send_it() -> None:
    objects = {Path.of(3303, 0): {"ver": "1.1"}, Path.of(3303, 1): {}}
    assert announced_version(objects, 3303) == "1.1"
    registration = Registration("dev", "r1", objects=objects)
    assert registration.object_version(3303) == "1.1"


def test_the_object_link_wins_over_instance_links() -> None:
    objects = {Path.of(5): {"ver": "1.2"}, Path.of(5, 0): {"ver": "1.0"}}
    assert announced_version(objects, 5) == "1.2"


def test_no_version_announced() -> None:
    objects = {Path.of(3, 0): {}, Path.of(3303, 0): {"ver": "1.1"}}
    assert announced_version(objects, 3) is None
    assert announced_version(objects, 4) is None
