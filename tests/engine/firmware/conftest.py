"""The firmware tests' server runs on a manual clock and has an updater; their devices
install in 10 ms."""

from .firmware_harness import (
    clock,
    make_device,
    server_options,
    updater,
    updater_options,
)
from .image_server import images

__all__ = [
    "clock",
    "images",
    "make_device",
    "server_options",
    "updater",
    "updater_options",
]
